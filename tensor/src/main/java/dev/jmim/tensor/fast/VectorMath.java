package dev.jmim.tensor.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Float functions the Vector API lacks: erf, the normal CDF Φ and exact GELU = x·Φ(x). Two
 * branches, both evaluated and blended per lane: for |u| ≤ 1 the Taylor series of erf (13 terms,
 * truncation under 2e-10), beyond it erfc(u) = t·exp(−u² + P(t)) with t = 1/(1 + u/2) and the
 * degree-9 Chebyshev-fitted P of Numerical Recipes' {@code erfcc} (fractional error under 1.2e-7).
 * Φ for negative x comes from erfc directly, so GELU keeps its relative accuracy far into the
 * negative tail instead of cancelling in 1 + erf. Errors, measured against the F64 reference in
 * {@code FastKernelsDifferentialTest}, stay within a few float ulps.
 */
final class VectorMath {
    private static final float INV_SQRT_2 = (float) (1.0 / Math.sqrt(2.0));
    private static final float TWO_OVER_SQRT_PI = (float) (2.0 / Math.sqrt(Math.PI));
    private static final float[] TAYLOR = taylorCoefficients(13);
    private static final float[] ERFC_P = {
        -1.26551223f,
        1.00002368f,
        0.37409196f,
        0.09678418f,
        -0.18628806f,
        0.27886807f,
        -1.13520398f,
        1.48851587f,
        -0.82215223f,
        0.17087277f
    };

    private VectorMath() {}

    /** (−1)ⁿ / (n!·(2n+1)): erf(u) = 2/√π · u · Σ cₙ·u²ⁿ. */
    private static float[] taylorCoefficients(int terms) {
        float[] c = new float[terms];
        double factorial = 1;
        for (int n = 0; n < terms; n++) {
            if (n > 0) {
                factorial *= n;
            }
            c[n] = (float) ((n % 2 == 0 ? 1 : -1) / (factorial * (2 * n + 1)));
        }
        return c;
    }

    /** erf(u) for |u| ≤ 1 (meaningless beyond). */
    private static FloatVector erfSmall(FloatVector u) {
        FloatVector z = u.mul(u);
        FloatVector sum = FloatVector.broadcast(u.species(), TAYLOR[TAYLOR.length - 1]);
        for (int n = TAYLOR.length - 2; n >= 0; n--) {
            sum = sum.fma(z, FloatVector.broadcast(u.species(), TAYLOR[n]));
        }
        return sum.mul(u).mul(TWO_OVER_SQRT_PI);
    }

    /**
     * erfc(u) for u ≥ 0 given u² = hi + lo exactly (the caller splits it with an FMA), so that exp's
     * argument loses nothing for large u: a rounding of u² itself would cost 2u²·2⁻²⁴ of relative
     * accuracy, 160 ulps at u = 8. u is clamped at 11 (erfc(11) < 1e-53 rounds to float zero), so
     * infinity gives zero, not NaN.
     */
    private static FloatVector erfcLarge(FloatVector u, FloatVector hi, FloatVector lo) {
        FloatVector t =
                FloatVector.broadcast(u.species(), 1f).div(u.min(11f).mul(0.5f).add(1f));
        FloatVector p = FloatVector.broadcast(u.species(), ERFC_P[ERFC_P.length - 1]);
        for (int i = ERFC_P.length - 2; i >= 0; i--) {
            p = p.fma(t, FloatVector.broadcast(u.species(), ERFC_P[i]));
        }
        VectorMask<Float> beyond = u.compare(VectorOperators.GT, 11f);
        return t.mul(hi.blend(121f, beyond).neg().lanewise(VectorOperators.EXP))
                .mul(p.sub(lo.blend(0f, beyond)).lanewise(VectorOperators.EXP));
    }

    /**
     * erfc(u) for u ≥ 0, u² = hi + lo: 1 − erf(u) from the series only up to u = 0.5, where the
     * difference still keeps its digits (erf(1) = 0.84 would cost 6 ulps in the subtraction).
     */
    private static FloatVector erfc(FloatVector u, FloatVector hi, FloatVector lo) {
        VectorMask<Float> small = u.compare(VectorOperators.LE, 0.5f);
        FloatVector fromSeries = erfSmall(u.blend(0f, small.not())).neg().add(1f);
        return erfcLarge(u.blend(2f, small), hi.blend(4f, small), lo.blend(0f, small))
                .blend(fromSeries, small);
    }

    static FloatVector erf(FloatVector x) {
        FloatVector u = x.abs();
        FloatVector hi = u.mul(u);
        VectorMask<Float> small = u.compare(VectorOperators.LE, 1f);
        FloatVector tail = erfcLarge(
                u.blend(2f, small), hi.blend(4f, small), u.fma(u, hi.neg()).blend(0f, small));
        FloatVector magnitude = tail.neg().add(1f).blend(erfSmall(u.blend(0f, small.not())), small);
        return magnitude.blend(magnitude.neg(), x.compare(VectorOperators.LT, 0f));
    }

    /** Φ(x) = erfc(−x/√2)/2, with (x/√2)² = x²/2 split exactly from x itself. */
    static FloatVector normalCdf(FloatVector x) {
        FloatVector square = x.mul(x);
        FloatVector hi = square.mul(0.5f);
        FloatVector lo = x.fma(x, square.neg()).mul(0.5f);
        FloatVector half = erfc(x.abs().mul(INV_SQRT_2), hi, lo).mul(0.5f);
        return half.neg().add(1f).blend(half, x.compare(VectorOperators.LT, 0f));
    }

    static FloatVector gelu(FloatVector x) {
        return x.mul(normalCdf(x));
    }
}
