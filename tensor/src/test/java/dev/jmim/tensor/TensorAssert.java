package dev.jmim.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;

/** Assertions that fail with the shape, the index and both values that broke them. */
public final class TensorAssert {
    private TensorAssert() {}

    public static void assertValues(double[] expected, Tensor actual, double tolerance) {
        double[] got = actual.toDoubleArray();
        assertEquals(expected.length, got.length, () -> "element count of " + actual.describe());
        for (int i = 0; i < got.length; i++) {
            boolean bothNaN = Double.isNaN(expected[i]) && Double.isNaN(got[i]);
            double error = Math.abs(expected[i] - got[i]);
            boolean same = expected[i] == got[i];
            if (!bothNaN && !same && !(error <= tolerance * Math.max(1, Math.abs(expected[i])))) {
                fail("element " + i + " of " + actual.describe() + ": expected " + expected[i] + " but got " + got[i]
                        + " (tolerance " + tolerance + ", relative above 1)\nexpected " + Arrays.toString(expected)
                        + "\ngot      " + Arrays.toString(got));
            }
        }
    }

    public static void assertShape(int[] expected, Tensor actual) {
        assertArrayEquals(
                expected,
                actual.shape(),
                () -> "shape: expected " + Shapes.format(expected) + " but got " + Shapes.format(actual.shape()));
    }

    /** A non-contiguous tensor with these row-major values: the transpose of a dense transposed copy. */
    public static Tensor strided(double[] values, int rows, int cols) {
        double[] transposed = new double[values.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                transposed[c * rows + r] = values[r * cols + c];
            }
        }
        Tensor t = Tensor.of(transposed, cols, rows).mT();
        if (t.isContiguous() && rows > 1 && cols > 1) {
            fail("fixture error: expected a non-contiguous view");
        }
        return t;
    }
}
