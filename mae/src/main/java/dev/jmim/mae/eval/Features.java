package dev.jmim.mae.eval;

import dev.jmim.autograd.Autograd;
import dev.jmim.mae.data.Augment;
import dev.jmim.mae.data.BatchLoader;
import dev.jmim.mae.data.Dataset;
import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.model.MaeConfig;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Frozen features of labelled images, for the linear probe and kNN: the encoder's class token (all
 * patches visible, images resized to the model's size and normalised as in pretraining), or the raw
 * pixels (the baseline every representation must beat).
 */
public final class Features {
    private static final int BATCH = 128;

    private Features() {}

    /** Features [N, D] and labels of some images of a dataset. */
    public record Set(Tensor values, int[] labels) {
        public int size() {
            return labels.length;
        }
    }

    /**
     * {@code limit} images of the dataset (all when limit is 0 or at least its size), a seeded random
     * choice otherwise, so that a limit on a class-sorted folder still sees every class.
     */
    public static int[] choose(Dataset data, int limit, long seed) {
        int n = data.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (limit <= 0 || limit >= n) {
            return order;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < limit; i++) { // partial Fisher–Yates
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] chosen = Arrays.copyOf(order, limit);
        Arrays.sort(chosen);
        return chosen;
    }

    /**
     * The class token of the encoder's last layer (after its norm; with several, as Pixio, their
     * mean), no patch masked.
     */
    public static Set encoder(MaskedAutoencoder model, Dataset data, int[] indices) throws IOException {
        model.train(false);
        int size = model.config().imgSize();
        int dim = model.config().dim();
        int units = model.config().maskUnits();
        int k = model.config().clsTokens();
        float[] out = new float[indices.length * dim];
        int[] labels = new int[indices.length];
        for (int start = 0; start < indices.length; start += BATCH) {
            int n = Math.min(BATCH, indices.length - start);
            float[] batch = new float[n * 3 * size * size];
            for (int i = 0; i < n; i++) {
                RgbImage image = resized(data.get(indices[start + i]), size);
                labels[start + i] = image.label();
                BatchLoader.normalize(image, batch, i * 3 * size * size);
            }
            try (Scope _ = Scope.open();
                    var _ = Autograd.noGrad()) {
                Tensor images = Tensor.of(batch, n, 3, size, size);
                Tensor latent =
                        model.encode(images, 0.0, Tensor.zeros(n, units)).latent();
                float[] cls = latent.narrow(1, 0, k)
                        .mean(new int[] {1}, false)
                        .contiguous()
                        .toFloatArray();
                System.arraycopy(cls, 0, out, start * dim, cls.length);
            }
        }
        return new Set(Tensor.of(out, indices.length, dim), labels);
    }

    /**
     * Dense features as Pixio's evaluations take them: the encoder's last-layer patch tokens after
     * its final LayerNorm, in raster order, [N, L, D], and the mean of its (normalised) class tokens
     * [N, D]; no patch masked, eval mode.
     */
    public record Dense(Tensor patchTokens, Tensor clsMean) {}

    /** Dense features of images already model-sized. */
    public static Dense dense(MaskedAutoencoder model, List<RgbImage> images) {
        model.train(false);
        MaeConfig c = model.config();
        int n = images.size();
        int size = c.imgSize();
        float[] batch = new float[n * 3 * size * size];
        for (int i = 0; i < n; i++) {
            BatchLoader.normalize(images.get(i), batch, i * 3 * size * size);
        }
        try (var _ = Autograd.noGrad()) {
            MaskedAutoencoder.Encoded encoded =
                    model.encode(Tensor.of(batch, n, 3, size, size), 0.0, Tensor.zeros(n, c.maskUnits()));
            Tensor latent = encoded.latent();
            int k = c.clsTokens();
            int length = c.numPatches();
            Tensor patches = latent.narrow(1, k, length)
                    .gather(1, encoded.masking().idsRestore().unsqueeze(-1).expand(n, length, c.dim()));
            return new Dense(patches.contiguous(), latent.narrow(1, 0, k).mean(new int[] {1}, false));
        }
    }

    /** The pixels in [0, 1], resized to {@code size}, all channels, as one row per image. */
    public static Set pixels(Dataset data, int[] indices, int size) throws IOException {
        int dim = 3 * size * size;
        float[] out = new float[indices.length * dim];
        int[] labels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            RgbImage image = resized(data.get(indices[i]), size);
            labels[i] = image.label();
            System.arraycopy(image.pixels(), 0, out, i * dim, dim);
        }
        return new Set(Tensor.of(out, indices.length, dim), labels);
    }

    private static RgbImage resized(RgbImage image, int size) {
        if (image.label() < 0) {
            throw new IllegalArgumentException("an image without a label cannot be probed: give an image folder"
                    + " with one subfolder per class");
        }
        return image.height() == size && image.width() == size
                ? image
                : Augment.resize(size).apply(image, null);
    }
}
