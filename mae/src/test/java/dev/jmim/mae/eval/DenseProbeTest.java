package dev.jmim.mae.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.data.SyntheticShapes;
import dev.jmim.mae.model.MaeConfig;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.tensor.random.Generator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DenseProbeTest {

    private static List<RgbImage> shapes(int n, int size, long seed) {
        SyntheticShapes data = new SyntheticShapes(n, size, seed);
        List<RgbImage> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(data.get(i));
        }
        return out;
    }

    /**
     * Dense patch tokens come back in raster order even where block masking shuffles them: the same
     * weights with per-patch masking (which keeps raster order at ratio 0) give the same tokens, up
     * to the order attention sums its keys in.
     */
    @Test
    void densePatchTokensAreInRasterOrder() {
        MaeConfig blocks = new MaeConfig(16, 4, 3, 16, 1, 2, 8, 1, 2, 2.0, 1e-6, true).withPixio(2, true, 2, 0.2);
        MaeConfig patches = new MaeConfig(16, 4, 3, 16, 1, 2, 8, 1, 2, 2.0, 1e-6, true).withPixio(2, true, 1, 0.2);
        List<RgbImage> images = shapes(3, 16, 4);
        Features.Dense shuffled = Features.dense(new MaskedAutoencoder(blocks, new Generator(1)), images);
        Features.Dense raster = Features.dense(new MaskedAutoencoder(patches, new Generator(1)), images);
        assertArrayEquals(new int[] {3, 16, 16}, shuffled.patchTokens().shape());
        assertArrayEquals(new int[] {3, 16}, shuffled.clsMean().shape());
        assertArrayEquals(
                raster.patchTokens().toFloatArray(), shuffled.patchTokens().toFloatArray(), 1e-4f);
        assertArrayEquals(
                raster.clsMean().contiguous().toFloatArray(),
                shuffled.clsMean().contiguous().toFloatArray(),
                1e-4f);
    }

    @Test
    void labelsMarkPatchesThatAreMostlyForeground() {
        float[] mask = new float[8 * 8];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 3; x++) {
                mask[y * 8 + x] = 1; // columns 0–2 foreground
            }
        }
        RgbImage image = new RgbImage(8, 8, new float[3 * 64], mask, 0);
        // 4-px patches: the left ones hold 12 of 16 foreground pixels (≥ half), the right ones none
        assertArrayEquals(new int[] {1, 0, 1, 0}, DenseProbe.labels(List.of(image), 4));
    }

    /** Bright foreground patches on a dark background: separable from raw pixels, so near-perfect IoU. */
    private static List<RgbImage> brightPatches(int n, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        List<RgbImage> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] pixels = new float[3 * 256];
            float[] mask = new float[256];
            for (int patch = 0; patch < 16; patch++) {
                boolean foreground = r.nextInt(3) == 0;
                for (int k = 0; k < 16; k++) {
                    int y = (patch / 4) * 4 + k / 4;
                    int x = (patch % 4) * 4 + k % 4;
                    mask[y * 16 + x] = foreground ? 1 : 0;
                    for (int c = 0; c < 3; c++) {
                        pixels[c * 256 + y * 16 + x] = (float) ((foreground ? 0.7 : 0.2) + 0.2 * r.nextDouble());
                    }
                }
            }
            out.add(new RgbImage(16, 16, pixels, mask, 0));
        }
        return out;
    }

    @Test
    void aSeparableForegroundIsFoundAlmostExactly() {
        DenseProbe.Result r = DenseProbe.run(
                null, 4, brightPatches(100, 1), brightPatches(30, 2), new LinearProbe.Settings(10, 256, 6.4, 0));
        assertTrue(r.patchIou()[0] > 0.95 && r.patchIou()[1] > 0.95, r.patchIou()[0] + ", " + r.patchIou()[1]);
        assertEquals((r.patchIou()[0] + r.patchIou()[1]) / 2, r.patchMiou(), 1e-12);
        assertEquals(r.patchMiou(), r.pixelMiou(), 1e-12, "patch-aligned masks: per pixel = per patch");
    }
}
