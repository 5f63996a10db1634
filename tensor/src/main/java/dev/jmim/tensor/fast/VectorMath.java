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
     * erfc(u) for u ≥ 0; u² is split exactly (hi + lo) so that exp's argument loses nothing for
     * large u, and u is clamped at 10 (erfc(10) ≈ 2e-45 already rounds to float zero) so infinity
     * does not become NaN in the split.
     */
    private static FloatVector erfcLarge(FloatVector x) {
        FloatVector u = x.min(10f);
        FloatVector t = FloatVector.broadcast(u.species(), 1f).div(u.mul(0.5f).add(1f));
        FloatVector p = FloatVector.broadcast(u.species(), ERFC_P[ERFC_P.length - 1]);
        for (int i = ERFC_P.length - 2; i >= 0; i--) {
            p = p.fma(t, FloatVector.broadcast(u.species(), ERFC_P[i]));
        }
        FloatVector hi = u.mul(u);
        FloatVector lo = u.fma(u, hi.neg());
        return t.mul(hi.neg().lanewise(VectorOperators.EXP)).mul(p.sub(lo).lanewise(VectorOperators.EXP));
    }

    /** erfc(|x|). */
    private static FloatVector erfcAbs(FloatVector x) {
        FloatVector u = x.abs();
        VectorMask<Float> small = u.compare(VectorOperators.LE, 1f);
        FloatVector fromSeries = erfSmall(u.blend(0f, small.not())).neg().add(1f);
        FloatVector fromTail = erfcLarge(u.blend(2f, small));
        return fromTail.blend(fromSeries, small);
    }

    static FloatVector erf(FloatVector x) {
        FloatVector u = x.abs();
        VectorMask<Float> small = u.compare(VectorOperators.LE, 1f);
        FloatVector tail = erfcLarge(u.blend(2f, small)).neg().add(1f);
        FloatVector magnitude = tail.blend(erfSmall(u.blend(0f, small.not())), small);
        // copy the sign of x (NaN stays NaN through the arithmetic above)
        return magnitude.blend(magnitude.neg(), x.compare(VectorOperators.LT, 0f));
    }

    /** Φ(x) = erfc(−x/√2)/2. */
    static FloatVector normalCdf(FloatVector x) {
        FloatVector half = erfcAbs(x.mul(INV_SQRT_2)).mul(0.5f);
        return half.neg().add(1f).blend(half, x.compare(VectorOperators.LT, 0f));
    }

    static FloatVector gelu(FloatVector x) {
        return x.mul(normalCdf(x));
    }
}
