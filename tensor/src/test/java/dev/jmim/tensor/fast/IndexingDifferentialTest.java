package dev.jmim.tensor.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.naive.NaiveBackend;
import dev.jmim.tensor.random.Generator;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Property: gather, scatter_add and index_select on the fast backend give the reference's bits
 * (tolerance 0: they copy, and scatter_add adds in the reference's order) on generated shapes of
 * rank 2 and 3 with sizes 0, 1, odd and past the vector width, any dim, indices with repeats, the
 * index as a stride-0 row view (MAE's masking, the fast path) or as a full tensor (the reference
 * loops), the source contiguous or transposed, on 1 and 2 threads. QuickTheories shrinks a failing
 * case towards the smallest shape.
 */
class IndexingDifferentialTest {
    private static final int[] SIZES = {0, 1, 2, 3, 5, 8, 9, 17, 33};
    private static final FastBackend ONE_THREAD = new FastBackend(1);
    private static final FastBackend TWO_THREADS = new FastBackend(2);
    private static final NaiveBackend REFERENCE = new NaiveBackend();

    record Case(int[] shape, int dim, boolean rowIndex, boolean transposed, int seed) {
        @Override
        public String toString() {
            return Arrays.toString(shape) + " dim " + dim + (rowIndex ? " row index" : " full index")
                    + (transposed ? " transposed source" : "") + " seed " + seed;
        }

        Tensor source(int which) {
            Generator g = new Generator(seed * 7L + which);
            if (!transposed) {
                return Tensor.randn(g, shape);
            }
            int[] reversed = shape.clone();
            int[] order = new int[shape.length];
            for (int d = 0; d < shape.length; d++) {
                reversed[d] = shape[shape.length - 1 - d];
                order[d] = shape.length - 1 - d;
            }
            return Tensor.randn(g, reversed).permute(order);
        }

        /** Indices in [0, bound) with repeats, shape = shape with dim resized to {@code along}. */
        Tensor index(int along, int bound) {
            int[] s = shape.clone();
            s[dim] = along;
            int[] drawn = s.clone();
            if (rowIndex) {
                drawn[drawn.length - 1] = 1;
            }
            Tensor index = indices(seed, (int) dev.jmim.tensor.Shapes.numel(drawn), bound, drawn);
            return rowIndex ? index.expand(s) : index;
        }
    }

    private static Gen<Case> cases() {
        Gen<Integer> size = integers().between(0, SIZES.length - 1).map(i -> SIZES[i]);
        Gen<int[]> shape = integers()
                .between(2, 3)
                .zip(size, size, size, (rank, a, b, c) -> rank == 2 ? new int[] {a, b} : new int[] {a, b, c});
        return shape.zip(
                integers().between(0, 2),
                integers().between(0, 3),
                integers().between(0, 500),
                (s, d, f, seed) -> new Case(s, Math.min(d, s.length - 1), (f & 1) == 1, (f & 2) == 2, seed));
    }

    @Test
    void gatherMatchesTheReference() {
        qt().withFixedSeed(21L).withExamples(80).forAll(cases()).checkAssert(c -> {
            Tensor x = c.source(0);
            int bound = c.shape()[c.dim()];
            if (bound == 0) {
                return;
            }
            Tensor index = c.index(Math.max(1, bound - 1), bound);
            Tensor[] outs = outputs(DType.F32, index.shape());
            ONE_THREAD.gather(x, c.dim(), index, outs[0]);
            TWO_THREADS.gather(x, c.dim(), index, outs[1]);
            REFERENCE.gather(x, c.dim(), index, outs[2]);
            same("gather on " + c, outs);
        });
    }

    @Test
    void scatterAddMatchesTheReferenceBitForBit() {
        qt().withFixedSeed(22L).withExamples(80).forAll(cases()).checkAssert(c -> {
            int bound = Math.max(1, c.shape()[c.dim()] / 2); // fewer targets than sources: repeats add up
            int[] outShape = c.shape().clone();
            outShape[c.dim()] = bound;
            Tensor index = c.index(c.shape()[c.dim()], bound);
            Tensor src = c.source(1);
            Tensor start = Tensor.randn(new Generator(c.seed()), outShape);
            Tensor[] outs = {start.clone(), start.clone(), start.clone()};
            ONE_THREAD.scatterAdd(outs[0], c.dim(), index, src);
            TWO_THREADS.scatterAdd(outs[1], c.dim(), index, src);
            REFERENCE.scatterAdd(outs[2], c.dim(), index, src);
            same("scatter_add on " + c, outs);
        });
    }

    @Test
    void indexSelectMatchesTheReference() {
        qt().withFixedSeed(23L).withExamples(80).forAll(cases()).checkAssert(c -> {
            Tensor x = c.source(2);
            int bound = c.shape()[c.dim()];
            if (bound == 0) {
                return;
            }
            Tensor index = indices(c.seed(), 2 * bound, bound, 2 * bound);
            int[] outShape = c.shape().clone();
            outShape[c.dim()] = 2 * bound;
            Tensor[] outs = outputs(x.dtype(), outShape);
            ONE_THREAD.indexSelect(x, c.dim(), index, outs[0]);
            TWO_THREADS.indexSelect(x, c.dim(), index, outs[1]);
            REFERENCE.indexSelect(x, c.dim(), index, outs[2]);
            same("index_select on " + c, outs);
        });
    }

    @Test
    void rowsOfOtherDtypesMoveUnchanged() {
        Tensor x = Tensor.of(new long[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Tensor index = Tensor.of(new long[] {2, 0}, 2, 1).expand(2, 2);
        Tensor out = Tensor.empty(DType.I64, Device.CPU, 2, 2);
        TWO_THREADS.gather(x, 0, index, out);
        assertArrayEquals(new long[] {5, 6, 1, 2}, out.toLongArray());
    }

    @Test
    void anOutOfRangeRowIndexIsNamedAsTheReferenceNamesIt() {
        Tensor x = Tensor.zeros(3, 4);
        Tensor index = Tensor.of(new long[] {1, 3}, 2, 1).expand(2, 4);
        Tensor out = Tensor.empty(DType.F32, Device.CPU, 2, 4);
        String fast = assertThrows(IndexOutOfBoundsException.class, () -> TWO_THREADS.gather(x, 0, index, out))
                .getMessage();
        String reference = assertThrows(IndexOutOfBoundsException.class, () -> REFERENCE.gather(x, 0, index, out))
                .getMessage();
        assertEquals(reference, fast);
    }

    /** count seeded indices in [0, bound) (repeats likely), as an I64 tensor of this shape. */
    private static Tensor indices(int seed, int count, int bound, int... shape) {
        java.util.Random random = new java.util.Random(seed);
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
            values[i] = random.nextInt(bound);
        }
        return Tensor.of(values, shape);
    }

    private static Tensor[] outputs(DType dtype, int[] shape) {
        return new Tensor[] {
            Tensor.zeros(dtype, Device.CPU, shape),
            Tensor.zeros(dtype, Device.CPU, shape),
            Tensor.zeros(dtype, Device.CPU, shape)
        };
    }

    private static void same(String what, Tensor[] outs) {
        double[] reference = outs[2].to(DType.F64).toDoubleArray();
        assertArrayEquals(reference, outs[0].to(DType.F64).toDoubleArray(), what + ": 1 thread vs reference");
        assertArrayEquals(reference, outs[1].to(DType.F64).toDoubleArray(), what + ": 2 threads vs reference");
    }
}
