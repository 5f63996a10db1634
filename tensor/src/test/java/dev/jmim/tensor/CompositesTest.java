package dev.jmim.tensor;

import static dev.jmim.tensor.TensorAssert.assertValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CompositesTest {
    private static final double[] ROWS = {1, 2, 3, -1, 0, 1000};

    @Test
    void softmaxRowsSumToOneAndSurviveLargeLogits() {
        Tensor s = Tensor.of(ROWS, 2, 3).softmax(-1);
        double e1 = Math.exp(1 - 3), e2 = Math.exp(2 - 3);
        double z = e1 + e2 + 1;
        assertValues(new double[] {e1 / z, e2 / z, 1 / z, 0, 0, 1}, s, 1e-15);
    }

    @Test
    void logSoftmaxIsLogOfSoftmax() {
        Tensor x = Tensor.of(ROWS, 2, 3);
        double lse = 3 + Math.log(Math.exp(-2) + Math.exp(-1) + 1);
        assertValues(new double[] {1 - lse, 2 - lse, 3 - lse}, x.logSoftmax(1).select(0, 0), 1e-15);
        assertEquals(-1001, x.logSoftmax(1).toDoubleArray()[3], 1e-12);
    }

    @Test
    void layerNormUsesBiasedVarianceAndEpsInsideTheRoot() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 1, 4);
        Tensor w = Tensor.of(new double[] {1, 2, 1, 1});
        Tensor b = Tensor.of(new double[] {0, 0, 0, 10});
        double mean = 2.5, var = 1.25, eps = 1e-6;
        double r = 1 / Math.sqrt(var + eps);
        assertValues(
                new double[] {-1.5 * r, 2 * -0.5 * r, 0.5 * r, 1.5 * r + 10},
                x.layerNorm(new int[] {4}, w, b, eps),
                1e-15);
        assertEquals(0, mean - 2.5);
    }

    @Test
    void layerNormOverTwoTrailingDims() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 10, 10, 10, 10}, 2, 2, 2);
        Tensor y = x.layerNorm(new int[] {2, 2}, null, null, 0);
        double r = 1 / Math.sqrt(1.25);
        assertValues(new double[] {-1.5 * r, -0.5 * r, 0.5 * r, 1.5 * r}, y.select(0, 0), 1e-15);
        assertTrue(Double.isNaN(y.toDoubleArray()[4]), "zero variance with eps 0 divides by zero");
        var e = assertThrows(IllegalArgumentException.class, () -> x.layerNorm(new int[] {3}, null, null, 1e-6));
        assertTrue(e.getMessage().contains("[2,2,2]"), e.getMessage());
    }

    @Test
    void linearIsTheProductWithTheTransposedWeightPlusTheBias() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 1, 2, 3).to(DType.F32);
        Tensor w = Tensor.of(new double[] {1, 0, -1, 2, 1, 0}, 2, 3).to(DType.F32);
        Tensor b = Tensor.of(new double[] {10, 20}, 2).to(DType.F32);
        Tensor y = x.linear(w, b); // unrecorded, F32: the backend's addmm
        assertArrayEquals(new int[] {1, 2, 2}, y.shape());
        assertValues(new double[] {1 - 3 + 10, 2 + 2 + 20, 4 - 6 + 10, 8 + 5 + 20}, y, 0);
        assertValues(new double[] {-2, 4, -2, 13}, x.linear(w, null), 0);
        Tensor empty = Tensor.zeros(0, 3).linear(w, b); // no rows: the composite's shape and no error
        assertArrayEquals(new int[] {0, 2}, empty.shape());
        // no input features (reshape(-1, 0) cannot infer the rows): the composite gives the bias per row
        assertValues(new double[] {10, 20, 10, 20}, Tensor.zeros(2, 0).linear(Tensor.zeros(2, 0), b), 0);
        var e = assertThrows(IllegalArgumentException.class, () -> x.linear(w.mT(), b));
        assertEquals(
                "linear: input [1,2,3] F32 on cpu, weight [3,2] F32 on cpu, bias [2] F32 on cpu: the weight must be"
                        + " [out, in] with in = 3 (the input's last dim), and the bias [out]",
                e.getMessage());
    }

    @Test
    void geluIsTheExactErfForm() {
        double[] in = {-3, -1, -0.5, 0, 0.5, 1, 3};
        double[] expected = new double[in.length];
        // x·Φ(x) with Φ from tabulated erf values.
        double[] erfOfXOverRoot2 = {
            -0.9973002039367398,
            -0.6826894921370859,
            -0.3829249225480262,
            0,
            0.3829249225480262,
            0.6826894921370859,
            0.9973002039367398
        };
        for (int i = 0; i < in.length; i++) {
            expected[i] = 0.5 * in[i] * (1 + erfOfXOverRoot2[i]);
        }
        assertValues(expected, Tensor.of(in).gelu(), 1e-15);
    }
}
