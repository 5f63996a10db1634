// Reductions and row kernels. Sums and statistics accumulate in double, as the CPU backends do, and
// combine in fixed trees (warp shuffles, shared memory), so a result never depends on timing.
//
// A reduction sees x as two views: `kept` over the output's dims (offsets included) and `reduced` over
// the reduced dims (offset 0); element (o, j) sits at offset_of(kept, o) + offset_of(reduced, j).
// Rows strategy: one warp (short rows) or one block (long rows) per output, reading along the row.
// Columns strategy, for reductions whose consecutive outputs are adjacent in memory: one thread per
// output reads a chunk of its elements (neighbouring threads read neighbouring addresses), partial
// results go to a [chunks, outputs] buffer, and a second kernel combines them in chunk order.
#include "jmim.cuh"

struct Add { __device__ double operator()(double a, double b) const { return a + b; } };
struct Max { __device__ double operator()(double a, double b) const { return java_max(a, b); } };
struct Min { __device__ double operator()(double a, double b) const { return java_min(a, b); } };

__device__ __forceinline__ double identity(int op) {
    return op == SUM ? 0.0 : (op == MAX ? -INFINITY : INFINITY);
}

__device__ __forceinline__ double combine(int op, double a, double b) {
    return op == SUM ? a + b : (op == MAX ? java_max(a, b) : java_min(a, b));
}

__device__ __forceinline__ double warp_reduce(int op, double v) {
    return op == SUM ? warp_combine(v, Add()) : (op == MAX ? warp_combine(v, Max()) : warp_combine(v, Min()));
}

// Combines one value per thread of the block (blockDim.x a multiple of 32, at most 1024) into every thread.
__device__ double block_reduce(int op, double v) {
    __shared__ double partial[32];
    v = warp_reduce(op, v);
    int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    __syncthreads();  // partial may still be read by a previous call
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    int warps = blockDim.x / 32;
    v = lane < warps ? partial[lane] : identity(op);
    return warp_reduce(op, v);
}

// Rows strategy, one warp per output: blockDim.x / 32 outputs per block.
extern "C" __global__ void reduce_warp_rows(int op, int type, long long outputs, long long inner, const void* x,
                                            View kept, View reduced, int out_type, void* out) {
    long long o = (long long)blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
    if (o >= outputs) return;
    int lane = threadIdx.x % 32;
    long long base = offset_of(kept, o);
    double acc = identity(op);
    if (type == F32 && reduced.dense) {
        // the common case: contiguous F32 rows, loads unrolled so several are in flight
        const float* row = (const float*)x + base + reduced.offset;
#pragma unroll 8
        for (long long j = lane; j < inner; j += 32) acc = combine(op, acc, (double)row[j]);
    } else {
        for (long long j = lane; j < inner; j += 32) {
            acc = combine(op, acc, load_double(x, type, base + offset_of(reduced, j)));
        }
    }
    acc = warp_reduce(op, acc);
    if (lane == 0) store_double(out, out_type, o, acc);
}

// Rows strategy, one block per output (long rows).
extern "C" __global__ void reduce_block_rows(int op, int type, long long inner, const void* x, View kept,
                                             View reduced, int out_type, void* out) {
    long long o = blockIdx.x;
    long long base = offset_of(kept, o);
    double acc = identity(op);
    for (long long j = threadIdx.x; j < inner; j += blockDim.x) {
        acc = combine(op, acc, load_double(x, type, base + offset_of(reduced, j)));
    }
    acc = block_reduce(op, acc);
    if (threadIdx.x == 0) store_double(out, out_type, o, acc);
}

// Columns strategy, first pass: chunk blockIdx.y of every output's elements into partial[chunk][o].
extern "C" __global__ void reduce_columns(int op, int type, long long outputs, long long inner, long long chunk,
                                          const void* x, View kept, View reduced, double* partial) {
    long long o = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (o >= outputs) return;
    long long base = offset_of(kept, o);
    long long from = blockIdx.y * chunk, to = min(inner, from + chunk);
    double acc = identity(op);
    if (type == F32 && reduced.rank == 1) {
        const float* column = (const float*)x + base;
        long long step = reduced.strides[0];
#pragma unroll 8
        for (long long j = from; j < to; j++) acc = combine(op, acc, (double)column[j * step]);
    } else {
        for (long long j = from; j < to; j++) acc = combine(op, acc, load_double(x, type, base + offset_of(reduced, j)));
    }
    partial[blockIdx.y * outputs + o] = acc;
}

// Columns strategy, second pass: the chunks of each output combined in chunk order.
extern "C" __global__ void reduce_columns_finish(int op, long long outputs, int chunks, const double* partial,
                                                 int out_type, void* out) {
    long long o = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (o >= outputs) return;
    double acc = identity(op);
    for (int c = 0; c < chunks; c++) acc = combine(op, acc, partial[c * outputs + o]);
    store_double(out, out_type, o, acc);
}

// Integer reductions, exact: one thread per output walks its elements in order, summing in 64-bit two's
// complement (wrapping as Java's long does); max and min start from the first element. Rare (counts,
// masks), so simplicity over speed.
extern "C" __global__ void reduce_integer(int op, int type, long long outputs, long long inner, const void* x,
                                          View kept, View reduced, int out_type, void* out) {
    long long o = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (o >= outputs) return;
    long long base = offset_of(kept, o);
    unsigned long long sum = 0;
    long long best = load_long(x, type, base + offset_of(reduced, 0LL));
    for (long long j = 0; j < inner; j++) {
        long long v = load_long(x, type, base + offset_of(reduced, j));
        sum += (unsigned long long)v;
        best = op == MAX ? (v > best ? v : best) : (v < best ? v : best);
    }
    store_from_long(out, out_type, o, op == SUM ? (long long)sum : best);
}

// Index of the first maximum of each row (NaN counts as the maximum), written as I64; one warp a row.
extern "C" __global__ void argmax_rows(int type, long long outputs, long long inner, const void* x, View kept,
                                       View reduced, long long* out) {
    long long o = (long long)blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
    if (o >= outputs) return;
    int lane = threadIdx.x % 32;
    long long base = offset_of(kept, o);
    double best = 0;
    long long at = -1;
    for (long long j = lane; j < inner; j += 32) {
        double v = load_double(x, type, base + offset_of(reduced, j));
        if (at < 0 || (best == best && (v != v || v > best))) {
            best = v;
            at = j;
        }
    }
    for (int s = 16; s > 0; s /= 2) {
        double b = __shfl_xor_sync(0xffffffffu, best, s);
        long long ib = __shfl_xor_sync(0xffffffffu, at, s);
        bool take;
        if (ib < 0) take = false;
        else if (at < 0) take = true;
        else if (best != best || b != b) take = (b != b) && (best == best || ib < at);
        else take = b > best || (b == best && ib < at);
        if (take) {
            best = b;
            at = ib;
        }
    }
    if (lane == 0) out[o] = at;
}

// exp(x − m) for floats x ≤ m in float arithmetic only: the difference split exactly into s + err
// (Knuth's two-sum), expf(s) corrected by its first-order factor (1 + err), so rounding the difference
// costs no accuracy (expf is within 2 ulps; the result within 3).
__device__ __forceinline__ float exp_shifted(float x, float m) {
    float s = x - m;
    float b = s - x;
    float err = (x - (s - b)) + (-m - b);
    float e = expf(s);
    return fmaf(e, err, e);
}

// A warp's row of n ≤ 32·R floats held in registers: lane l keeps elements l, l + 32, ... (loaded once,
// coalesced), so the passes of softmax and layer_norm read memory once.
template <int R>
struct WarpRow {
    float v[R];
    __device__ __forceinline__ void load(const float* row, long long n, int lane) {
#pragma unroll
        for (int t = 0; t < R; t++) {
            long long j = lane + 32 * t;
            v[t] = j < n ? row[j] : 0.0f;
        }
    }
};

// Softmax (or log-softmax) of contiguous F32 rows of n, one warp a row (blockDim.x / 32 rows a block);
// rows of up to 1024 are held in registers, longer ones re-read.
extern "C" __global__ void softmax_rows(int log, long long rows, long long n, const float* x, float* out) {
    long long r = (long long)blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
    if (r >= rows) return;
    int lane = threadIdx.x % 32;
    const float* row = x + r * n;
    float* dst = out + r * n;
    float m = -INFINITY;
    double s = 0;
    if (n <= 1024) {
        WarpRow<32> w;
        w.load(row, n, lane);
#pragma unroll
        for (int t = 0; t < 32; t++) if (lane + 32 * t < n) m = java_max(m, w.v[t]);
        m = (float)warp_combine((double)m, Max());
#pragma unroll
        for (int t = 0; t < 32; t++) if (lane + 32 * t < n) s += exp_shifted(w.v[t], m);
        s = warp_combine(s, Add());
        double shift = (double)m + ::log(s), inv = 1.0 / s;
#pragma unroll
        for (int t = 0; t < 32; t++) {
            long long j = lane + 32 * t;
            if (j < n) dst[j] = log ? (float)((double)w.v[t] - shift) : (float)(exp_shifted(w.v[t], m) * inv);
        }
        return;
    }
#pragma unroll 8
    for (long long j = lane; j < n; j += 32) m = java_max(m, row[j]);
    m = (float)warp_combine((double)m, Max());
#pragma unroll 8
    for (long long j = lane; j < n; j += 32) s += exp_shifted(row[j], m);
    s = warp_combine(s, Add());
    if (log) {
        double shift = (double)m + ::log(s);
        for (long long j = lane; j < n; j += 32) dst[j] = (float)((double)row[j] - shift);
    } else {
        double inv = 1.0 / s;
        for (long long j = lane; j < n; j += 32) dst[j] = (float)(exp_shifted(row[j], m) * inv);
    }
}

// The mean and 1/√(biased variance + eps) of a warp's row of n, in double: element t of this lane's walk
// over the row (j = lane + 32·t, t < steps) is value(t, j), from registers or memory.
template <typename Value>
__device__ __forceinline__ void row_moments(long long n, double eps, int steps, Value value, double& mean,
                                            double& inv) {
    int lane = threadIdx.x % 32;
    double s = 0, q = 0;
#pragma unroll
    for (int t = 0; t < steps; t++) {
        long long j = lane + 32LL * t;
        if (j < n) s += value(t, j);
    }
    mean = warp_combine(s, Add()) / n;
#pragma unroll
    for (int t = 0; t < steps; t++) {
        long long j = lane + 32LL * t;
        double d = j < n ? value(t, j) - mean : 0.0;
        q += d * d;
    }
    inv = 1.0 / sqrt(warp_combine(q, Add()) / n + eps);
}

// One row of layer_norm_rows: held in registers where n ≤ 32·R, re-read from memory where R = 0.
template <int R>
__device__ __forceinline__ void layer_norm_row(long long n, double eps, const float* row, const float* weight,
                                               const float* bias, float* dst) {
    constexpr int HELD = R > 0 ? R : 1;
    WarpRow<HELD> xs;
    if (R > 0) xs.load(row, n, threadIdx.x % 32);
    auto value = [&](int t, long long j) { return R > 0 ? xs.v[t] : row[j]; };
    int steps = R > 0 ? R : (int)((n + 31) / 32);
    double mean, inv;
    row_moments(n, eps, steps, value, mean, inv);
#pragma unroll
    for (int t = 0; t < steps; t++) {
        long long j = threadIdx.x % 32 + 32LL * t;
        if (j >= n) continue;
        double y = (value(t, j) - mean) * inv;
        if (weight) y *= weight[j];
        if (bias) y += bias[j];
        dst[j] = (float)y;
    }
}

// layer_norm of contiguous F32 rows of n: (x − mean)/√(biased var + eps)·w + b (w, b may be null); a warp
// a row, rows of up to 1024 held in registers.
extern "C" __global__ void layer_norm_rows(long long rows, long long n, double eps, const float* x,
                                           const float* weight, const float* bias, float* out) {
    long long r = (long long)blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
    if (r >= rows) return;
    if (n <= 1024) {
        layer_norm_row<32>(n, eps, x + r * n, weight, bias, out + r * n);
    } else {
        layer_norm_row<0>(n, eps, x + r * n, weight, bias, out + r * n);
    }
}

// layer_norm's backward over contiguous F32 rows of n, a warp a row: with r = 1/√(biased var + eps),
// x̂ = (x − mean)·r and ĝ = g·w (w may be null), dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)); each row's mean and
// r go to `stats` for the parameters' passes. A row of n ≤ 32·R is held in registers (one kernel per R,
// chosen on the host, so a short row does not pay a long row's registers); R = 0 re-reads memory.
template <int R>
__device__ __forceinline__ void layer_norm_backward(long long rows, long long n, double eps, const float* x,
                                                    const float* weight, const float* grad, float* dx,
                                                    double* stats) {
    long long r = (long long)blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
    if (r >= rows) return;
    int lane = threadIdx.x % 32;
    const float* row = x + r * n;
    const float* g = grad + r * n;
    float* dst = dx + r * n;
    constexpr int HELD = R > 0 ? R : 1;
    WarpRow<HELD> xs, gs;
    if (R > 0) {
        xs.load(row, n, lane);
        gs.load(g, n, lane);
    }
    // element t of this lane's walk over the row: j = lane + 32·t, from registers or memory
    auto value = [&](int t, long long j) { return R > 0 ? xs.v[t] : row[j]; };
    auto scaled = [&](int t, long long j) {
        float gradient = R > 0 ? gs.v[t] : g[j];
        return weight ? (double)gradient * weight[j] : (double)gradient;
    };
    int steps = R > 0 ? R : (int)((n + 31) / 32);
    double mean, inv, sg = 0, sgx = 0;
    row_moments(n, eps, steps, value, mean, inv);
#pragma unroll
    for (int t = 0; t < steps; t++) {
        long long j = lane + 32LL * t;
        if (j >= n) continue;
        double gh = scaled(t, j);
        sg += gh;
        sgx += gh * ((value(t, j) - mean) * inv);
    }
    double mg = warp_combine(sg, Add()) / n, mgx = warp_combine(sgx, Add()) / n;
#pragma unroll
    for (int t = 0; t < steps; t++) {
        long long j = lane + 32LL * t;
        if (j < n) dst[j] = (float)(inv * (scaled(t, j) - mg - (value(t, j) - mean) * inv * mgx));
    }
    if (lane == 0) {
        stats[2 * r] = mean;
        stats[2 * r + 1] = inv;
    }
}

#define LAYER_NORM_BACKWARD(NAME, R)                                                                              \
    extern "C" __global__ void NAME(long long rows, long long n, double eps, const float* x, const float* weight, \
                                    const float* grad, float* dx, double* stats) {                                \
        layer_norm_backward<R>(rows, n, eps, x, weight, grad, dx, stats);                                         \
    }

LAYER_NORM_BACKWARD(layer_norm_backward_rows_256, 8)
LAYER_NORM_BACKWARD(layer_norm_backward_rows_512, 16)
LAYER_NORM_BACKWARD(layer_norm_backward_rows_768, 24)
LAYER_NORM_BACKWARD(layer_norm_backward_rows_1024, 32)
LAYER_NORM_BACKWARD(layer_norm_backward_rows_long, 0)

// layer_norm's parameter gradients, first pass (the columns strategy): for column j over the rows of
// chunk blockIdx.y, Σ g·x̂ and Σ g into partial[2·chunk][j] and partial[2·chunk + 1][j].
extern "C" __global__ void layer_norm_param_partials(long long rows, long long n, long long chunk, const float* x,
                                                     const float* grad, const double* stats, double* partial) {
    long long j = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= n) return;
    long long from = blockIdx.y * chunk, to = min(rows, from + chunk);
    double weight = 0, bias = 0;
    for (long long r = from; r < to; r++) {
        double g = grad[r * n + j];
        weight += g * ((x[r * n + j] - stats[2 * r]) * stats[2 * r + 1]);
        bias += g;
    }
    partial[2 * blockIdx.y * n + j] = weight;
    partial[(2 * blockIdx.y + 1) * n + j] = bias;
}

// Second pass: the chunks of each column added in chunk order.
extern "C" __global__ void layer_norm_param_finish(long long n, int chunks, const double* partial, float* d_weight,
                                                   float* d_bias) {
    long long j = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= n) return;
    double weight = 0, bias = 0;
    for (int c = 0; c < chunks; c++) {
        weight += partial[2 * c * n + j];
        bias += partial[(2 * c + 1) * n + j];
    }
    d_weight[j] = (float)weight;
    d_bias[j] = (float)bias;
}
