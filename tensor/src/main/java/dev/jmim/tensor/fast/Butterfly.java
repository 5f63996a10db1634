package dev.jmim.tensor.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The rounds of an 8 × 8 register transpose of eight 8-float vectors v0..v7 (vector k holds
 * column k): round d ∈ {1, 2, 4} pairs vk with vk+d for each k whose bit d is clear, and after
 * rounds 1, 2, 4 vector k holds row k. Each output is one single-vector shuffle (swap the lanes d
 * apart) and one blend with a constant mask: half the permutes of two-vector shuffles, which C2
 * turns into two permutes and a variable blend each (bench/NOTES.md, transpose copy). Callers keep
 * the loads and stores: {@link Transpose} writes to a segment, {@link Gemm} into packed panels.
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

    /** Round d's output for the lower vector a of the pair (a, b): lane i is a[i] where i's bit d is clear, else b[i − d]. */
    static FloatVector lower(FloatVector a, FloatVector b, int d) {
        return a.blend(b.rearrange(swap(d)), bit(d));
    }

    /** Round d's output for the upper vector b of the pair (a, b): lane i is a[i + d] where i's bit d is clear, else b[i]. */
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
