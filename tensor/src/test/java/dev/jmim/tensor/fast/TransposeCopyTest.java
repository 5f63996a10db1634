package dev.jmim.tensor.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
 * Property: copies that are batches of 2-D transposes ({@link Transpose}: 8 × 8 register blocks in
 * 128² tiles, x staged through an aligned tile where its rows have an odd length, element-wise
 * edges) give exactly the reference backend's elements, on 1 and 2 threads, for F32 and I32; sizes
 * are 0 or straddle the block (7, 8, 9) and the tile (127, 128, 129), and the batch dim may sit
 * between the two transposed ones (a head permute), the output may have a row stride wider than its
 * rows.
 */
class TransposeCopyTest {
    private static final int[] SIZES = {0, 1, 2, 7, 8, 9, 16, 17, 64, 127, 128, 129, 200};
    private static final FastBackend ONE_THREAD = new FastBackend(1);
    private static final FastBackend TWO_THREADS = new FastBackend(2);
    private static final NaiveBackend REFERENCE = new NaiveBackend();

    /** out[b, r, c] = x[...] where x's memory holds the r dim contiguously; batch is 0 for none. */
    record Case(int batch, int rows, int cols, boolean batchInside, boolean wideOut, DType dtype, int seed) {
        int[] shape() {
            return batch == 0 ? new int[] {rows, cols} : new int[] {batch, rows, cols};
        }

        Tensor source() {
            Tensor base;
            Generator g = new Generator(seed);
            if (batch == 0) {
                base = Tensor.randn(g, cols, rows).transpose(0, 1);
            } else if (batchInside) { // memory [cols, batch, rows]
                base = Tensor.randn(g, cols, batch, rows).permute(1, 2, 0);
            } else { // memory [batch, cols, rows]
                base = Tensor.randn(g, batch, cols, rows).transpose(1, 2);
            }
            return dtype == DType.F32 ? base : base.mul(Tensor.scalar(1000)).to(dtype);
        }

        Tensor output() {
            int[] shape = shape();
            if (!wideOut) {
                return Tensor.zeros(dtype, Device.CPU, shape);
            }
            int[] wide = shape.clone();
            wide[wide.length - 1] = 2 * cols + 3;
            return Tensor.zeros(dtype, Device.CPU, wide).slice(wide.length - 1, 0, cols, 1);
        }
    }

    private static Gen<Case> cases() {
        Gen<Integer> size = integers().between(0, SIZES.length - 1).map(i -> SIZES[i]);
        Gen<Integer> flags = integers().between(0, 7);
        return integers()
                .between(0, 3)
                .zip(
                        size,
                        size,
                        flags,
                        (batch, rows, cols, f) -> new Case(
                                batch,
                                rows,
                                cols,
                                (f & 1) == 1,
                                (f & 2) == 2,
                                (f & 4) == 4 ? DType.I32 : DType.F32,
                                31 * rows + cols + batch));
    }

    @Test
    void transposedCopiesAreExact() {
        qt().withFixedSeed(21L).withExamples(120).forAll(cases()).checkAssert(c -> {
            Tensor x = c.source();
            Tensor[] outs = {c.output(), c.output(), c.output()};
            ONE_THREAD.copy(x, outs[0]);
            TWO_THREADS.copy(x, outs[1]);
            REFERENCE.copy(x, outs[2]);
            double[] ref = outs[2].to(DType.F64).toDoubleArray();
            assertArrayEquals(ref, outs[0].to(DType.F64).toDoubleArray(), "1 thread vs reference, " + c);
            assertArrayEquals(ref, outs[1].to(DType.F64).toDoubleArray(), "2 threads vs reference, " + c);
        });
    }

    @Test
    void theTransposePathIsTaken() {
        Tensor x = Tensor.randn(new Generator(1), 64, 48).transpose(0, 1);
        Tensor out = Tensor.zeros(48, 64);
        assertTrue(Transpose.handles(Strided.of(out.shape(), x, out)), "a transposed matrix is a transpose copy");
        Tensor rows = Tensor.randn(new Generator(1), 48, 64);
        assertTrue(
                !Transpose.handles(Strided.of(out.shape(), rows, out)),
                "a contiguous copy is not; shapes " + Arrays.toString(out.shape()));
    }
}
