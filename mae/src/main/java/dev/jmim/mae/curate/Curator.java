package dev.jmim.mae.curate;

import dev.jmim.autograd.Autograd;
import dev.jmim.mae.data.Augment;
import dev.jmim.mae.data.BatchLoader;
import dev.jmim.mae.data.ImageFiles;
import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.model.MaeConfig;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.mae.recipe.MaskedLoss;
import dev.jmim.mae.recipe.PixelTarget;
import dev.jmim.mae.recipe.RandomMasking;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Pixio's data self-curation over an image folder of any size, streamed: each image is dropped
 * when its shorter side is under {@code minSide} (read from the file's header, not decoded) or
 * its colour-histogram entropy is at most {@code minEntropyBits}; the rest are scored by a
 * pretrained model's reconstruction loss ({@link #perImageLoss}) and kept with probability
 * p = min(1, loss·lossScale), by a uniform draw that depends only on (seed, the file's path
 * relative to the folder). With lossScale 1 this is the reference's rule, keep iff U[0, 1) ≤
 * loss; a larger scale keeps more. Harder images (higher loss) are kept more often.
 *
 * <p>Work goes in chunks, in {@link FolderWalk}'s fixed order: files are read and measured on
 * {@code threads} threads, the survivors scored in batches, and the chunk's lines appended to the
 * manifest and forced to disk before the next chunk starts. A stopped run therefore leaves whole
 * chunks (and at most one torn line, which a resumed run cuts off); the resumed run skips the
 * images the manifest holds and goes on, so nothing is lost or done twice, and the decisions do
 * not depend on the thread count or on where the run was stopped.
 */
public final class Curator {
    /** Images per chunk: the unit of progress a stop can lose at most. */
    private static final int CHUNK = 256;

    private static final int BATCH = 64;

    /**
     * The curation knobs: the reference's are minSide 320, minEntropyBits 4.5 and lossScale 1; the
     * mask ratio and seed make the loss score reproducible.
     */
    public record Rules(int minSide, double minEntropyBits, double lossScale, double maskRatio, long seed) {
        public Rules {
            if (minSide < 0 || !(lossScale > 0) || !(maskRatio > 0 && maskRatio < 1)) {
                throw new IllegalArgumentException("curation: --min-side >= 0, --loss-scale > 0 and a mask ratio in"
                        + " (0, 1) needed; got " + minSide + ", " + lossScale + ", " + maskRatio);
            }
        }
    }

    /** Images seen (all runs), kept (all runs), where this run began, its seconds, and counts by reason. */
    public record Summary(long seen, long kept, long resumedAt, double seconds, Map<String, Long> reasons) {}

    private final MaskedAutoencoder model;
    private final Rules rules;
    private final int threads;
    private final PrintStream log;
    private final int chunkSize;

    public Curator(MaskedAutoencoder model, Rules rules, int threads, PrintStream log) {
        this(model, rules, threads, log, CHUNK);
    }

    Curator(MaskedAutoencoder model, Rules rules, int threads, PrintStream log, int chunkSize) {
        if (threads < 1 || chunkSize < 1) {
            throw new IllegalArgumentException(
                    "curation needs at least one thread and one image per chunk, got " + threads + ", " + chunkSize);
        }
        this.model = model;
        this.rules = rules;
        this.threads = threads;
        this.log = log;
        this.chunkSize = chunkSize;
    }

    /**
     * Curates the images under root into manifest (JSON lines), resuming it when it exists;
     * stopAfter > 0 stops after that many more images (whole chunks), as an interruption would.
     */
    public Summary run(Path root, Path manifest, long stopAfter) throws IOException {
        long started = System.nanoTime();
        Map<String, Long> reasons = new TreeMap<>();
        long[] kept = {0};
        List<ManifestEntry> earlier = resume(manifest);
        earlier.forEach(e -> count(e, reasons, kept));
        FolderWalk walk = new FolderWalk(root);
        for (int i = 0; i < earlier.size(); i++) {
            Path skipped = walk.hasNext() ? walk.next() : null;
            String expected = earlier.get(i).path();
            if (skipped == null || !absolute(skipped).equals(expected)) {
                throw new IOException("manifest " + manifest + " does not continue " + root + ": its line " + (i + 1)
                        + " is " + expected + " but the folder's image " + (i + 1) + " is " + skipped
                        + "; curate into a new manifest, or restore the folder");
            }
        }
        if (!earlier.isEmpty()) {
            log.printf("resuming %s after %d images%n", manifest, earlier.size());
        }
        long seen = earlier.size();
        long done = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads);
                FileChannel out = FileChannel.open(
                        manifest, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            while (walk.hasNext() && (stopAfter <= 0 || done < stopAfter)) {
                List<Path> chunk = new ArrayList<>();
                while (walk.hasNext() && chunk.size() < chunkSize) {
                    chunk.add(walk.next());
                }
                List<ManifestEntry> entries = curate(root, chunk, pool);
                StringBuilder lines = new StringBuilder();
                for (ManifestEntry e : entries) {
                    lines.append(e.toJson()).append('\n');
                    count(e, reasons, kept);
                    if (e.reason().startsWith("unreadable")) {
                        log.println("skipped " + e.path() + ": " + e.reason());
                    }
                }
                ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(false);
                seen += chunk.size();
                done += chunk.size();
                log.printf(
                        "curated %d images (%d kept, %.1f%%), %.1f s per 1000 in this run%n",
                        seen, kept[0], 100.0 * kept[0] / seen, (System.nanoTime() - started) / 1e6 / done);
            }
        }
        return new Summary(seen, kept[0], earlier.size(), (System.nanoTime() - started) / 1e9, reasons);
    }

    private static void count(ManifestEntry e, Map<String, Long> reasons, long[] kept) {
        reasons.merge(e.reason().startsWith("unreadable") ? "unreadable" : e.reason(), 1L, Long::sum);
        kept[0] += e.keep() ? 1 : 0;
    }

    /** The complete lines of an existing manifest; a torn last line (a stop mid-write) is cut off. */
    static List<ManifestEntry> resume(Path manifest) throws IOException {
        List<ManifestEntry> entries = new ArrayList<>();
        if (!Files.exists(manifest)) {
            return entries;
        }
        byte[] content = Files.readAllBytes(manifest);
        int end = content.length;
        while (end > 0 && content[end - 1] != '\n') {
            end--;
        }
        if (end < content.length) {
            try (FileChannel ch = FileChannel.open(manifest, StandardOpenOption.WRITE)) {
                ch.truncate(end);
            }
        }
        String text = new String(content, 0, end, StandardCharsets.UTF_8);
        long number = 0;
        for (String line : text.split("\n")) {
            number++;
            if (!line.isEmpty()) {
                entries.add(ManifestEntry.fromJson(line, number));
            }
        }
        return entries;
    }

    /** One image measured on a worker thread: its entry when dropped, or its model input when not. */
    private record Measured(ManifestEntry dropped, ManifestEntry survivor, float[] input) {}

    private List<ManifestEntry> curate(Path root, List<Path> chunk, ExecutorService pool) throws IOException {
        List<Future<Measured>> futures = new ArrayList<>();
        for (Path p : chunk) {
            futures.add(pool.submit(() -> measure(p)));
        }
        List<Measured> measured = new ArrayList<>();
        for (Future<Measured> f : futures) {
            try {
                measured.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("curation interrupted", e);
            } catch (ExecutionException e) {
                throw new IOException("curation failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
        List<Integer> survivors = new ArrayList<>();
        for (int i = 0; i < measured.size(); i++) {
            if (measured.get(i).dropped() == null) {
                survivors.add(i);
            }
        }
        double[] losses = new double[survivors.size()];
        for (int start = 0; start < survivors.size(); start += BATCH) {
            List<Integer> batch = survivors.subList(start, Math.min(survivors.size(), start + BATCH));
            List<float[]> inputs =
                    batch.stream().map(i -> measured.get(i).input()).toList();
            List<Path> paths = batch.stream().map(chunk::get).toList();
            double[] scored = perImageLoss(
                    model, inputs, paths.stream().map(p -> relative(root, p)).toList(), rules);
            System.arraycopy(scored, 0, losses, start, scored.length);
        }
        List<ManifestEntry> entries = new ArrayList<>();
        int s = 0;
        for (int i = 0; i < measured.size(); i++) {
            Measured m = measured.get(i);
            if (m.dropped() != null) {
                entries.add(m.dropped());
                continue;
            }
            double loss = losses[s++];
            double p = Math.min(1, loss * rules.lossScale());
            boolean keep = uniform(rules.seed(), relative(root, chunk.get(i))) < p;
            ManifestEntry base = m.survivor();
            entries.add(new ManifestEntry(
                    base.path(),
                    keep,
                    keep ? "kept" : "sampled out",
                    base.height(),
                    base.width(),
                    base.entropyBits(),
                    loss,
                    p));
        }
        return entries;
    }

    private Measured measure(Path p) {
        String path = absolute(p);
        try {
            int[] hw = ImageFiles.dimensions(p);
            if (Math.min(hw[0], hw[1]) < rules.minSide()) {
                return new Measured(
                        new ManifestEntry(path, false, "short side", hw[0], hw[1], null, null, null), null, null);
            }
            RgbImage image = ImageFiles.read(p, -1);
            double entropy = ColourEntropy.bits(image);
            if (entropy <= rules.minEntropyBits()) {
                return new Measured(
                        new ManifestEntry(path, false, "low entropy", hw[0], hw[1], entropy, null, null), null, null);
            }
            int size = model.config().imgSize();
            float[] input = new float[3 * size * size];
            BatchLoader.normalize(Augment.resize(size).apply(image, null), input, 0);
            return new Measured(null, new ManifestEntry(path, true, "kept", hw[0], hw[1], entropy, null, null), input);
        } catch (IOException | RuntimeException e) {
            return new Measured(
                    new ManifestEntry(path, false, "unreadable: " + e.getMessage(), null, null, null, null, null),
                    null,
                    null);
        }
    }

    /**
     * Each image's reconstruction loss (MAE's masked, norm-pix as the model was trained) under a
     * mask drawn from (seed, the image's relative path): the score curation samples by.
     */
    static double[] perImageLoss(MaskedAutoencoder model, List<float[]> inputs, List<String> names, Rules rules) {
        MaeConfig c = model.config();
        int n = inputs.size();
        int size = c.imgSize();
        float[] batch = new float[n * 3 * size * size];
        List<Tensor> noise = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            System.arraycopy(inputs.get(i), 0, batch, i * 3 * size * size, 3 * size * size);
        }
        model.train(false);
        try (Scope _ = Scope.open();
                var _ = Autograd.noGrad()) {
            for (String name : names) {
                noise.add(RandomMasking.noise(new Generator(rules.seed(), stableHash(name)), 1, c.maskUnits()));
            }
            Tensor x = Tensor.of(batch, n, 3, size, size);
            MaskedAutoencoder.Output out = model.forward(x, rules.maskRatio(), Tensor.cat(noise, 0));
            Tensor target = PixelTarget.of(x, c.patch(), c.normPixLoss());
            return MaskedLoss.perImage(out.pred(), target, out.mask()).toDoubleArray();
        }
    }

    private static String absolute(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }

    private static String relative(Path root, Path p) {
        return root.toAbsolutePath()
                .normalize()
                .relativize(p.toAbsolutePath().normalize())
                .toString()
                .replace('\\', '/');
    }

    /** A uniform [0, 1) draw fixed by (seed, name). */
    static double uniform(long seed, String name) {
        return new SplittableRandom(seed ^ stableHash(name)).nextDouble();
    }

    /** FNV-1a over the name's UTF-8 bytes: the same on every JVM and run, unlike identity hashes. */
    static long stableHash(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h & Long.MAX_VALUE;
    }
}
