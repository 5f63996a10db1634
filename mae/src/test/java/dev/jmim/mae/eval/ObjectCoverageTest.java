package dev.jmim.mae.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.mae.data.Augment;
import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.eval.ObjectCoverage.View;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ObjectCoverageTest {

    private static RgbImage disc(int size, double radius) {
        float[] mask = new float[size * size];
        float[] pixels = new float[3 * size * size];
        SplittableRandom r = new SplittableRandom(7);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double dy = y + 0.5 - size / 2.0;
                double dx = x + 0.5 - size / 2.0;
                mask[y * size + x] = dy * dy + dx * dx <= radius * radius ? 1 : 0;
            }
        }
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) r.nextDouble();
        }
        return new RgbImage(size, size, pixels, mask, 0);
    }

    @Test
    void centreCropOfAFullFrameObjectKeepsTheCentralSquare() {
        RgbImage full = new RgbImage(40, 40, new float[3 * 1600], filled(1600), 0);
        // 40 px resized to ⌊32 / 0.875⌋ = 36 (scale 0.9), the centre 32 of 36 starts at 2 / 0.9 = 2.22
        // source px and spans 35.6: the centres 2.5 … 37.5 inside, 36 × 36 of the 40 × 40 pixels
        double j = new ObjectCoverage(32, 4, 0.75).coverage(full, View.CENTER_CROP, false, new SplittableRandom(1));
        assertEquals(36.0 * 36 / 1600, j, 1e-12);
    }

    /**
     * The window must be where the augmentation itself crops, for the same draws: on an image whose
     * channel 0 is its row coordinate and channel 1 its column coordinate (over n), view pixel v
     * shows the source coordinate top + (v + 0.5) / scale. Away from the borders the resampling
     * filters reproduce such ramps to a few hundredths of a pixel (antialiased weights are not
     * exactly symmetric about the sample point).
     */
    @Test
    void windowsAreWhereTheAugmentationsCrop() {
        int n = 40;
        float[] ramps = new float[3 * n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                ramps[y * n + x] = (y + 0.5f) / n;
                ramps[n * n + y * n + x] = (x + 0.5f) / n;
            }
        }
        RgbImage image = new RgbImage(n, n, ramps, null, 0);
        ObjectCoverage coverage = new ObjectCoverage(32, 4, 0.75);
        for (long seed = 0; seed < 40; seed++) {
            RgbImage rrc = Augment.randomResizedCrop(image, new SplittableRandom(seed), 32, 0.2, 1.0);
            var rrcWindow = coverage.window(View.RANDOM_RESIZED_CROP, n, n, new SplittableRandom(seed));
            RgbImage src = Augment.simpleResizedCrop(image, new SplittableRandom(seed), 32, 4);
            var srcWindow = coverage.window(View.SIMPLE_RESIZED_CROP, n, n, new SplittableRandom(seed));
            for (int v = 8; v < 24; v++) {
                assertEquals(rrcWindow.top() + (v + 0.5) / rrcWindow.scaleY(), n * rrc.pixels()[v * 32 + 16], 0.05);
                assertEquals(
                        rrcWindow.left() + (v + 0.5) / rrcWindow.scaleX(), n * rrc.pixels()[1024 + 16 * 32 + v], 0.05);
                assertEquals(srcWindow.top() + (v + 0.5) / srcWindow.scaleY(), n * src.pixels()[v * 32 + 16], 0.05);
                assertEquals(
                        srcWindow.left() + (v + 0.5) / srcWindow.scaleX(), n * src.pixels()[1024 + 16 * 32 + v], 0.05);
            }
        }
    }

    @Test
    void maskingKeepsAQuarterOfTheObjectOnAverage() {
        RgbImage image = disc(40, 14);
        ObjectCoverage coverage = new ObjectCoverage(32, 4, 0.75);
        for (View view : View.values()) {
            double plain = 0;
            double masked = 0;
            int draws = 2000;
            for (int d = 0; d < draws; d++) {
                plain += coverage.coverage(image, view, false, new SplittableRandom(d));
                masked += coverage.coverage(image, view, true, new SplittableRandom(d));
            }
            assertEquals(0.25, masked / plain, 0.01, view + ": masked / unmasked coverage");
        }
        long kept = 0;
        for (boolean k : coverage.keptPatches(new SplittableRandom(3))) {
            kept += k ? 1 : 0;
        }
        assertEquals(16, kept, "⌊64 · 0.25⌋ patches stay visible");
    }

    @Test
    void imagesWithoutAnObjectAreRefused() {
        ObjectCoverage coverage = new ObjectCoverage(32, 4, 0.75);
        RgbImage none = new RgbImage(40, 40, new float[3 * 1600], null, 0);
        var missing = assertThrows(
                IllegalArgumentException.class,
                () -> coverage.coverage(none, View.CENTER_CROP, false, new SplittableRandom(0)));
        assertTrue(missing.getMessage().contains("foreground mask"), missing.getMessage());
        RgbImage empty = new RgbImage(40, 40, new float[3 * 1600], new float[1600], 0);
        var blank = assertThrows(
                IllegalArgumentException.class,
                () -> coverage.coverage(empty, View.CENTER_CROP, false, new SplittableRandom(0)));
        assertTrue(blank.getMessage().contains("empty foreground"), blank.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ObjectCoverage(30, 4, 0.75));
    }

    private static float[] filled(int n) {
        float[] ones = new float[n];
        Arrays.fill(ones, 1);
        return ones;
    }
}
