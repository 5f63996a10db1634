package dev.jmim.tensor.fast;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Loads and stores of up to one vector of floats at any inner stride: 1 is a vector access (masked
 * for a short tail), 0 a broadcast, anything else a gather through a small buffer. Every element
 * therefore goes through the same lanewise math wherever it sits in a row, so a result never
 * depends on where a thread's range happened to start.
 */
final class Lanes {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /**
     * Whether the CPU has 32 vector registers: the 512-bit ones (AVX-512) do, AVX2's 16 do not. Kernels
     * that block more accumulators than 16 registers hold (GEMM's 8 × 32, attention's 8-row blocks)
     * pick their shape by it.
     */
    static final boolean MANY_REGISTERS = S.vectorBitSize() >= 512;

    private Lanes() {}

    /** Up to L floats from element offset at, stride apart; lanes at and beyond count are 0. */
    static FloatVector load(MemorySegment s, long at, long stride, int count, float[] buffer) {
        if (stride == 1) {
            return count >= L
                    ? FloatVector.fromMemorySegment(S, s, at * 4, ORDER)
                    : FloatVector.fromMemorySegment(S, s, at * 4, ORDER, S.indexInRange(0, count));
        }
        if (stride == 0) {
            FloatVector v = FloatVector.broadcast(S, s.getAtIndex(F32, at));
            return count >= L ? v : v.blend(0f, S.indexInRange(0, count).not());
        }
        int n = Math.min(count, L);
        for (int i = 0; i < n; i++) {
            buffer[i] = s.getAtIndex(F32, at + i * stride);
        }
        java.util.Arrays.fill(buffer, n, L, 0f);
        return FloatVector.fromArray(S, buffer, 0);
    }

    /** The first min(count, L) lanes of v to element offset at, stride apart. */
    static void store(FloatVector v, MemorySegment s, long at, long stride, int count, float[] buffer) {
        if (stride == 1) {
            if (count >= L) {
                v.intoMemorySegment(s, at * 4, ORDER);
            } else {
                v.intoMemorySegment(s, at * 4, ORDER, S.indexInRange(0, count));
            }
            return;
        }
        v.intoArray(buffer, 0);
        int n = Math.min(count, L);
        for (int i = 0; i < n; i++) {
            s.setAtIndex(F32, at + i * stride, buffer[i]);
        }
    }

    /** The first min(count, L) lanes of a mask as BOOL bytes (0 or 1). */
    static void storeMask(VectorMask<Float> m, MemorySegment s, long at, long stride, int count) {
        long bits = m.toLong();
        int n = Math.min(count, L);
        for (int i = 0; i < n; i++) {
            s.set(ValueLayout.JAVA_BYTE, at + i * stride, (byte) ((bits >>> i) & 1));
        }
    }

    /** buffer[0, lanes) (a vector stored there), folded in lane order: the maximum (NaN wins) or the sum. */
    static float fold(float[] buffer, int lanes, boolean max) {
        float acc = buffer[0];
        for (int lane = 1; lane < lanes; lane++) {
            acc = max ? Math.max(acc, buffer[lane]) : acc + buffer[lane];
        }
        return acc;
    }

    /**
     * Off-heap memory of n copies of value (an absent weight read as dense), freed by the GC. Kernels
     * read only native segments: one heap segment reaching {@code FloatVector.fromMemorySegment}
     * makes that JDK method's type profile polymorphic for every kernel in the JVM, and a dense NEG
     * ran 2× slower for the rest of the run after one layer_norm without weights (bench/NOTES.md).
     */
    static MemorySegment filled(int n, float value) {
        MemorySegment values = java.lang.foreign.Arena.ofAuto().allocate(n * 4L, 64);
        for (int i = 0; i < n; i++) {
            values.setAtIndex(F32, i, value);
        }
        return values;
    }
}
