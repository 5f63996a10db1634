package dev.jmim.mae.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Batches for training, prepared ahead on worker threads. Batch s is a pure function of (seed, s):
 * epoch e = s / itersPerEpoch visits the images in a permutation drawn from (seed, e) (the last
 * incomplete batch of an epoch is dropped, as MAE's loader does), and each sample's augmentation
 * draws from a stream seeded by (seed, e, position). So the batches never depend on thread timing,
 * and a resumed run asks for batch s and gets exactly what the interrupted run would have seen.
 */
public final class BatchLoader implements AutoCloseable {
    /** ImageNet's per-channel mean and standard deviation, applied after scaling to [0, 1]. */
    public static final float[] MEAN = {0.485f, 0.456f, 0.406f};

    public static final float[] STD = {0.229f, 0.224f, 0.225f};

    /** pixels: B × 3 × size × size, normalised; labels and dataset indices per sample. */
    public record Batch(long step, int epoch, float[] pixels, int[] labels, int[] indices) {}

    private final Dataset data;
    private final Augment augment;
    private final int size;
    private final int batch;
    private final long seed;
    private final int prefetch;
    private final ExecutorService workers;
    private final Map<Long, CompletableFuture<Batch>> pending = new ConcurrentHashMap<>();
    private final Map<Integer, int[]> permutations = new ConcurrentHashMap<>();

    public BatchLoader(Dataset data, Augment augment, int size, int batch, long seed, int threads, int prefetch) {
        if (batch < 1 || batch > data.size()) {
            throw new IllegalArgumentException("batch size " + batch + " must be between 1 and the dataset's "
                    + data.size() + " images (" + data.describe() + ")");
        }
        this.data = data;
        this.augment = augment;
        this.size = size;
        this.batch = batch;
        this.seed = seed;
        this.prefetch = Math.max(1, prefetch);
        this.workers = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "jmim-loader");
            t.setDaemon(true);
            return t;
        });
    }

    public int itersPerEpoch() {
        return data.size() / batch;
    }

    /** The batch of global step s (blocking); starts preparing the next ones. */
    public Batch get(long step) {
        for (long s = step; s <= step + prefetch; s++) {
            long target = s;
            pending.computeIfAbsent(target, k -> CompletableFuture.supplyAsync(() -> build(target), workers));
        }
        CompletableFuture<Batch> future = pending.remove(step);
        pending.keySet().removeIf(s -> s < step);
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private Batch build(long step) {
        int epoch = (int) (step / itersPerEpoch());
        int within = (int) (step % itersPerEpoch());
        int[] order = permutations.computeIfAbsent(epoch, this::permutation);
        permutations.keySet().removeIf(e -> e < epoch - 1);
        int plane = size * size;
        float[] pixels = new float[batch * 3 * plane];
        int[] labels = new int[batch];
        int[] indices = new int[batch];
        for (int b = 0; b < batch; b++) {
            int position = within * batch + b;
            int index = order[position];
            RgbImage image;
            try {
                image = data.get(index);
            } catch (IOException e) {
                throw new UncheckedIOException("reading image " + index + " of " + data.describe(), e);
            }
            SplittableRandom random = new SplittableRandom(mix(seed, epoch, position));
            RgbImage view = augment.apply(image, random);
            if (view.height() != size || view.width() != size) {
                throw new IllegalStateException("the augmentation made a " + view.height() + "×" + view.width()
                        + " image; the model takes " + size + "×" + size);
            }
            normalize(view, pixels, b * 3 * plane);
            labels[b] = image.label();
            indices[b] = index;
        }
        return new Batch(step, epoch, pixels, labels, indices);
    }

    /** Writes the image's pixels, ImageNet-normalised per channel, into out from offset (CHW). */
    public static void normalize(RgbImage image, float[] out, int offset) {
        int plane = image.height() * image.width();
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                out[offset + c * plane + i] = (image.pixels()[c * plane + i] - MEAN[c]) / STD[c];
            }
        }
    }

    private int[] permutation(int epoch) {
        int n = data.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom r = new SplittableRandom(mix(seed, epoch, -1));
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** A 64-bit seed from (seed, epoch, position), mixed so that neighbours are unrelated. */
    static long mix(long seed, long epoch, long position) {
        long h = seed * 0x9E3779B97F4A7C15L;
        h = (h ^ (epoch + 0x632BE59BD9B4E019L)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (position + 0x85157AF5L)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
