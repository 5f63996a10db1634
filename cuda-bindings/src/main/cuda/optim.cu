// Optimizer updates fused into one pass over the parameter and its state.
#include "jmim.cuh"

// One AdamW step over n contiguous F32 elements (dev.jmim.tensor.AdamwStep): each float operation of
// the composite in its order, rounded as the composite's separate kernels round it (the _rn intrinsics
// forbid fused multiply-adds), so the result equals the composite's bit for bit.
extern "C" __global__ void adamw_f32(long long n, float decay, float beta1, float one_minus_beta1, float beta2,
                                     float one_minus_beta2, float sqrt_correction2, float eps, float step_size,
                                     float* __restrict__ param, const float* __restrict__ grad,
                                     float* __restrict__ exp_avg, float* __restrict__ exp_avg_sq) {
    for_each_index(n, [&](auto i) {
        float g = grad[i];
        float p = __fmul_rn(param[i], decay);
        float m = __fadd_rn(__fmul_rn(exp_avg[i], beta1), __fmul_rn(g, one_minus_beta1));
        float v = __fadd_rn(__fmul_rn(exp_avg_sq[i], beta2), __fmul_rn(__fmul_rn(g, g), one_minus_beta2));
        float denom = __fadd_rn(__fdiv_rn(__fsqrt_rn(v), sqrt_correction2), eps);
        exp_avg[i] = m;
        exp_avg_sq[i] = v;
        param[i] = __fsub_rn(p, __fmul_rn(__fdiv_rn(m, denom), step_size));
    });
}
