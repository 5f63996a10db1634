package dev.jmim.tensor.fast;

import static dev.jmim.tensor.fast.Lanes.ORDER;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The rounds of an 8 × 8 register transpose of eight 8-float vectors v0..v7 (vector k holds
 * column k): round d ∈ {1, 2, 4} pairs vk with vk+d for each k with k & d = 0, and after rounds
 * 1, 2, 4 vector k holds row k. Each output is one single-vector shuffle (swap the lanes d
 * apart) and one blend with a constant mask: half the permutes of two-vector shuffles, which C2
 * turns into two permutes and a variable blend each (bench/NOTES.md, transpose copy).
 * {@link #transpose} reads a block from a segment into an array (attention's kᵀ) or into a segment
 * (Gemm's packed panels, {@link Transpose}).
 */
final class Butterfly {
    static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
    private static final VectorShuffle<Float> SWAP_1 = VectorShuffle.fromValues(S8, 1, 0, 3, 2, 5, 4, 7, 6);
    private static final VectorShuffle<Float> SWAP_2 = VectorShuffle.fromValues(S8, 2, 3, 0, 1, 6, 7, 4, 5);
    private static final VectorShuffle<Float> SWAP_4 = VectorShuffle.fromValues(S8, 4, 5, 6, 7, 0, 1, 2, 3);
    private static final VectorMask<Float> BIT_1 =
            VectorMask.fromValues(S8, false, true, false, true, false, true, false, true);
    private static final VectorMask<Float> BIT_2 =
            VectorMask.fromValues(S8, false, false, true, true, false, false, true, true);
    private static final VectorMask<Float> BIT_4 =
            VectorMask.fromValues(S8, false, false, false, false, true, true, true, true);

    private Butterfly() {}

    /**
     * out[o + r·outStep + k] = the float at byte at + k·step + 4·r of s, for r, k < 8: eight rows of
     * eight floats, step bytes apart, transposed into eight rows outStep floats apart.
     */
    static void transpose(MemorySegment s, long at, long step, float[] out, int o, int outStep) {
        FloatVector c0 = FloatVector.fromMemorySegment(S8, s, at, ORDER);
        FloatVector c1 = FloatVector.fromMemorySegment(S8, s, at + step, ORDER);
        FloatVector c2 = FloatVector.fromMemorySegment(S8, s, at + 2 * step, ORDER);
        FloatVector c3 = FloatVector.fromMemorySegment(S8, s, at + 3 * step, ORDER);
        FloatVector c4 = FloatVector.fromMemorySegment(S8, s, at + 4 * step, ORDER);
        FloatVector c5 = FloatVector.fromMemorySegment(S8, s, at + 5 * step, ORDER);
        FloatVector c6 = FloatVector.fromMemorySegment(S8, s, at + 6 * step, ORDER);
        FloatVector c7 = FloatVector.fromMemorySegment(S8, s, at + 7 * step, ORDER);
        FloatVector d0 = lower(c0, c1, 1);
        FloatVector d1 = upper(c0, c1, 1);
        FloatVector d2 = lower(c2, c3, 1);
        FloatVector d3 = upper(c2, c3, 1);
        FloatVector d4 = lower(c4, c5, 1);
        FloatVector d5 = upper(c4, c5, 1);
        FloatVector d6 = lower(c6, c7, 1);
        FloatVector d7 = upper(c6, c7, 1);
        FloatVector e0 = lower(d0, d2, 2);
        FloatVector e1 = lower(d1, d3, 2);
        FloatVector e2 = upper(d0, d2, 2);
        FloatVector e3 = upper(d1, d3, 2);
        FloatVector e4 = lower(d4, d6, 2);
        FloatVector e5 = lower(d5, d7, 2);
        FloatVector e6 = upper(d4, d6, 2);
        FloatVector e7 = upper(d5, d7, 2);
        lower(e0, e4, 4).intoArray(out, o);
        lower(e1, e5, 4).intoArray(out, o + outStep);
        lower(e2, e6, 4).intoArray(out, o + 2 * outStep);
        lower(e3, e7, 4).intoArray(out, o + 3 * outStep);
        upper(e0, e4, 4).intoArray(out, o + 4 * outStep);
        upper(e1, e5, 4).intoArray(out, o + 5 * outStep);
        upper(e2, e6, 4).intoArray(out, o + 6 * outStep);
        upper(e3, e7, 4).intoArray(out, o + 7 * outStep);
    }

    /**
     * As {@link #transpose(MemorySegment, long, long, float[], int, int)} into a segment, all offsets
     * and steps in bytes: the float at byte at + k·step + 4·r of s to byte o + r·outStep + 4·k of out.
     */
    static void transpose(MemorySegment s, long at, long step, MemorySegment out, long o, long outStep) {
        FloatVector c0 = FloatVector.fromMemorySegment(S8, s, at, ORDER);
        FloatVector c1 = FloatVector.fromMemorySegment(S8, s, at + step, ORDER);
        FloatVector c2 = FloatVector.fromMemorySegment(S8, s, at + 2 * step, ORDER);
        FloatVector c3 = FloatVector.fromMemorySegment(S8, s, at + 3 * step, ORDER);
        FloatVector c4 = FloatVector.fromMemorySegment(S8, s, at + 4 * step, ORDER);
        FloatVector c5 = FloatVector.fromMemorySegment(S8, s, at + 5 * step, ORDER);
        FloatVector c6 = FloatVector.fromMemorySegment(S8, s, at + 6 * step, ORDER);
        FloatVector c7 = FloatVector.fromMemorySegment(S8, s, at + 7 * step, ORDER);
        FloatVector d0 = lower(c0, c1, 1);
        FloatVector d1 = upper(c0, c1, 1);
        FloatVector d2 = lower(c2, c3, 1);
        FloatVector d3 = upper(c2, c3, 1);
        FloatVector d4 = lower(c4, c5, 1);
        FloatVector d5 = upper(c4, c5, 1);
        FloatVector d6 = lower(c6, c7, 1);
        FloatVector d7 = upper(c6, c7, 1);
        FloatVector e0 = lower(d0, d2, 2);
        FloatVector e1 = lower(d1, d3, 2);
        FloatVector e2 = upper(d0, d2, 2);
        FloatVector e3 = upper(d1, d3, 2);
        FloatVector e4 = lower(d4, d6, 2);
        FloatVector e5 = lower(d5, d7, 2);
        FloatVector e6 = upper(d4, d6, 2);
        FloatVector e7 = upper(d5, d7, 2);
        // the last round written out, not through lower and upper: with their eight calls, C2's compile
        // of this method ran out of node budget (NodeCountInliningCutoff) at the last upper, which then
        // ran as a call on boxed vectors, every 8 × 8 block (bench/NOTES.md, ninth session)
        e0.blend(e4.rearrange(SWAP_4), BIT_4).intoMemorySegment(out, o, ORDER);
        e1.blend(e5.rearrange(SWAP_4), BIT_4).intoMemorySegment(out, o + outStep, ORDER);
        e2.blend(e6.rearrange(SWAP_4), BIT_4).intoMemorySegment(out, o + 2 * outStep, ORDER);
        e3.blend(e7.rearrange(SWAP_4), BIT_4).intoMemorySegment(out, o + 3 * outStep, ORDER);
        e0.rearrange(SWAP_4).blend(e4, BIT_4).intoMemorySegment(out, o + 4 * outStep, ORDER);
        e1.rearrange(SWAP_4).blend(e5, BIT_4).intoMemorySegment(out, o + 5 * outStep, ORDER);
        e2.rearrange(SWAP_4).blend(e6, BIT_4).intoMemorySegment(out, o + 6 * outStep, ORDER);
        e3.rearrange(SWAP_4).blend(e7, BIT_4).intoMemorySegment(out, o + 7 * outStep, ORDER);
    }

    /** Round d's output for the lower vector a of the pair (a, b): lane i is a[i] where i & d = 0, else b[i − d]. */
    static FloatVector lower(FloatVector a, FloatVector b, int d) {
        return a.blend(b.rearrange(swap(d)), bit(d));
    }

    /** Round d's output for the upper vector b of the pair (a, b): lane i is a[i + d] where i & d = 0, else b[i]. */
    static FloatVector upper(FloatVector a, FloatVector b, int d) {
        return a.rearrange(swap(d)).blend(b, bit(d));
    }

    // d is a constant at every call site, so after inlining each switch folds to one constant
    private static VectorShuffle<Float> swap(int d) {
        return switch (d) {
            case 1 -> SWAP_1;
            case 2 -> SWAP_2;
            default -> SWAP_4;
        };
    }

    private static VectorMask<Float> bit(int d) {
        return switch (d) {
            case 1 -> BIT_1;
            case 2 -> BIT_2;
            default -> BIT_4;
        };
    }
}
