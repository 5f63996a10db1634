package dev.jmim.tensor.random;

import org.apache.commons.numbers.gamma.Erfc;
import org.apache.commons.numbers.gamma.InverseErf;

/**
 * Philox4x32-10 (Salmon et al., SC'11): a counter-based generator, so any element of any random
 * tensor can be computed on its own, on any device, from (seed, stream, draw index).
 *
 * <h2>The exact mapping, which every backend reproduces</h2>
 *
 * <ul>
 *   <li><b>Key</b> (k0, k1) = (low 32 bits of seed, high 32 bits of seed).
 *   <li><b>Draw</b> d (a 64-bit index) is lane {@code d % 4} of the block at counter (c0, c1, c2, c3) =
 *       (low 32 of d/4, high 32 of d/4, low 32 of stream, high 32 of stream).
 *   <li>A tensor filled at {@code offset} uses draws from {@code offset}, elements in row-major order.
 *   <li><b>Uniform(lo, hi)</b>, one draw x per element: u = (x >>> 8) · 2⁻²⁴, exact in binary32, in
 *       [0, 1); value = lo + (hi − lo)·u, all in binary32 with lo and hi rounded to float first, no
 *       fused multiply-add (CUDA: {@code __fmul_rn}, {@code __fadd_rn}).
 *   <li><b>Normal(mean, std)</b>, Box–Muller on pairs: element e uses draws x0 = offset + 2⌊e/2⌋ and
 *       x1 = x0 + 1; u1 = ((x0 >>> 8) + 1)·2⁻²⁴ in (0, 1], u2 = (x1 >>> 8)·2⁻²⁴; r = √(−2 ln u1),
 *       θ = 2π·u2; z = r·cos θ for even e, r·sin θ for odd e; value = mean + std·z. These steps run
 *       in binary64 and the result is rounded once to float. A tensor of n elements consumes 2⌈n/2⌉
 *       draws.
 *   <li><b>TruncatedNormal(mean, std, a, b)</b>, inverse CDF, one draw per element: u = ((x >>> 8) +
 *       ½)·2⁻²⁴ in (0, 1); p = Φ(α) + (Φ(β) − Φ(α))·u with α = (a − mean)/std, β = (b − mean)/std; value
 *       = clamp(mean + std·√2·erf⁻¹(2p − 1), a, b), in binary64, rounded once to float.
 *   <li>Other float dtypes receive the float value rounded to nearest even (BF16, F16) or widened
 *       (F64).
 * </ul>
 *
 * The uniform path is bit-exact everywhere. The normal paths use binary64 transcendental functions;
 * Java uses {@link StrictMath} here, and a device whose double log/sin/cos differ by an ulp gives
 * the same float except when the double lands within that ulp of a float rounding boundary.
 */
public final class Philox {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final int ROUNDS = 10;
    private static final float TWO_POW_MINUS_24 = 0x1p-24f;

    private Philox() {}

    /** Philox4x32-10 of one counter block under one key; writes the 4 output words to {@code out}. */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32);
            int lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32);
            int lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** The 32-bit draw number {@code draw} of a (seed, stream). */
    public static int draw(long seed, long stream, long draw) {
        int[] out = new int[4];
        long block = draw >>> 2;
        block(
                (int) block,
                (int) (block >>> 32),
                (int) stream,
                (int) (stream >>> 32),
                (int) seed,
                (int) (seed >>> 32),
                out);
        return out[(int) (draw & 3)];
    }

    /** Uniform [0, 1) from one draw: the top 24 bits, exact in float. */
    public static float unitFloat(int bits) {
        return (bits >>> 8) * TWO_POW_MINUS_24;
    }

    /** Value of element {@code index} of a tensor filled from {@code at} with {@code dist}. */
    public static float sample(Distribution dist, PhiloxState at, long index) {
        long seed = at.seed();
        long stream = at.stream();
        long offset = at.offset();
        return switch (dist) {
            case Distribution.Uniform u -> {
                float lo = (float) u.low();
                float hi = (float) u.high();
                yield lo + (hi - lo) * unitFloat(draw(seed, stream, offset + index));
            }
            case Distribution.Normal n -> {
                long first = offset + (index & ~1L);
                double u1 = ((draw(seed, stream, first) >>> 8) + 1) * 0x1p-24;
                double u2 = (draw(seed, stream, first + 1) >>> 8) * 0x1p-24;
                double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
                double theta = 2.0 * Math.PI * u2;
                double z = (index & 1) == 0 ? r * StrictMath.cos(theta) : r * StrictMath.sin(theta);
                yield (float) (n.mean() + n.std() * z);
            }
            case Distribution.TruncatedNormal t -> {
                double u = ((draw(seed, stream, offset + index) >>> 8) + 0.5) * 0x1p-24;
                double cdfLo = standardNormalCdf((t.a() - t.mean()) / t.std());
                double cdfHi = standardNormalCdf((t.b() - t.mean()) / t.std());
                double p = cdfLo + (cdfHi - cdfLo) * u;
                double z = Math.sqrt(2.0) * InverseErf.value(2.0 * p - 1.0);
                yield (float) Math.min(Math.max(t.mean() + t.std() * z, t.a()), t.b());
            }
        };
    }

    /** How many draws filling {@code numel} elements with {@code dist} consumes. */
    public static long drawsFor(Distribution dist, long numel) {
        return dist instanceof Distribution.Normal ? (numel + 1) & ~1L : numel;
    }

    private static double standardNormalCdf(double x) {
        return 0.5 * Erfc.value(-x / Math.sqrt(2.0));
    }
}
