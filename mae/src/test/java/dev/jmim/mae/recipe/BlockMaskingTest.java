package dev.jmim.mae.recipe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pixio's block masking against the reference's algorithm (methods.md §4.1), token by token. */
class BlockMaskingTest {

    /** Tokens whose single feature is their raster index, so what was kept can be read back. */
    private static Tensor indexTokens(int n, int length) {
        float[] v = new float[n * length];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % length;
        }
        return Tensor.of(v, n, length, 1);
    }

    @Test
    void keepsWholeBlocksInNoiseOrderWithTheirPatchesInRasterOrder() {
        int grid = 8;
        int g = 2;
        int side = grid / g;
        int n = 3;
        Tensor noise = RandomMasking.noise(new Generator(5), n, side * side);
        RandomMasking.Result r = RandomMasking.applyBlocks(indexTokens(n, grid * grid), 0.75, noise, grid, g);
        int keepBlocks = (int) (side * side * 0.25);
        assertArrayEquals(new int[] {n, keepBlocks * g * g, 1}, r.kept().shape());
        float[] kept = r.kept().contiguous().toFloatArray();
        float[] mask = r.mask().contiguous().toFloatArray();
        float[] noiseValues = noise.toFloatArray();
        for (int s = 0; s < n; s++) {
            final int sample = s;
            Integer[] order = new Integer[side * side];
            Arrays.setAll(order, b -> b);
            Arrays.sort(order, Comparator.comparingDouble(b -> noiseValues[sample * side * side + b]));
            List<Integer> expected = new ArrayList<>();
            for (int k = 0; k < keepBlocks; k++) {
                int by = order[k] / side;
                int bx = order[k] % side;
                for (int dy = 0; dy < g; dy++) {
                    for (int dx = 0; dx < g; dx++) {
                        expected.add((by * g + dy) * grid + bx * g + dx);
                    }
                }
            }
            for (int t = 0; t < expected.size(); t++) {
                assertEquals(expected.get(t), (int) kept[s * expected.size() + t], "sample " + s + ", kept token " + t);
            }
            for (int p = 0; p < grid * grid; p++) {
                assertEquals(expected.contains(p) ? 0f : 1f, mask[s * grid * grid + p], "sample " + s + ", patch " + p);
            }
        }
        // ids_restore undoes the shuffle: gathering the shuffled indices with it gives 0, 1, 2, …
        long[] restore = r.idsRestore().toLongArray();
        assertEquals(n * grid * grid, restore.length);
        for (int s = 0; s < n; s++) {
            long[] row = Arrays.copyOfRange(restore, s * grid * grid, (s + 1) * grid * grid);
            long[] sorted = row.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < sorted.length; i++) {
                assertEquals(i, sorted[i], "ids_restore is a permutation");
            }
        }
    }

    @Test
    void blocksOfOnePatchAreMaesMasking() {
        Tensor x = Tensor.randn(new Generator(2), 2, 16, 5);
        Tensor noise = RandomMasking.noise(new Generator(3), 2, 16);
        RandomMasking.Result blocks = RandomMasking.applyBlocks(x, 0.75, noise, 4, 1);
        RandomMasking.Result mae = RandomMasking.apply(x, 0.75, noise);
        assertArrayEquals(mae.kept().toFloatArray(), blocks.kept().toFloatArray());
        assertArrayEquals(mae.mask().toFloatArray(), blocks.mask().toFloatArray());
        assertArrayEquals(mae.idsRestore().toLongArray(), blocks.idsRestore().toLongArray());
    }

    @Test
    void wrongNoiseOrGridIsNamed() {
        Tensor x = Tensor.zeros(2, 64, 4);
        var noise = assertThrows(
                IllegalArgumentException.class, () -> RandomMasking.applyBlocks(x, 0.75, Tensor.zeros(2, 64), 8, 2));
        assertTrue(noise.getMessage().contains("noise must be [2, 16]"), noise.getMessage());
        var grid = assertThrows(
                IllegalArgumentException.class, () -> RandomMasking.applyBlocks(x, 0.75, Tensor.zeros(2, 16), 8, 3));
        assertTrue(grid.getMessage().contains("8 × 8 grid of 3 × 3 blocks"), grid.getMessage());
    }
}
