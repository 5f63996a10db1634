package dev.jmim.mae.train;

import dev.jmim.autograd.Autograd;
import dev.jmim.mae.data.BatchLoader;
import dev.jmim.mae.data.ImageFiles;
import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.model.MaeConfig;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.mae.recipe.Patches;
import dev.jmim.mae.recipe.RandomMasking;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The official demo's panels for each image, side by side: original | masked | reconstruction |
 * reconstruction with the visible patches pasted back. A norm-pix model predicts standardised
 * patches; they are brought back to pixels with the mean and standard deviation of the image's
 * <em>visible</em> patches (averaged over them), not with each hidden patch's own statistics,
 * which would leak the answer into the picture.
 */
public final class Reconstructions {
    private static final int ZOOM = 4;
    private static final int GAP = 2;

    private Reconstructions() {}

    /**
     * The four panels of each image, in [0, 1] pixel units (unclamped), each [N, 3, S, S] flattened:
     * original, masked (hidden patches at the normalisation mean), reconstruction, reconstruction with the visible patches
     * pasted back.
     */
    public record Panels(float[] original, float[] masked, float[] reconstruction, float[] pasted) {}

    /** images already model-sized; writes one row per image. */
    public static void grid(MaskedAutoencoder model, List<RgbImage> images, double ratio, long seed, Path png)
            throws IOException {
        int n = images.size();
        int s = model.config().imgSize();
        int plane = s * s;
        Panels out = panels(
                model,
                images,
                ratio,
                RandomMasking.noise(new Generator(seed), n, model.config().maskUnits()));
        List<List<float[]>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int from = i * 3 * plane;
            int to = from + 3 * plane;
            rows.add(List.of(
                    Arrays.copyOfRange(out.original(), from, to),
                    Arrays.copyOfRange(out.masked(), from, to),
                    Arrays.copyOfRange(out.reconstruction(), from, to),
                    Arrays.copyOfRange(out.pasted(), from, to)));
        }
        writeGrid(rows, s, png);
    }

    /**
     * Panels [3, s, s] in [0, 1] (clamped) laid out in rows on white, each enlarged ZOOM times, GAP
     * pixels between them; rows may differ in length.
     */
    public static void writeGrid(List<List<float[]>> rows, int s, Path png) throws IOException {
        int cell = s * ZOOM;
        int columns = rows.stream().mapToInt(List::size).max().orElse(1);
        int width = columns * cell + (columns - 1) * GAP;
        int height = rows.size() * cell + (rows.size() - 1) * GAP;
        float[] canvas = new float[3 * height * width];
        Arrays.fill(canvas, 1f);
        for (int row = 0; row < rows.size(); row++) {
            for (int col = 0; col < rows.get(row).size(); col++) {
                float[] panel = rows.get(row).get(col);
                for (int ch = 0; ch < 3; ch++) {
                    for (int y = 0; y < cell; y++) {
                        for (int x = 0; x < cell; x++) {
                            float v = Math.clamp(panel[(ch * s + y / ZOOM) * s + x / ZOOM], 0f, 1f);
                            canvas[(ch * height + row * (cell + GAP) + y) * width + col * (cell + GAP) + x] = v;
                        }
                    }
                }
            }
        }
        ImageFiles.writePng(canvas, height, width, png);
    }

    /**
     * The panels of images already model-sized, with ratio of the patches hidden by
     * noise [N, L] (lowest noise kept, as {@link RandomMasking}).
     */
    public static Panels panels(MaskedAutoencoder model, List<RgbImage> images, double ratio, Tensor noise) {
        MaeConfig c = model.config();
        int n = images.size();
        int s = c.imgSize();
        float[] input = new float[n * 3 * s * s];
        for (int i = 0; i < n; i++) {
            BatchLoader.normalize(images.get(i), input, i * 3 * s * s);
        }
        boolean training = model.isTraining();
        model.train(false); // no stochastic depth in a picture
        try (var _ = Autograd.noGrad();
                Scope _ = Scope.open()) {
            Tensor x = Tensor.of(input, n, 3, s, s);
            MaskedAutoencoder.Output out = model.forward(x, ratio, noise);
            Tensor pred = out.pred();
            Tensor visible = out.mask().neg().add(1).unsqueeze(-1); // [N, L, 1]
            if (c.normPixLoss()) {
                Tensor target = Patches.patchify(x, c.patch());
                Tensor mean = target.mean(new int[] {-1}, true);
                Tensor std = target.var(new int[] {-1}, 1, true).add(1e-6).sqrt();
                Tensor count = visible.sum(new int[] {1}, true);
                Tensor imageMean = mean.mul(visible).sum(new int[] {1}, true).div(count);
                Tensor imageStd = std.mul(visible).sum(new int[] {1}, true).div(count);
                pred = pred.mul(imageStd).add(imageMean);
            }
            int g = c.grid();
            Tensor recon = Patches.unpatchify(pred, c.patch(), 3, g, g);
            Tensor hidden = Patches.unpatchify(
                    out.mask().unsqueeze(-1).expand(n, c.numPatches(), c.patch() * c.patch() * 3), c.patch(), 3, g, g);
            Tensor shown = hidden.neg().add(1);
            return new Panels(
                    toPixels(x),
                    toPixels(x.mul(shown)),
                    toPixels(recon),
                    toPixels(x.mul(shown).add(recon.mul(hidden))));
        } finally {
            model.train(training);
        }
    }

    /** Normalised [N, 3, S, S] back to [0, 1] pixel units, unclamped. */
    private static float[] toPixels(Tensor normalised) {
        float[] v = normalised.contiguous().toFloatArray();
        int plane = normalised.size(2) * normalised.size(3);
        for (int i = 0; i < v.length; i++) {
            int ch = (i / plane) % 3;
            v[i] = v[i] * BatchLoader.STD[ch] + BatchLoader.MEAN[ch];
        }
        return v;
    }
}
