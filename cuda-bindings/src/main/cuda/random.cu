// Philox4x32-10 random fills with exactly the mapping of dev.jmim.tensor.random.Philox: the same
// (seed, stream, offset) gives the CPU's numbers (uniform bit for bit; the normal paths use the device's
// double log/sin/cos/erfc/erfinv, within an ulp of Java's, so the float result equals the CPU's except
// where a double lands at a float rounding boundary).
#include "jmim.cuh"

enum Distribution { UNIFORM = 0, NORMAL = 1, TRUNCATED_NORMAL = 2 };

// Word `draw` of the stream: lane draw % 4 of the block at counter (draw / 4, stream), key = seed.
__device__ __forceinline__ unsigned philox_draw(unsigned long long seed, unsigned long long stream,
                                                unsigned long long draw) {
    unsigned long long block = draw >> 2;
    unsigned c0 = (unsigned)block, c1 = (unsigned)(block >> 32);
    unsigned c2 = (unsigned)stream, c3 = (unsigned)(stream >> 32);
    unsigned k0 = (unsigned)seed, k1 = (unsigned)(seed >> 32);
#pragma unroll
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        unsigned hi0 = __umulhi(0xD2511F53u, c0), lo0 = 0xD2511F53u * c0;
        unsigned hi1 = __umulhi(0xCD9E8D57u, c2), lo1 = 0xCD9E8D57u * c2;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
    }
    unsigned lane = (unsigned)(draw & 3);
    return lane == 0 ? c0 : lane == 1 ? c1 : lane == 2 ? c2 : c3;
}

__device__ __forceinline__ double standard_normal_cdf(double x) {
    return __dmul_rn(0.5, erfc(-x / 1.4142135623730951));
}

// Fills n contiguous F32 elements from draw `offset` on. Uniform(a, b); Normal(mean a, std b);
// TruncatedNormal(mean a, std b, lower c, upper d).
extern "C" __global__ void random_f32(int distribution, long long n, unsigned long long seed,
                                      unsigned long long stream, unsigned long long offset, double a, double b,
                                      double c, double d, float* out) {
    for_each_index(n, [&](auto i) {
        unsigned long long index = (unsigned long long)i;
        if (distribution == UNIFORM) {
            float lo = (float)a, hi = (float)b;
            float u = (float)(philox_draw(seed, stream, offset + index) >> 8) * 0x1p-24f;
            out[i] = __fadd_rn(lo, __fmul_rn(__fsub_rn(hi, lo), u));
        } else if (distribution == NORMAL) {
            unsigned long long first = offset + (index & ~1ULL);
            double u1 = (double)((philox_draw(seed, stream, first) >> 8) + 1) * 0x1p-24;
            double u2 = (double)(philox_draw(seed, stream, first + 1) >> 8) * 0x1p-24;
            double r = sqrt(__dmul_rn(-2.0, log(u1)));
            double theta = __dmul_rn(2.0 * 3.141592653589793, u2);
            double z = (index & 1) == 0 ? __dmul_rn(r, cos(theta)) : __dmul_rn(r, sin(theta));
            out[i] = (float)__dadd_rn(a, __dmul_rn(b, z));
        } else {
            double u = ((double)(philox_draw(seed, stream, offset + index) >> 8) + 0.5) * 0x1p-24;
            double cdf_lo = standard_normal_cdf((c - a) / b), cdf_hi = standard_normal_cdf((d - a) / b);
            double p = __dadd_rn(cdf_lo, __dmul_rn(cdf_hi - cdf_lo, u));
            double z = __dmul_rn(1.4142135623730951, erfinv(__dsub_rn(__dmul_rn(2.0, p), 1.0)));
            out[i] = (float)fmin(fmax(__dadd_rn(a, __dmul_rn(b, z)), c), d);
        }
    });
}
