package dev.jmim.tensor.fast;

import static dev.jmim.tensor.fast.Gemm.L;
import static dev.jmim.tensor.fast.Gemm.MR;
import static dev.jmim.tensor.fast.Gemm.NR;
import static dev.jmim.tensor.fast.Gemm.S;
import static dev.jmim.tensor.fast.Lanes.ORDER;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * {@link Gemm}'s register-blocked micro-kernels: 8 rows × two 16-float vectors on AVX-512, 4 rows ×
 * two 8-float vectors elsewhere, each element of the tile one FMA chain over the steps in order. They
 * stay small and apart from the C update: with a MemorySegment access per row of C inside, C2's node
 * budget ran out during training and left the FMAs un-intrinsified (boxed vectors, 4× slower;
 * bench/NOTES.md).
 */
final class MicroKernel {
    /**
     * Bytes from one step of a B panel to the next, a long, so that B's offset is a long linear in
     * the step. Written as {@code (bAt + p·NR)·4}, an int product widened (which may overflow, as far
     * as C2 knows), the kernel ran ~10% slower alone with its panels in L1 (bench/NOTES.md).
     */
    private static final long STEP_BYTES = NR * 4L;

    private MicroKernel() {}

    /**
     * tile = A panel · B panel over kc steps: A's panel (MR floats per step) from a Java array, B's
     * (NR per step) from the aligned off-heap panel, the tile (MR rows of NR) into a Java array. MR
     * is a constant, so C2 keeps one of the two bodies.
     */
    static void run(float[] a, int aAt, MemorySegment b, long bAt, int kc, float[] tile) {
        if (MR == 8) {
            kernel8(a, aAt, b, bAt, kc, tile);
        } else {
            kernel4(a, aAt, b, bAt, kc, tile);
        }
    }

    private static void kernel8(float[] a, int aAt, MemorySegment b, long bAt, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        long bFirst = bAt * 4;
        for (int p = 0; p < kc; p++) {
            long bi = bFirst + p * STEP_BYTES;
            int ai = aAt + p * 8;
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bi, ORDER);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bi + 4L * L, ORDER);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, 2 * L);
        c11.intoArray(tile, 3 * L);
        c20.intoArray(tile, 4 * L);
        c21.intoArray(tile, 5 * L);
        c30.intoArray(tile, 6 * L);
        c31.intoArray(tile, 7 * L);
        c40.intoArray(tile, 8 * L);
        c41.intoArray(tile, 9 * L);
        c50.intoArray(tile, 10 * L);
        c51.intoArray(tile, 11 * L);
        c60.intoArray(tile, 12 * L);
        c61.intoArray(tile, 13 * L);
        c70.intoArray(tile, 14 * L);
        c71.intoArray(tile, 15 * L);
    }

    private static void kernel4(float[] a, int aAt, MemorySegment b, long bAt, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        long bFirst = bAt * 4;
        for (int p = 0; p < kc; p++) {
            long bi = bFirst + p * STEP_BYTES;
            int ai = aAt + p * 4;
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bi, ORDER);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bi + 4L * L, ORDER);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, 2 * L);
        c11.intoArray(tile, 3 * L);
        c20.intoArray(tile, 4 * L);
        c21.intoArray(tile, 5 * L);
        c30.intoArray(tile, 6 * L);
        c31.intoArray(tile, 7 * L);
    }
}
