package dev.jmim.mae.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataTest {

    @Test
    void syntheticImagesAreAPureFunctionOfSeedAndIndexWithTheirMasks() {
        SyntheticShapes a = new SyntheticShapes(10, 24, 9);
        SyntheticShapes b = new SyntheticShapes(10, 24, 9);
        RgbImage x = a.get(3);
        assertArrayEquals(x.pixels(), b.get(3).pixels());
        assertArrayEquals(x.foreground(), b.get(3).foreground());
        double covered = 0;
        for (float f : x.foreground()) {
            covered += f;
        }
        assertTrue(covered > 0 && covered < 24 * 24, "the mask covers part of the image: " + covered);
        assertTrue(x.label() >= 0 && x.label() < SyntheticShapes.CLASSES);
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(10));
    }

    @Test
    void randomResizedCropBoxesFollowTorchvisionsBounds() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 2000; i++) {
            int[] box = Augment.randomResizedCropBox(40, 60, r, 0.2, 1.0);
            assertTrue(box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= 40 && box[1] + box[3] <= 60);
            double area = (double) box[2] * box[3] / (40 * 60);
            double ratio = (double) box[3] / box[2];
            assertTrue(area > 0.15 && area <= 1.0, "area " + area);
            assertTrue(ratio > 0.7 && ratio < 1.45, "ratio " + ratio);
        }
        // fallback for an extreme aspect ratio: the centred 4:3 box of the whole height
        int[] fallback = Augment.randomResizedCropBox(10, 1000, new SplittableRandom(2), 0.99, 1.0);
        assertArrayEquals(new int[] {0, (1000 - 13) / 2, 10, 13}, fallback);
    }

    @Test
    void simpleResizedCropMirrorsFourPixelsAndCropsAtEveryOffset() {
        int size = 32; // already the training size: the resize is the identity (to float rounding), the crop is what is
        // left
        float[] pixels = new float[3 * size * size];
        float[] rows = new float[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                for (int c = 0; c < 3; c++) {
                    pixels[(c * size + y) * size + x] =
                            x / 64f; // each pixel holds its column, the mask its row (in [0, 1])
                }
                rows[y * size + x] = y / 64f;
            }
        }
        RgbImage ramp = new RgbImage(size, size, pixels, rows, 3);
        java.util.Set<Integer> tops = new java.util.HashSet<>();
        java.util.Set<Integer> lefts = new java.util.HashSet<>();
        java.util.Set<Boolean> flips = new java.util.HashSet<>();
        for (int seed = 0; seed < 300; seed++) {
            RgbImage out = Augment.simpleResizedCrop(size).apply(ramp, new java.util.SplittableRandom(seed));
            assertEquals(size, out.height());
            assertEquals(size, out.width());
            int top = -1;
            for (int t = 0; t <= 8 && top < 0; t++) {
                boolean match = true;
                for (int y = 0; y < size; y++) {
                    match &= Math.abs(64 * out.foreground()[y * size] - mirror(t - 4 + y, size)) < 1e-3;
                }
                top = match ? t : -1;
            }
            int left = -1;
            boolean flipped = false;
            for (int l = 0; l <= 8 && left < 0; l++) {
                for (boolean flip : new boolean[] {false, true}) {
                    boolean match = left < 0;
                    for (int x = 0; x < size && match; x++) {
                        match = Math.abs(64 * out.pixels()[x] - mirror(l - 4 + (flip ? size - 1 - x : x), size)) < 1e-3;
                    }
                    if (match) {
                        left = l;
                        flipped = flip;
                    }
                }
            }
            assertTrue(top >= 0 && left >= 0, "seed " + seed + ": not a mirrored window of the image");
            tops.add(top);
            lefts.add(left);
            flips.add(flipped);
        }
        assertEquals(9, tops.size(), "every vertical offset 0..8 drawn: " + tops);
        assertEquals(9, lefts.size(), "every horizontal offset 0..8 drawn: " + lefts);
        assertEquals(2, flips.size());
        RgbImage wide = Augment.simpleResizedCrop(24)
                .apply(new SyntheticShapes(1, 40, 1).get(0), new java.util.SplittableRandom(1));
        assertEquals(24, wide.height());
        assertEquals(24, wide.foreground().length / 24);
    }

    /** NumPy's "reflect" index: …, 2, 1, 0, 1, 2, … */
    private static int mirror(int i, int n) {
        int k = Math.floorMod(i, 2 * (n - 1));
        return k < n ? k : 2 * (n - 1) - k;
    }

    @Test
    void resizingToTheSameSizeIsTheIdentityAndShrinkingAveragesAConstant() {
        RgbImage x = new SyntheticShapes(1, 16, 4).get(0);
        for (Resampler.Filter f : Resampler.Filter.values()) {
            RgbImage same = Resampler.resize(x, 0, 0, 16, 16, 16, 16, f);
            for (int i = 0; i < x.pixels().length; i++) {
                assertEquals(x.pixels()[i], same.pixels()[i], 1e-6, f + " at " + i);
            }
        }
        float[] grey = new float[3 * 9 * 9];
        java.util.Arrays.fill(grey, 0.25f);
        RgbImage small =
                Resampler.resize(new RgbImage(9, 9, grey, null, -1), 0, 0, 9, 9, 4, 4, Resampler.Filter.BICUBIC);
        for (float v : small.pixels()) {
            assertEquals(0.25f, v, 1e-6);
        }
    }

    @Test
    void batchesDoNotDependOnTheNumberOfLoaderThreads() {
        SyntheticShapes data = new SyntheticShapes(40, 20, 1);
        try (BatchLoader one = new BatchLoader(data, Augment.maePretrain(16), 16, 8, 5, 1, 1);
                BatchLoader three = new BatchLoader(data, Augment.maePretrain(16), 16, 8, 5, 3, 4)) {
            for (long step : new long[] {0, 1, 7, 3, 12}) {
                assertArrayEquals(one.get(step).pixels(), three.get(step).pixels(), "batch " + step);
                assertArrayEquals(one.get(step).indices(), three.get(step).indices(), "batch " + step);
            }
            int[] epoch0 = new int[40];
            for (long step = 0; step < 5; step++) {
                for (int index : one.get(step).indices()) {
                    epoch0[index]++;
                }
            }
            for (int seen : epoch0) {
                assertEquals(1, seen, "an epoch visits every image once");
            }
        }
    }

    @Test
    void anImageFolderSkipsAndNamesUnreadableFilesAndLabelsBySubfolder(@TempDir Path dir) throws IOException {
        RgbImage x = new SyntheticShapes(2, 12, 1).get(0);
        Files.createDirectories(dir.resolve("cats"));
        Files.createDirectories(dir.resolve("dogs"));
        ImageFiles.writePng(x.pixels(), 12, 12, dir.resolve("cats/a.png"));
        ImageFiles.writePng(x.pixels(), 12, 12, dir.resolve("dogs/b.png"));
        Files.writeString(dir.resolve("dogs/broken.png"), "not a png");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ImageFolder folder = ImageFolder.open(dir, new PrintStream(log, true));
        assertEquals(2, folder.size());
        assertEquals(1, folder.skipped());
        assertTrue(log.toString().contains("broken.png"), log.toString());
        assertEquals(1, folder.get(1).label());
        assertArrayEquals(x.pixels(), folder.get(0).pixels(), 1f / 510);
        var e = assertThrows(IOException.class, () -> ImageFolder.open(dir.resolve("missing"), System.out));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }
}
