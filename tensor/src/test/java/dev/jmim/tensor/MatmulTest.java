package dev.jmim.tensor;

import static dev.jmim.tensor.TensorAssert.assertShape;
import static dev.jmim.tensor.TensorAssert.assertValues;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jmim.tensor.random.Generator;
import org.junit.jupiter.api.Test;

class MatmulTest {

    /** Reference product of dense row-major matrices in double. */
    private static double[] product(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    @Test
    void twoByThreeTimesThreeByTwo() {
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new double[] {7, 8, 9, 10, 11, 12}, 3, 2);
        assertValues(new double[] {58, 64, 139, 154}, a.matmul(b), 0);
    }

    @Test
    void transposedOperandsNeedNoCopy() {
        Generator g = new Generator(1);
        Tensor a = Tensor.randn(g, 5, 4).to(DType.F64);
        Tensor b = Tensor.randn(g, 6, 5).to(DType.F64);
        // aᵀ·bᵀ = (b·a)ᵀ
        Tensor viaViews = a.mT().matmul(b.mT());
        Tensor expected = b.matmul(a).mT();
        assertValues(expected.toDoubleArray(), viaViews, 1e-14);
        assertValues(
                product(a.mT().contiguous().toDoubleArray(), b.mT().contiguous().toDoubleArray(), 4, 5, 6),
                viaViews,
                1e-14);
    }

    @Test
    void vectorsFollowNumPyRules() {
        Tensor m = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor v3 = Tensor.of(new double[] {1, 0, -1});
        Tensor v2 = Tensor.of(new double[] {1, 1});
        assertShape(new int[] {2}, m.matmul(v3));
        assertValues(new double[] {-2, -2}, m.matmul(v3), 0);
        assertValues(new double[] {5, 7, 9}, v2.matmul(m), 0);
        assertShape(new int[] {}, v3.matmul(v3));
        assertEquals(2, v3.matmul(v3).item());
    }

    @Test
    void batchDimsBroadcast() {
        Generator g = new Generator(2);
        Tensor a = Tensor.randn(g, 3, 1, 2, 4).to(DType.F64);
        Tensor b = Tensor.randn(g, 5, 4, 3).to(DType.F64);
        Tensor c = a.matmul(b);
        assertShape(new int[] {3, 5, 2, 3}, c);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                double[] expected = product(
                        a.select(0, i).select(0, 0).contiguous().toDoubleArray(),
                        b.select(0, j).contiguous().toDoubleArray(),
                        2,
                        4,
                        3);
                assertValues(expected, c.select(0, i).select(0, j), 1e-14);
            }
        }
    }

    @Test
    void oneMatrixForTheWholeBatchMatchesAProductPerBatchElement() {
        Generator g = new Generator(3);
        Tensor w = Tensor.randn(g, 4, 3).to(DType.F64);
        Tensor contiguous = Tensor.randn(g, 2, 5, 4).to(DType.F64);
        Tensor permuted = Tensor.randn(g, 5, 2, 4).to(DType.F64).permute(1, 0, 2);
        for (Tensor a : new Tensor[] {contiguous, permuted}) {
            Tensor c = a.matmul(w);
            assertShape(new int[] {2, 5, 3}, c);
            for (int i = 0; i < 2; i++) {
                double[] expected = product(a.select(0, i).contiguous().toDoubleArray(), w.toDoubleArray(), 5, 4, 3);
                assertValues(expected, c.select(0, i), 1e-14);
            }
        }
        // B's leading 1s still broadcast into the result's rank; a vector B drops its dim
        assertShape(new int[] {1, 1, 2, 5, 3}, contiguous.matmul(w.reshape(1, 1, 1, 4, 3)));
        Tensor v = Tensor.randn(g, 4).to(DType.F64);
        assertShape(new int[] {2, 5}, contiguous.matmul(v));
        assertValues(contiguous.matmul(v.reshape(4, 1)).squeeze(-1).toDoubleArray(), contiguous.matmul(v), 0);
    }

    @Test
    void emptyInnerDimGivesZeros() {
        assertValues(new double[] {0, 0, 0, 0}, Tensor.zeros(2, 0).matmul(Tensor.zeros(0, 2)), 0);
    }

    @Test
    void theReferenceAccumulatesF32ProductsInDouble() {
        Tensor a = Tensor.of(new float[] {1e8f, 1f, -1e8f}, 1, 3);
        Tensor b = Tensor.ones(3, 1);
        Tensor out = Tensor.zeros(1, 1);
        new dev.jmim.tensor.naive.NaiveBackend().matmul(a, b, out);
        assertEquals(1f, out.toFloatArray()[0], "accumulated in double, 1 survives");
    }

    @Test
    void mismatchedInnerDimsNameTheShapes() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> Tensor.zeros(8, 192).matmul(Tensor.zeros(128, 576)));
        assertEquals("matmul: [8,192] @ [128,576]: inner dims 192 ≠ 128", e.getMessage());
    }
}
