package dev.jmim.mae.gmae;

import dev.jmim.autograd.Autograd;
import dev.jmim.mae.data.BatchLoader;
import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.model.MaeConfig;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * GMAE's zero-shot layering (methods.md §3.4): the Gaussians a model predicts for an image (every
 * patch visible), sorted by depth, nearest first, and cut into equal groups — the layers. From them:
 * each layer rendered alone and the partial renders of the first 1, 2, … layers; a figure-ground
 * mask where rendering without the nearest layer changes a pixel by more than a threshold (the
 * largest channel difference, in [0, 1] pixels); and edges where the layer a pixel belongs to —
 * the first layer whose addition to the partial render changes it by more than the threshold —
 * differs from a neighbour's (right or below).
 */
public final class Layers {
    private Layers() {}

    /**
     * Renders [3, S, S] in [0, 1] (full, each layer alone, the partial renders), the figure-ground
     * mask and the edges (S·S, 1 = figure / edge) and each pixel's layer (0 = none changed it).
     */
    public record Result(
            Tensor full,
            List<Tensor> layers,
            List<Tensor> partial,
            float[] figure,
            float[] edges,
            int[] layerOfPixel) {}

    public static Result of(MaskedAutoencoder model, RgbImage image, int count, double threshold) {
        return of(model, image, count, threshold, true);
    }

    /** As {@link #of(MaskedAutoencoder, RgbImage, int, double)}, the figure from the nearest or the farthest layer. */
    public static Result of(MaskedAutoencoder model, RgbImage image, int count, double threshold, boolean nearest) {
        MaeConfig c = model.config();
        if (c.gaussians() == 0) {
            throw new IllegalArgumentException(
                    "layers need a GMAE checkpoint (pretrain --preset gmae); this one" + " decodes pixels");
        }
        if (count < 1 || count > c.gaussians()) {
            throw new IllegalArgumentException(
                    "--layers " + count + ": choose 1 to the model's " + c.gaussians() + " Gaussians");
        }
        int s = c.imgSize();
        if (image.height() != s || image.width() != s) {
            throw new IllegalArgumentException("layers: the image must be resized to the model's " + s + " px first");
        }
        model.train(false);
        float[] input = new float[3 * s * s];
        BatchLoader.normalize(image, input, 0);
        try (var _ = Autograd.noGrad();
                Scope scope = Scope.open()) {
            MaskedAutoencoder.Encoded encoded =
                    model.encode(Tensor.of(input, 1, 3, s, s), 0.0, Tensor.zeros(1, c.maskUnits()));
            Gaussians all =
                    model.decodeGaussians(encoded.latent(), encoded.masking().idsKeep());
            long[] nearestFirst = all.centres()
                    .narrow(-1, 2, 1)
                    .reshape(1, c.gaussians())
                    .argsort(1, false)
                    .toLongArray();
            int[] bounds = new int[count + 1];
            for (int l = 0; l <= count; l++) {
                bounds[l] = (int) ((long) l * nearestFirst.length / count);
            }
            Tensor full = render(model, all, nearestFirst, 0, nearestFirst.length);
            List<Tensor> layers = new ArrayList<>();
            List<Tensor> partial = new ArrayList<>();
            for (int l = 0; l < count; l++) {
                layers.add(render(model, all, nearestFirst, bounds[l], bounds[l + 1]));
                partial.add(render(model, all, nearestFirst, 0, bounds[l + 1]));
            }
            Tensor withoutFigure = nearest
                    ? render(model, all, nearestFirst, bounds[1], nearestFirst.length)
                    : render(model, all, nearestFirst, 0, bounds[count - 1]);
            float[] figure = changed(full, withoutFigure, threshold);
            int[] layerOf = new int[s * s];
            Tensor previous = render(model, all, nearestFirst, 0, 0);
            for (int l = 0; l < count; l++) {
                float[] moved = changed(partial.get(l), previous, threshold);
                for (int p = 0; p < layerOf.length; p++) {
                    if (layerOf[p] == 0 && moved[p] > 0) {
                        layerOf[p] = l + 1;
                    }
                }
                previous = partial.get(l);
            }
            float[] edges = new float[s * s];
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    int here = layerOf[y * s + x];
                    boolean edge = (x + 1 < s && layerOf[y * s + x + 1] != here)
                            || (y + 1 < s && layerOf[(y + 1) * s + x] != here);
                    edges[y * s + x] = edge ? 1 : 0;
                }
            }
            List<Tensor> kept = new ArrayList<>(layers);
            kept.addAll(partial);
            kept.add(full);
            kept.forEach(scope::keep);
            return new Result(full, layers, partial, figure, edges, layerOf);
        }
    }

    /** The Gaussians at sorted positions [from, to) rendered alone, [3, S, S]. */
    private static Tensor render(MaskedAutoencoder model, Gaussians all, long[] order, int from, int to) {
        int s = model.config().imgSize();
        if (from == to) {
            float[] flat = new float[3 * s * s];
            Arrays.fill(flat, (float) model.config().background());
            return Tensor.of(flat, 3, s, s);
        }
        Tensor index = Tensor.of(Arrays.copyOfRange(order, from, to), 1, to - from);
        return all.select(index)
                .render(s, s, model.camera(), model.config().background())
                .select(0, 0)
                .contiguous();
    }

    /** 1 where the largest channel difference of two renders [3, S, S] passes the threshold. */
    private static float[] changed(Tensor a, Tensor b, double threshold) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        int plane = x.length / 3;
        float[] out = new float[plane];
        for (int p = 0; p < plane; p++) {
            double most = 0;
            for (int ch = 0; ch < 3; ch++) {
                most = Math.max(most, Math.abs(x[ch * plane + p] - y[ch * plane + p]));
            }
            out[p] = most > threshold ? 1 : 0;
        }
        return out;
    }
}
