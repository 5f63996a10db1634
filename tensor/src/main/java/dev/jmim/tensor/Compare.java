package dev.jmim.tensor;

import java.util.Arrays;

/** How far a result is from a reference, as golden-file tests measure it. */
public final class Compare {
    private Compare() {}

    /**
     * max|actual − reference| / max|reference| over all elements (0 when both are all zeros): a
     * relative error that stays meaningful when single elements are near zero.
     */
    public static double relativeError(Tensor actual, Tensor reference) {
        if (!Arrays.equals(actual.shape(), reference.shape())) {
            throw new IllegalArgumentException("relativeError: shapes " + Shapes.format(actual.shape()) + " and "
                    + Shapes.format(reference.shape()) + " differ");
        }
        double[] a = actual.toDoubleArray();
        double[] r = reference.toDoubleArray();
        double maxError = 0;
        double maxReference = 0;
        for (int i = 0; i < a.length; i++) {
            maxError = Math.max(maxError, Math.abs(a[i] - r[i]));
            maxReference = Math.max(maxReference, Math.abs(r[i]));
        }
        return maxReference == 0 ? maxError : maxError / maxReference;
    }
}
