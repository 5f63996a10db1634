package dev.jmim.tensor;

import static dev.jmim.tensor.TensorAssert.assertShape;
import static dev.jmim.tensor.TensorAssert.assertValues;
import static dev.jmim.tensor.TensorAssert.strided;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReductionTest {
    // x[i][j][k] = 100i + 10j + k for shape [2, 3, 4]
    private static Tensor cube() {
        double[] v = new double[24];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    v[i * 12 + j * 4 + k] = 100 * i + 10 * j + k;
                }
            }
        }
        return Tensor.of(v, 2, 3, 4);
    }

    @Test
    void sumOverEverySubsetOfDims() {
        Tensor x = cube();
        assertValues(new double[] {1476}, x.sum(), 0);
        assertValues(new double[] {100, 102, 104, 106, 120, 122, 124, 126, 140, 142, 144, 146}, x.sum(0), 0);
        assertValues(new double[] {30, 33, 36, 39, 330, 333, 336, 339}, x.sum(1), 0);
        assertValues(new double[] {6, 46, 86, 406, 446, 486}, x.sum(-1), 0);
        assertValues(new double[] {138, 1338}, x.sum(1, 2), 0);
        assertValues(new double[] {360, 366, 372, 378}, x.sum(0, 1), 0);
    }

    @Test
    void keepdimKeepsSizeOneDims() {
        assertShape(new int[] {2, 1, 4}, cube().sum(new int[] {1}, true));
        assertShape(new int[] {1, 1, 1}, cube().max(new int[] {0, 1, 2}, true));
        assertShape(new int[] {2, 4}, cube().mean(new int[] {1}, false));
    }

    @Test
    void maxMinMeanOnANonContiguousView() {
        Tensor x = strided(new double[] {3, -1, 4, 1, -5, 9}, 2, 3);
        assertValues(new double[] {4, 9}, x.max(new int[] {1}, false), 0);
        assertValues(new double[] {-1, -5}, x.min(new int[] {1}, false), 0);
        assertValues(new double[] {2, -3, 6.5}, x.mean(0), 0);
        assertEquals(1.8333333333333333, x.mean().item(), 1e-15);
    }

    @Test
    void varianceBiasedAndUnbiased() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 10, 20, 30, 40}, 2, 4);
        assertValues(new double[] {1.25, 125}, x.var(new int[] {1}, 0, false), 1e-15);
        assertValues(new double[] {5.0 / 3, 500.0 / 3}, x.var(new int[] {1}, 1, false), 1e-15);
        assertValues(new double[] {40.5, 162, 364.5, 648}, x.var(new int[] {0}, 1, false), 1e-15);
    }

    @Test
    void argmaxReturnsTheFirstMaximumAndTreatsNaNAsLargest() {
        Tensor x = Tensor.of(new float[] {1, 7, 7, 2, 0, Float.NaN, 3, 3}, 2, 4);
        assertArrayEquals(new long[] {1, 1}, x.argmax(1, false).toLongArray());
        assertShape(new int[] {2, 1}, x.argmax(1, true));
        assertArrayEquals(new long[] {0, 1, 0, 1}, x.argmax(0, false).toLongArray());
        assertEquals(5, x.argmax().item());
    }

    @Test
    void sumOfIntegersIsI64AndMaxKeepsDtype() {
        Tensor b = Tensor.of(new boolean[] {true, true, false});
        assertEquals(DType.I64, b.sum().dtype());
        assertEquals(2, b.sum().item());
        Tensor i = Tensor.of(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE});
        assertEquals(2L * Integer.MAX_VALUE, i.sum().toLongArray()[0]);
        assertEquals(DType.I32, i.max().dtype());
    }

    @Test
    void nanPropagatesThroughSumAndMax() {
        Tensor x = Tensor.of(new float[] {1, Float.NaN, 3});
        assertTrue(Double.isNaN(x.sum().item()));
        assertTrue(Double.isNaN(x.max().item()));
        assertTrue(Double.isNaN(x.min().item()));
    }

    @Test
    void emptyReductions() {
        assertValues(new double[] {0, 0, 0}, Tensor.zeros(0, 3).sum(0), 0);
        var e = assertThrows(
                IllegalArgumentException.class, () -> Tensor.zeros(0, 3).max(new int[] {0}, false));
        assertTrue(e.getMessage().contains("size 0"), e.getMessage());
        assertShape(new int[] {0}, Tensor.zeros(0, 3).max(new int[] {1}, false));
        assertTrue(Double.isNaN(Tensor.zeros(0).mean().item()), "mean of nothing is NaN, as in PyTorch");
    }

    @Test
    void repeatedOrOutOfRangeDimsAreRejected() {
        var dup = assertThrows(IllegalArgumentException.class, () -> cube().sum(1, -2));
        assertTrue(dup.getMessage().contains("twice"), dup.getMessage());
        var range = assertThrows(IllegalArgumentException.class, () -> cube().sum(3));
        assertTrue(range.getMessage().contains("-3..2"), range.getMessage());
    }

    @Test
    void f32SumIsAccurateOverManyTerms() {
        // 1e6 copies of 0.1f: a float accumulator drifts by ~1%; the reference accumulates in double.
        Tensor x = Tensor.full(0.1, DType.F32, 1_000_000);
        assertEquals(100000.0014901161, x.sum().item(), 0.01);
    }
}
