package dev.jmim.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** How operand views reach the kernels: merged walks that visit the same elements in the same order. */
class CudaViewTest {

    @Test
    void contiguousOperandsCollapseToOneDenseDim() {
        CudaView[] v =
                CudaView.walk(new int[] {4, 1, 6}, new long[] {3, 0}, new long[] {6, 6, 1}, new long[] {6, 6, 1});
        assertArrayEquals(new int[] {24}, v[0].shape());
        assertTrue(v[0].dense());
        assertEquals(3, v[0].offset());
    }

    @Test
    void aBroadcastOperandKeepsItsZeroStrideDimApart() {
        CudaView[] v = CudaView.walk(new int[] {5, 8}, new long[] {0, 0}, new long[] {8, 1}, new long[] {0, 1});
        assertArrayEquals(new int[] {5, 8}, v[0].shape());
        assertArrayEquals(new long[] {0, 1}, v[1].strides());
        assertFalse(v[1].dense());
    }

    @Test
    void mergedWalksVisitTheSameOffsetsAsTheOriginalViews() {
        Random random = new Random(7);
        for (int trial = 0; trial < 500; trial++) {
            int rank = random.nextInt(5);
            int[] shape = new int[rank];
            long[] strides = new long[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = 1 + random.nextInt(4);
            }
            // a random permutation of a contiguous layout, with some dims broadcast
            long step = 1;
            int[] order = random.ints(0, 1000).limit(rank).toArray();
            Integer[] dims = new Integer[rank];
            for (int d = 0; d < rank; d++) {
                dims[d] = d;
            }
            java.util.Arrays.sort(dims, (a, b) -> Integer.compare(order[a], order[b]));
            for (int d = rank - 1; d >= 0; d--) {
                strides[dims[d]] = random.nextInt(4) == 0 ? 0 : step;
                step *= shape[dims[d]];
            }
            CudaView merged = CudaView.walk(shape, new long[] {2}, strides)[0];
            assertArrayEquals(offsets(new CudaView(2, strides, shape)), offsets(merged), "trial " + trial);
        }
    }

    @Test
    void theStructHasTheLayoutOfJmimCuh() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = new CudaView(5, new long[] {12, 1}, new int[] {3, 12}).write(arena);
            assertEquals(112, s.byteSize());
            assertEquals(5, s.get(ValueLayout.JAVA_LONG, 0));
            assertEquals(12, s.get(ValueLayout.JAVA_LONG, 8));
            assertEquals(1, s.get(ValueLayout.JAVA_LONG, 16));
            assertEquals(3, s.get(ValueLayout.JAVA_INT, 72));
            assertEquals(12, s.get(ValueLayout.JAVA_INT, 76));
            assertEquals(2, s.get(ValueLayout.JAVA_INT, 104));
            assertEquals(1, s.get(ValueLayout.JAVA_INT, 108));
        }
    }

    /** The offsets offset_of in jmim.cuh computes, element by element of the row-major walk. */
    private static long[] offsets(CudaView v) {
        long n = 1;
        for (int s : v.shape()) {
            n *= s;
        }
        long[] out = new long[(int) n];
        for (long i = 0; i < n; i++) {
            long at = v.offset();
            long rest = i;
            for (int d = v.shape().length - 1; d >= 0; d--) {
                at += (rest % v.shape()[d]) * v.strides()[d];
                rest /= v.shape()[d];
            }
            out[(int) i] = v.dense() ? v.offset() + i : at;
        }
        return out;
    }
}
