package dev.jmim.mae.curate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.mae.data.ImageFiles;
import dev.jmim.mae.data.ManifestDataset;
import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.model.MaeConfig;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.tensor.random.Generator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CuratorTest {
    private static final MaskedAutoencoder MODEL =
            new MaskedAutoencoder(new MaeConfig(16, 4, 3, 16, 1, 2, 8, 1, 2, 2.0, 1e-6, true), new Generator(1));
    /** Scale 100: every image that passes the rules is kept; the draw only matters in its own test. */
    private static final Curator.Rules KEEP_ALL = new Curator.Rules(32, 4.5, 100, 0.75, 0);

    @TempDir
    static Path folder;

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    /** 6 noisy 48 px images (two in a subfolder), 2 of 20 px, 2 flat, 1 broken file: 11 in all. */
    @BeforeAll
    static void makeFolder() throws IOException {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 6; i++) {
            write(folder.resolve(i < 4 ? "noise-" + i + ".png" : "sub/noise-" + i + ".png"), noise(48, r));
        }
        write(folder.resolve("small-0.png"), noise(20, r));
        write(folder.resolve("small-1.png"), noise(20, r));
        write(folder.resolve("flat-0.png"), flat(48, 0.3f));
        write(folder.resolve("flat-1.png"), flat(48, 0.8f));
        Files.writeString(folder.resolve("broken.png"), "not a png");
        Files.writeString(folder.resolve("notes.txt"), "not an image name: not walked");
    }

    private static RgbImage noise(int size, SplittableRandom r) {
        float[] px = new float[3 * size * size];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) r.nextDouble();
        }
        return new RgbImage(size, size, px, null, -1);
    }

    private static RgbImage flat(int size, float value) {
        float[] px = new float[3 * size * size];
        java.util.Arrays.fill(px, value);
        return new RgbImage(size, size, px, null, -1);
    }

    private static void write(Path p, RgbImage image) throws IOException {
        Files.createDirectories(p.getParent());
        ImageFiles.writePng(image.pixels(), image.height(), image.width(), p);
    }

    private static List<ManifestEntry> entries(Path manifest) throws IOException {
        return Curator.resume(manifest);
    }

    @Test
    void entropyCountsJointColourBins() {
        assertEquals(0, ColourEntropy.bits(flat(8, 0.5f)), 1e-12);
        float[] halves = new float[3 * 64];
        for (int i = 0; i < 3 * 64; i++) {
            halves[i] = (i % 64) < 32 ? 0.1f : 0.9f;
        }
        assertEquals(1, ColourEntropy.bits(new RgbImage(8, 8, halves, null, -1)), 1e-12);
        assertTrue(
                ColourEntropy.bits(noise(64, new SplittableRandom(1))) > 11, "4,096 noise pixels nearly fill 12 bits");
    }

    @Test
    void everyImageGetsALineWithItsReason(@TempDir Path dir) throws IOException {
        Path manifest = dir.resolve("m.jsonl");
        Curator.Summary s = new Curator(MODEL, KEEP_ALL, 2, QUIET).run(folder, manifest, 0);
        List<ManifestEntry> lines = entries(manifest);
        assertEquals(11, lines.size(), "every image file, kept or not; notes.txt is not an image");
        assertEquals(11, s.seen());
        assertEquals(6, s.kept());
        assertEquals(java.util.Map.of("kept", 6L, "short side", 2L, "low entropy", 2L, "unreadable", 1L), s.reasons());
        ManifestEntry broken = lines.stream()
                .filter(e -> e.path().endsWith("broken.png"))
                .findFirst()
                .orElseThrow();
        assertTrue(broken.reason().startsWith("unreadable: cannot decode"), broken.reason());
        assertTrue(lines.getLast().path().endsWith("sub/noise-5.png"), "folders walked in name order, depth first");
        for (ManifestEntry e : lines) {
            if (e.keep()) {
                assertTrue(e.loss() > 0 && e.keepProbability() == 1.0 && e.entropyBits() > 4.5, e.toJson());
            }
        }
        ManifestDataset kept = ManifestDataset.open(manifest);
        assertEquals(6, kept.size());
        assertEquals(48, kept.get(0).width());
    }

    @Test
    void aStoppedRunResumesToTheSameManifestWhateverTheThreads(@TempDir Path dir) throws IOException {
        Path whole = dir.resolve("whole.jsonl");
        new Curator(MODEL, KEEP_ALL, 2, QUIET, 3).run(folder, whole, 0);
        Path split = dir.resolve("split.jsonl");
        Curator.Summary first = new Curator(MODEL, KEEP_ALL, 1, QUIET, 3).run(folder, split, 3);
        assertEquals(3, first.seen(), "stopped after one chunk");
        Files.writeString(split, "{\"path\":\"/torn", StandardOpenOption.APPEND); // killed mid-write
        Curator.Summary rest = new Curator(MODEL, KEEP_ALL, 1, QUIET, 3).run(folder, split, 0);
        assertEquals(3, rest.resumedAt());
        assertEquals(11, rest.seen());
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(split));
    }

    @Test
    void keepingFollowsTheLossAndTheSeededDraw(@TempDir Path dir) throws IOException {
        Curator.Rules sparse = new Curator.Rules(32, 4.5, 0.3, 0.75, 0);
        Path a = dir.resolve("a.jsonl");
        new Curator(MODEL, sparse, 2, QUIET).run(folder, a, 0);
        for (ManifestEntry e : entries(a)) {
            if (e.loss() != null) {
                double p = Math.min(1, 0.3 * e.loss());
                assertEquals(p, e.keepProbability(), 1e-12);
                String relative = folder.toAbsolutePath()
                        .relativize(Path.of(e.path()))
                        .toString()
                        .replace('\\', '/');
                assertEquals(Curator.uniform(0, relative) < p, e.keep(), e.toJson());
                assertEquals(e.keep() ? "kept" : "sampled out", e.reason());
            }
        }
    }

    @Test
    void aManifestOfAnotherFolderIsNotContinued(@TempDir Path dir) throws IOException {
        Path manifest = dir.resolve("m.jsonl");
        Files.writeString(
                manifest,
                new ManifestEntry("/elsewhere/x.png", true, "kept", 1, 1, 5.0, 0.5, 1.0).toJson() + "\n",
                StandardCharsets.UTF_8);
        var e = assertThrows(IOException.class, () -> new Curator(MODEL, KEEP_ALL, 1, QUIET).run(folder, manifest, 0));
        assertTrue(e.getMessage().contains("does not continue"), e.getMessage());
    }
}
