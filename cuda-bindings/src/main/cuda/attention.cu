// Fused attention out = softmax(q·s·kᵀ)·v over [B, H, N, Dh] F32 views (unit stride along Dh; see
// attention.cuh), flash-style:
// the N × N scores are never stored. The forward keeps each row's log-sum-exp; the backward recomputes the
// probabilities from it in three passes without atomics (dV and dK parallel over keys, dQ over queries),
// so results do not vary from run to run. fp32 arithmetic on the CUDA cores; Dh = 32 or 64.
#include "attention.cuh"
#include "jmim.cuh"

#define ROWS 64  // query or key rows a block owns, one per thread; also the tile of the other side

template <int D>
__device__ __forceinline__ void load_row(const float* from, float scale, float* to) {
#pragma unroll
    for (int d = 0; d < D; d++) to[d] = from[d] * scale;
}

// Rows [start, start + ROWS) of a view into shared memory (zeros past n), the block's threads together.
template <int D>
__device__ __forceinline__ void load_tile(const Heads v, int b, int h, int start, int n, float (*tile)[D]) {
    for (int idx = threadIdx.x; idx < ROWS * D; idx += blockDim.x) {
        int r = idx / D, d = idx % D;
        tile[r][d] = start + r < n ? v.at(b, h, start + r)[d] : 0.0f;
    }
}

template <int D>
__device__ __forceinline__ float dot(const float* a, const float* b) {
    float s = 0.0f;
#pragma unroll
    for (int d = 0; d < D; d++) s += a[d] * b[d];
    return s;
}

// One thread per query row: running max and sum over key tiles, the output rescaled once per chunk.
template <int D>
__device__ void forward(int heads, int n, float scale, Heads q, Heads k, Heads v, OutHeads out, float* lse) {
    __shared__ float ks[ROWS][D];
    __shared__ float vs[ROWS][D];
    int bh = blockIdx.y, b = bh / heads, h = bh % heads;
    int i = blockIdx.x * ROWS + threadIdx.x;
    bool row = i < n;
    float qr[D], o[D];
    if (row) load_row<D>(q.at(b, h, i), scale, qr);
#pragma unroll
    for (int d = 0; d < D; d++) o[d] = 0.0f;
    float m = -INFINITY, l = 0.0f;
    for (int start = 0; start < n; start += ROWS) {
        __syncthreads();
        load_tile<D>(k, b, h, start, n, ks);
        load_tile<D>(v, b, h, start, n, vs);
        __syncthreads();
        if (!row) continue;
        // the tile's keys in chunks whose scores fit in registers beside q and o
        constexpr int CHUNK = D > 32 ? 32 : ROWS;
        for (int from = 0; from < min(ROWS, n - start); from += CHUNK) {
            int count = min(CHUNK, n - start - from);
            float s[CHUNK];
            float top = -INFINITY;
#pragma unroll
            for (int j = 0; j < CHUNK; j++) {
                s[j] = j < count ? dot<D>(qr, ks[from + j]) : -INFINITY;
                top = fmaxf(top, s[j]);
            }
            float next = fmaxf(m, top);
            float shrink = expf(m - next);  // 0 on the first chunk (m = -inf)
            l *= shrink;
#pragma unroll
            for (int d = 0; d < D; d++) o[d] *= shrink;
#pragma unroll
            for (int j = 0; j < CHUNK; j++) {
                float p = j < count ? expf(s[j] - next) : 0.0f;
                l += p;
#pragma unroll
                for (int d = 0; d < D; d++) o[d] += p * vs[from + j][d];
            }
            m = next;
        }
    }
    if (!row) return;
    float* dst = out.at(b, h, i);
    float inv = 1.0f / l;
#pragma unroll
    for (int d = 0; d < D; d++) dst[d] = o[d] * inv;
    lse[(long long)bh * n + i] = m + logf(l);
}

// delta[row] = Σ_d dO·O, the softmax backward's per-row term, for the B·H·N rows in order.
template <int D>
__device__ void row_dots(long long rows, int heads, int n, Heads out, Heads grad, float* delta) {
    for_each_index(rows, [&](auto r) {
        int bh = (int)(r / n), i = (int)(r % n);
        delta[r] = dot<D>(out.at(bh / heads, bh % heads, i), grad.at(bh / heads, bh % heads, i));
    });
}

// One thread per key row j: over query tiles, p = e^(q·s·k_j − lse) and dp = dO·v_j give dS = p·(dp − delta);
// dV_j = Σ p·dO and dK_j = Σ dS·q·s. `keys_only` computes dK (with v), else dV (without it), to keep the
// registers of one thread under the limit at Dh = 64.
template <int D, bool DK>
__device__ void key_gradients(int heads, int n, float scale, Heads q, Heads k, Heads v, Heads grad,
                              const float* lse, const float* delta, OutHeads d_out) {
    __shared__ float qs[ROWS][D];
    __shared__ float gs[ROWS][D];
    __shared__ float ls[ROWS];
    __shared__ float ds[ROWS];
    int bh = blockIdx.y, b = bh / heads, h = bh % heads;
    int j = blockIdx.x * ROWS + threadIdx.x;
    bool row = j < n;
    float kr[D], vr[D], acc[D];
    if (row) {
        load_row<D>(k.at(b, h, j), 1.0f, kr);
        if (DK) load_row<D>(v.at(b, h, j), 1.0f, vr);
    }
#pragma unroll
    for (int d = 0; d < D; d++) acc[d] = 0.0f;
    for (int start = 0; start < n; start += ROWS) {
        __syncthreads();
        for (int idx = threadIdx.x; idx < ROWS * D; idx += blockDim.x) {
            int r = idx / D, d = idx % D;
            bool inside = start + r < n;
            qs[r][d] = inside ? q.at(b, h, start + r)[d] * scale : 0.0f;
            gs[r][d] = inside ? grad.at(b, h, start + r)[d] : 0.0f;
        }
        for (int r = threadIdx.x; r < ROWS; r += blockDim.x) {
            bool inside = start + r < n;
            ls[r] = inside ? lse[(long long)bh * n + start + r] : INFINITY;  // p = 0 past n
            ds[r] = inside ? delta[(long long)bh * n + start + r] : 0.0f;
        }
        __syncthreads();
        if (!row) continue;
        int count = min(ROWS, n - start);
        for (int i = 0; i < count; i++) {
            float p = expf(dot<D>(qs[i], kr) - ls[i]);
            if (DK) {
                float d_score = p * (dot<D>(gs[i], vr) - ds[i]);
#pragma unroll
                for (int d = 0; d < D; d++) acc[d] += d_score * qs[i][d];
            } else {
#pragma unroll
                for (int d = 0; d < D; d++) acc[d] += p * gs[i][d];
            }
        }
    }
    if (!row) return;
    float* dst = d_out.at(b, h, j);
#pragma unroll
    for (int d = 0; d < D; d++) dst[d] = acc[d];
}

// One thread per query row: dQ_i = s·Σ_j dS_ij·k_j over key tiles.
template <int D>
__device__ void query_gradients(int heads, int n, float scale, Heads q, Heads k, Heads v, Heads grad,
                                const float* lse, const float* delta, OutHeads d_q) {
    __shared__ float ks[ROWS][D];
    __shared__ float vs[ROWS][D];
    int bh = blockIdx.y, b = bh / heads, h = bh % heads;
    int i = blockIdx.x * ROWS + threadIdx.x;
    bool row = i < n;
    float qr[D], gr[D], acc[D];
    float li = 0.0f, di = 0.0f;
    if (row) {
        load_row<D>(q.at(b, h, i), scale, qr);
        load_row<D>(grad.at(b, h, i), 1.0f, gr);
        li = lse[(long long)bh * n + i];
        di = delta[(long long)bh * n + i];
    }
#pragma unroll
    for (int d = 0; d < D; d++) acc[d] = 0.0f;
    for (int start = 0; start < n; start += ROWS) {
        __syncthreads();
        load_tile<D>(k, b, h, start, n, ks);
        load_tile<D>(v, b, h, start, n, vs);
        __syncthreads();
        if (!row) continue;
        int count = min(ROWS, n - start);
        for (int j = 0; j < count; j++) {
            float p = expf(dot<D>(qr, ks[j]) - li);
            float d_score = p * (dot<D>(gr, vs[j]) - di);
#pragma unroll
            for (int d = 0; d < D; d++) acc[d] += d_score * ks[j][d];
        }
    }
    if (!row) return;
    float* dst = d_q.at(b, h, i);
#pragma unroll
    for (int d = 0; d < D; d++) dst[d] = acc[d] * scale;
}

#define ATTENTION_KERNELS(D)                                                                                        \
    extern "C" __global__ void __launch_bounds__(ROWS) attention_forward_d##D(                                      \
        int heads, int n, float scale, Heads q, Heads k, Heads v, OutHeads out, float* lse) {                       \
        forward<D>(heads, n, scale, q, k, v, out, lse);                                                             \
    }                                                                                                               \
    extern "C" __global__ void attention_row_dots_d##D(long long rows, int heads, int n, Heads out, Heads grad,     \
                                                       float* delta) {                                              \
        row_dots<D>(rows, heads, n, out, grad, delta);                                                              \
    }                                                                                                               \
    extern "C" __global__ void __launch_bounds__(ROWS) attention_dv_d##D(                                           \
        int heads, int n, float scale, Heads q, Heads k, Heads v, Heads grad, const float* lse, const float* delta,  \
        OutHeads d_v) {                                                                                             \
        key_gradients<D, false>(heads, n, scale, q, k, v, grad, lse, delta, d_v);                                   \
    }                                                                                                               \
    extern "C" __global__ void __launch_bounds__(ROWS) attention_dk_d##D(                                           \
        int heads, int n, float scale, Heads q, Heads k, Heads v, Heads grad, const float* lse, const float* delta,  \
        OutHeads d_k) {                                                                                             \
        key_gradients<D, true>(heads, n, scale, q, k, v, grad, lse, delta, d_k);                                    \
    }                                                                                                               \
    extern "C" __global__ void __launch_bounds__(ROWS) attention_dq_d##D(                                           \
        int heads, int n, float scale, Heads q, Heads k, Heads v, Heads grad, const float* lse, const float* delta,  \
        OutHeads d_q) {                                                                                             \
        query_gradients<D>(heads, n, scale, q, k, v, grad, lse, delta, d_q);                                        \
    }

ATTENTION_KERNELS(32)
ATTENTION_KERNELS(64)
