package dev.jmim.mae.recipe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import org.junit.jupiter.api.Test;

class RecipePartsTest {

    @Test
    void patchifyOrdersRowThenColumnThenChannelAndUnpatchifyInvertsIt() {
        Tensor images = Tensor.arange(0, 2 * 3 * 4 * 6, 1, DType.F32).reshape(2, 3, 4, 6);
        Tensor patches = Patches.patchify(images, 2);
        assertArrayEquals(new int[] {2, 6, 12}, patches.shape());
        // image 0, patch 1 (grid row 0, column 1), element (row 1, column 0, channel 2)
        float expected =
                images.select(0, 0).select(0, 2).select(0, 1).select(0, 2).toFloatArray()[0];
        assertEquals(
                expected,
                patches.select(0, 0).select(0, 1).select(0, (1 * 2 + 0) * 3 + 2).toFloatArray()[0]);
        assertArrayEquals(
                images.toFloatArray(), Patches.unpatchify(patches, 2, 3, 2, 3).toFloatArray());
    }

    @Test
    void keepCountTruncatesInDoubleAsTheReference() {
        assertEquals(49, RandomMasking.keepCount(196, 0.75));
        assertEquals(64, RandomMasking.keepCount(256, 0.75));
        assertEquals(58, RandomMasking.keepCount(196, 0.7)); // 196 · 0.30000000000000004 = 58.8…
        assertThrows(IllegalArgumentException.class, () -> RandomMasking.keepCount(196, 1.0));
    }

    @Test
    void maskingKeepsTheLowestNoiseTokensAndMarksTheRest() {
        Tensor x = Tensor.arange(0, 2 * 8 * 3, 1, DType.F32).reshape(2, 8, 3);
        Tensor noise = RandomMasking.noise(new Generator(4), 2, 8);
        RandomMasking.Result r = RandomMasking.apply(x, 0.75, noise);
        assertArrayEquals(new int[] {2, 2, 3}, r.kept().shape());
        float[] mask = r.mask().toFloatArray();
        float[] noiseValues = noise.toFloatArray();
        for (int n = 0; n < 2; n++) {
            int removed = 0;
            for (int i = 0; i < 8; i++) {
                removed += (int) mask[n * 8 + i];
                int below = 0;
                for (int j = 0; j < 8; j++) {
                    below += noiseValues[n * 8 + j] < noiseValues[n * 8 + i] ? 1 : 0;
                }
                assertEquals(below < 2 ? 0f : 1f, mask[n * 8 + i], "token " + i + " of sample " + n);
            }
            assertEquals(6, removed);
        }
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> RandomMasking.apply(x, 0.75, Tensor.rand(new Generator(1), 2, 7)));
        assertTrue(e.getMessage().contains("[2, 8]"), e.getMessage());
    }

    @Test
    void normPixStandardisesEachPatchWithTheUnbiasedVariance() {
        Tensor images = Tensor.randn(new Generator(2), 1, 3, 4, 4);
        Tensor t = PixelTarget.of(images, 2, true);
        Tensor mean = t.mean(new int[] {-1}, false);
        Tensor var = t.var(new int[] {-1}, 1, false);
        for (float m : mean.toFloatArray()) {
            assertEquals(0, m, 1e-5);
        }
        for (float v : var.toFloatArray()) {
            assertEquals(1, v, 1e-4); // eps 1e-6 shrinks it a hair below 1
        }
    }
}
