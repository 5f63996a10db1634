package dev.jmim.tensor.fast;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float functions from IEEE arithmetic alone (add, multiply, FMA, divide, conversions), so that
 * they give the same bits in the interpreter, C1 and C2 — the Vector API's own EXP, LOG, TANH, SIN,
 * COS and POW do not: C2 calls a vector math library, the other tiers fall back to scalar Java,
 * and a softmax changed in its last bit once its loop got compiled (caught by
 * {@code FastKernelsDifferentialTest}). Here: exp, erf, exact GELU = x·Φ(x) and its derivative
 * Φ(x) + x·φ(x).
 *
 * <ul>
 *   <li>erfc(u) = t·e^(−u²)·e^(P(t)) with t = 1/(1 + u/2) and the degree-9 Chebyshev-fitted P of
 *       Numerical Recipes' {@code erfcc} (fractional error under 1.2e-7 for every u ≥ 0). u² is
 *       an exact sum hi + lo (an FMA splits it) reduced as such by {@link #expSum}, so that the
 *       rounding of u² does not cost 2u²·2⁻²⁴ of relative accuracy (160 ulps at u = 8); e^(P(t))
 *       needs no range reduction.
 *   <li>erf: the Taylor series (13 terms) for |u| ≤ 1, where 1 − erfc would cancel; 1 − erfc beyond.
 *   <li>Φ and GELU' (both 1/2 plus an odd function): 1/2 + x·P(x²)/Q(x²) on |x| ≤ X, held at ±X
 *       beyond, with rational fits of our own ({@code tools/python/fit_gelu.py}): absolute error
 *       under 1.8e-7 for Φ and 2.2e-7 for GELU' — an absolute, not relative, accuracy, like
 *       PyTorch's (GELU(−6) is −0 here and in PyTorch, −5.9e-9 exactly). Some 20 vector operations
 *       and no exp for either, which keeps both at memory speed (the relative-accuracy version
 *       through erfc and two exps ran at 4–11 ns per element, bench/NOTES.md).
 * </ul>
 *
 * Polynomials are written out term by term: a loop carrying a vector through its iterations defeats
 * C2's box elimination and allocated a vector per term (bench/NOTES.md). Errors against the F64
 * reference, worst over 1.6 M random inputs: erf 2 ulps.
 */
final class VectorMath {
    private static final float LOG2E = (float) (1 / Math.log(2));
    private static final float LN2_HI = 0x1.62e4p-1f; // 15 significant bits: n·LN2_HI is exact for |n| ≤ 2⁹
    private static final float NEG_LN2_LO = (float) -(Math.log(2) - 0x1.62e4p-1);
    private static final float EXP_LOWEST = -104f;
    private static final float EXP_HIGHEST = 89f;
    private static final float ROUNDER = 0x1.8p23f; // x + 1.5·2²³ − 1.5·2²³ rounds x to an integer
    private static final float E_MINUS_0_625 = (float) Math.exp(-0.625);
    private static final float TWO_OVER_SQRT_PI = (float) (2.0 / Math.sqrt(Math.PI));
    private static final float[] ERF_TAYLOR = erfTaylorCoefficients(13);
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

    // 1/2 + x·P(x²)/Q(x²), fitted by tools/python/fit_gelu.py (its output, digits unchanged)
    private static final FloatVector HALF = FloatVector.broadcast(Lanes.S, 0.5f);
    private static final float CDF_BOUND = 5.6f;
    private static final float[] CDF_P = {
        3.989422917e-01f,
        3.265253082e-02f,
        4.800252616e-03f,
        1.695495885e-04f,
        8.433286894e-06f,
        5.250554125e-08f,
        -7.467942931e-11f
    };
    private static final float[] CDF_Q = {
        1.000000000e+00f, 2.485145181e-01f, 2.845129929e-02f, 1.930460217e-03f, 8.172255184e-05f, 1.991964609e-06f
    };
    private static final float GELU_DERIVATIVE_BOUND = 6.0f;
    private static final float[] GELU_DERIVATIVE_P = {
        7.978847623e-01f, -4.151705280e-02f, 1.452999189e-02f, -1.481595682e-04f,
        3.300816388e-05f, -1.008763775e-07f, 2.785044195e-09f, -1.535764398e-11f
    };
    private static final float[] GELU_DERIVATIVE_Q = {
        1.000000000e+00f, 2.813018858e-01f, 3.697186336e-02f, 2.952286974e-03f, 1.502082450e-04f, 5.556616088e-06f
    };

    private VectorMath() {}

    /** (−1)ⁿ / (n!·(2n+1)): erf(u) = 2/√π · u · Σ cₙ·u²ⁿ. */
    private static float[] erfTaylorCoefficients(int terms) {
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

    /** c₀ + x·(c₁ + x·(…)) for 6, 7, 8, 10 and 13 coefficients. */
    private static FloatVector horner6(float[] c, FloatVector x) {
        FloatVector p = step(x, FloatVector.broadcast(Lanes.S, c[5]), c[4]);
        p = step(x, step(x, p, c[3]), c[2]);
        return step(x, step(x, p, c[1]), c[0]);
    }

    private static FloatVector horner7(float[] c, FloatVector x) {
        FloatVector p = step(x, FloatVector.broadcast(Lanes.S, c[6]), c[5]);
        p = step(x, step(x, step(x, p, c[4]), c[3]), c[2]);
        return step(x, step(x, p, c[1]), c[0]);
    }

    private static FloatVector horner8(float[] c, FloatVector x) {
        FloatVector p = step(x, FloatVector.broadcast(Lanes.S, c[7]), c[6]);
        p = step(x, step(x, step(x, p, c[5]), c[4]), c[3]);
        p = step(x, step(x, p, c[2]), c[1]);
        return step(x, p, c[0]);
    }

    private static FloatVector horner10(float[] c, FloatVector x) {
        FloatVector p = step(x, FloatVector.broadcast(Lanes.S, c[9]), c[8]);
        p = step(x, step(x, step(x, p, c[7]), c[6]), c[5]);
        p = step(x, step(x, step(x, p, c[4]), c[3]), c[2]);
        return step(x, step(x, p, c[1]), c[0]);
    }

    private static FloatVector horner13(float[] c, FloatVector x) {
        FloatVector p = step(x, FloatVector.broadcast(Lanes.S, c[12]), c[11]);
        p = step(x, step(x, step(x, p, c[10]), c[9]), c[8]);
        p = step(x, step(x, step(x, p, c[7]), c[6]), c[5]);
        p = step(x, step(x, step(x, p, c[4]), c[3]), c[2]);
        return step(x, step(x, p, c[1]), c[0]);
    }

    private static FloatVector step(FloatVector x, FloatVector p, float c) {
        return p.fma(x, FloatVector.broadcast(Lanes.S, c));
    }

    /**
     * eˣ from IEEE arithmetic alone: x = n·ln2 + r with |r| ≤ ln2/2 (Cody–Waite: n·ln2_hi is exact),
     * the degree-7 Taylor polynomial of eʳ (truncation 5e-9) evaluated in Estrin's scheme for a
     * short dependency chain, and 2ⁿ applied in two halves so that results down to the smallest
     * subnormal and up to overflow come out right. Within 1 ulp of the exact value, measured.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector c = clampExponent(x);
        FloatVector n = c.fma(LOG2E, ROUNDER).sub(ROUNDER);
        return scaleByPowerOfTwo(expPolynomial(remainder(n, c)), n);
    }

    /**
     * e^(a + b) for a large a and a small b (|b| ≲ 2): a is reduced first and b added to the
     * remainder, so a's digits survive; one polynomial serves both.
     */
    static FloatVector expSum(FloatVector a, FloatVector b) {
        FloatVector c = clampExponent(a);
        FloatVector n = c.add(b).fma(LOG2E, ROUNDER).sub(ROUNDER);
        FloatVector r = remainder(n, c).add(b);
        return scaleByPowerOfTwo(expPolynomial(r), n);
    }

    /**
     * c − n·ln2 in two FMAs (Cody–Waite). The constants are broadcast to c's species, so that exp
     * serves any vector width (attention's 8 floats on an AVX-512 machine too); C2 hoists them.
     */
    private static FloatVector remainder(FloatVector n, FloatVector c) {
        VectorSpecies<Float> species = c.species();
        return n.fma(FloatVector.broadcast(species, NEG_LN2_LO), n.fma(FloatVector.broadcast(species, -LN2_HI), c));
    }

    /**
     * x held to [−104, 89] (e⁻¹⁰⁴ < 2⁻¹⁴⁹ and e⁸⁹ > 2¹²⁸) by compare and blend, NaN passing
     * through: two instructions a side, where max/min's Java semantics (NaN, ±0) cost five.
     */
    private static FloatVector clampExponent(FloatVector x) {
        FloatVector low = x.blend(EXP_LOWEST, x.lt(EXP_LOWEST));
        return low.blend(EXP_HIGHEST, low.compare(VectorOperators.GT, EXP_HIGHEST));
    }

    /** eʳ for |r| ≤ ln2/2 (a little beyond with expSum's b): Taylor to degree 7, Estrin's scheme. */
    private static FloatVector expPolynomial(FloatVector r) {
        FloatVector r2 = r.mul(r);
        FloatVector p01 = r.add(1f);
        FloatVector p23 = r.fma(1f / 6, 0.5f);
        FloatVector p45 = r.fma(1f / 120, 1f / 24);
        FloatVector p67 = r.fma(1f / 5040, 1f / 720);
        return p67.fma(r2, p45).fma(r2.mul(r2), p23.fma(r2, p01));
    }

    /**
     * p·2ⁿ for an integral n in [−150, 129], applied as two factors 2^⌊n/2⌋ and 2^(n − ⌊n/2⌋), each
     * a normal float. n is converted with F2I, not read from the rounder's low bits: that needs
     * FloatVector.reinterpretAsInts, whose fallback (before C2 compiles the caller) stores the vector
     * into a heap byte[] segment, and once FloatVector's segment store has seen a heap segment every
     * kernel compiled later tests each store's segment class inside its loop: GELU, which never
     * calls this, ran 60% slower after exp (bench/NOTES.md, Vector API item 10).
     */
    private static FloatVector scaleByPowerOfTwo(FloatVector p, FloatVector n) {
        IntVector k = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector half = k.lanewise(VectorOperators.ASHR, 1);
        FloatVector scale1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector scale2 =
                k.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale1).mul(scale2);
    }

    /** erf(u) for |u| ≤ 1 (meaningless beyond). */
    private static FloatVector erfSmall(FloatVector u) {
        return horner13(ERF_TAYLOR, u.mul(u)).mul(u).mul(TWO_OVER_SQRT_PI);
    }

    /**
     * e^y for y in [−1.3, 0.1], the range of erfc's P(t): the degree-9 Taylor polynomial about
     * −0.625 (truncation under 1e-8), Estrin's scheme, no range reduction.
     */
    private static FloatVector expNearZero(FloatVector y) {
        FloatVector z = y.add(0.625f);
        FloatVector z2 = z.mul(z);
        FloatVector z4 = z2.mul(z2);
        FloatVector low = z.fma(1f / 6, 0.5f).fma(z2, z.add(1f));
        FloatVector middle = z.fma(1f / 5040, 1f / 720).fma(z2, z.fma(1f / 120, 1f / 24));
        FloatVector high = z.fma(1f / 362880, 1f / 40320);
        return high.fma(z4, middle).fma(z4, low).mul(E_MINUS_0_625);
    }

    /** t = 1/(1 + u/2) and erfc(u) = t·e^(−u²)·e^(P(t)), given gauss = e^(−u²). */
    private static FloatVector erfc(FloatVector u, FloatVector gauss) {
        FloatVector t = FloatVector.broadcast(Lanes.S, 1f).div(u.mul(0.5f).add(1f));
        return t.mul(gauss).mul(expNearZero(horner10(ERFC_P, t)));
    }

    /** e^(−(hi + lo)) for an exact split hi + lo of a square (lo is NaN when hi is ∞: dropped). */
    private static FloatVector gauss(FloatVector hi, FloatVector lo) {
        return expSum(
                hi.neg(), lo.blend(0f, hi.compare(VectorOperators.GT, 150f)).neg());
    }

    static FloatVector erf(FloatVector x) {
        FloatVector u = x.abs();
        FloatVector hi = u.mul(u);
        return erf(x, gauss(hi, u.fma(u, hi.neg())));
    }

    /** erf(x) given gauss = e^(−x²). */
    private static FloatVector erf(FloatVector x, FloatVector gauss) {
        FloatVector u = x.abs();
        VectorMask<Float> small = u.compare(VectorOperators.LE, 1f);
        FloatVector tail = erfc(u, gauss).neg().add(1f);
        FloatVector magnitude = tail.blend(erfSmall(u.min(1f)), small);
        return magnitude.blend(magnitude.neg(), x.compare(VectorOperators.LT, 0f));
    }

    /** Φ(x): 1/2 + c·P(c²)/Q(c²) with c = x held to ±5.6, never below 0, and exactly 0 below −5.6. */
    private static FloatVector normalCdf(FloatVector x) {
        FloatVector c = clamp(x, CDF_BOUND);
        FloatVector s = c.mul(c);
        FloatVector cdf = c.fma(horner7(CDF_P, s).div(horner6(CDF_Q, s)), HALF);
        return cdf.blend(0f, cdf.compare(VectorOperators.LT, 0f).or(x.compare(VectorOperators.LT, -CDF_BOUND)));
    }

    /**
     * x held to ±bound by compare and blend (NaN stays NaN): the Vector API's MIN and MAX order −0
     * below +0 and propagate NaN as Math.min does, which costs several instructions each on AVX2.
     */
    private static FloatVector clamp(FloatVector x, float bound) {
        FloatVector high = x.blend(bound, x.compare(VectorOperators.GT, bound));
        return high.blend(-bound, x.compare(VectorOperators.LT, -bound));
    }

    /** x·Φ(x); NaN at −∞ (∞·0), as the reference and PyTorch. */
    static FloatVector gelu(FloatVector x) {
        return x.mul(normalCdf(x));
    }

    /** Φ(x) + x·φ(x) = 1/2 + c·P(c²)/Q(c²) with c = x held to ±6; NaN at ±∞ (∞·0), as the reference. */
    static FloatVector geluDerivative(FloatVector x) {
        FloatVector c = clamp(x, GELU_DERIVATIVE_BOUND);
        FloatVector s = c.mul(c);
        FloatVector ratio = horner8(GELU_DERIVATIVE_P, s).div(horner6(GELU_DERIVATIVE_Q, s));
        return c.fma(ratio, HALF).add(x.sub(x));
    }

    // erf in two passes over blocks of BLOCK floats: e^(−x²) into a scratch block, then the rest. One
    // pass holding both parts overran C2's node budget for inlining (NodeCountInliningCutoff): the
    // calls it left were boxed, a heap allocation per vector, and erf ran 3× slower.

    private static final int BLOCK = 256;
    private static final ThreadLocal<MemorySegment> SCRATCH = // off-heap: see Lanes.filled
            ThreadLocal.withInitial(() -> java.lang.foreign.Arena.ofAuto().allocate(BLOCK * 4L, 64));

    /** scratch[i] = e^(−x[i]²), count floats, byte offsets. */
    private static void gaussPass(MemorySegment xs, long x0, MemorySegment scratch, int count) {
        for (int e = 0; e < count; e += Lanes.L) {
            long i = e * 4L;
            FloatVector x = FloatVector.fromMemorySegment(Lanes.S, xs, x0 + i, Lanes.ORDER);
            FloatVector square = x.mul(x);
            gauss(square, x.fma(x, square.neg())).intoMemorySegment(scratch, i, Lanes.ORDER);
        }
    }

    // The row loops count an int element index (a long counter ran them ~10% slower: Elementwise).

    /** out = GELU(x) over count floats (a multiple of L) at byte offsets x0 and o0. */
    static void geluRow(MemorySegment xs, long x0, MemorySegment os, long o0, int count) {
        for (int e = 0; e < count; e += Lanes.L) {
            long i = e * 4L;
            gelu(FloatVector.fromMemorySegment(Lanes.S, xs, x0 + i, Lanes.ORDER))
                    .intoMemorySegment(os, o0 + i, Lanes.ORDER);
        }
    }

    /** out = GELU'(x), as {@link #geluRow}. */
    static void geluDerivativeRow(MemorySegment xs, long x0, MemorySegment os, long o0, int count) {
        for (int e = 0; e < count; e += Lanes.L) {
            long i = e * 4L;
            geluDerivative(FloatVector.fromMemorySegment(Lanes.S, xs, x0 + i, Lanes.ORDER))
                    .intoMemorySegment(os, o0 + i, Lanes.ORDER);
        }
    }

    /** out = g·gelu′(x) over count floats (a multiple of L) at byte offsets x0, g0 and o0. */
    static void geluBackwardRow(
            MemorySegment xs, long x0, MemorySegment gs, long g0, MemorySegment os, long o0, int count) {
        for (int e = 0; e < count; e += Lanes.L) {
            long i = e * 4L;
            geluDerivative(FloatVector.fromMemorySegment(Lanes.S, xs, x0 + i, Lanes.ORDER))
                    .mul(FloatVector.fromMemorySegment(Lanes.S, gs, g0 + i, Lanes.ORDER))
                    .intoMemorySegment(os, o0 + i, Lanes.ORDER);
        }
    }

    /** out = erf(x) over count floats (a multiple of L) at byte offsets x0 and o0. */
    static void erfRow(MemorySegment xs, long x0, MemorySegment os, long o0, int count) {
        MemorySegment scratch = SCRATCH.get();
        for (int b = 0; b < count; b += BLOCK) {
            int n = Math.min(BLOCK, count - b);
            gaussPass(xs, x0 + b * 4L, scratch, n);
            for (int e = 0; e < n; e += Lanes.L) {
                long i = e * 4L;
                FloatVector x = FloatVector.fromMemorySegment(Lanes.S, xs, x0 + b * 4L + i, Lanes.ORDER);
                FloatVector g = FloatVector.fromMemorySegment(Lanes.S, scratch, i, Lanes.ORDER);
                erf(x, g).intoMemorySegment(os, o0 + b * 4L + i, Lanes.ORDER);
            }
        }
    }

    /** out = eˣ over count floats (a multiple of L) at byte offsets x0 and o0. */
    static void expRow(MemorySegment xs, long x0, MemorySegment os, long o0, int count) {
        for (int i = 0; i < count; i += Lanes.L) {
            exp(FloatVector.fromMemorySegment(Lanes.S, xs, x0 + i * 4L, Lanes.ORDER))
                    .intoMemorySegment(os, o0 + i * 4L, Lanes.ORDER);
        }
    }

    /** out = 1/(1 + e⁻ˣ), as {@link #expRow}. */
    static void sigmoidRow(MemorySegment xs, long x0, MemorySegment os, long o0, int count) {
        FloatVector one = FloatVector.broadcast(Lanes.S, 1f);
        for (int e = 0; e < count; e += Lanes.L) {
            long i = e * 4L;
            FloatVector x = FloatVector.fromMemorySegment(Lanes.S, xs, x0 + i, Lanes.ORDER);
            one.div(exp(x.neg()).add(1f)).intoMemorySegment(os, o0 + i, Lanes.ORDER);
        }
    }
}
