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
