// Fused attention out = softmax(q·kᵀ·s)·v on the tensor cores: q, k, v and the output's gradient are
// F32 views [B, H, N, Dh] (unit stride along Dh; see attention.cuh) rounded to bf16 as they are staged in shared memory; every
// product accumulates in fp32 (mma.m16n8k16), the softmax runs in fp32, and its probabilities P (and dS
// in the backward) are rounded to bf16 to enter the next product. Flash-style, as attention.cu: the
// forward keeps each row's log-sum-exp, the backward recomputes P in two atomic-free passes (dK and dV
// parallel over keys, dQ over queries). Dh = 32 or 64.
//
// A block is four warps; each warp owns 16 rows of the block's 64 (queries in the forward and dQ pass,
// keys in the dK/dV pass) and walks the other side in tiles of 64, its scores held as C fragments.
#include "warp.cuh"
#include "attention.cuh"

// Internal names in a namespace of their own: the host emulator builds this file beside attention.cu.
namespace tensor_cores {

constexpr int TILE = 64;  // rows a block owns, and the rows of the other side per step
constexpr int PAD = 8;    // bf16 elements after each shared row: the lanes of a fragment load hit 32 banks

// Rows [start, start + TILE) of a head of `view`, rounded to bf16 (zeros past n), into `rows` (row-major,
// D + PAD a row) and/or `columns` (transposed, TILE + PAD a row), by the block's threads together.
template <int D>
__device__ __forceinline__ void stage(const Heads view, int b, int h, int start, int n, uint16_t* rows,
                                      uint16_t* columns) {
    for (int idx = threadIdx.x; idx < TILE * D; idx += blockDim.x) {
        int r = idx / D, d = idx % D;
        uint16_t x = to_bf16(start + r < n ? view.at(b, h, start + r)[d] : 0.0f);
        if (rows) rows[r * (D + PAD) + d] = x;
        if (columns) columns[d * (TILE + PAD) + r] = x;
    }
}

// c[j] = A·B over 16 rows and the TILE columns of tile j·8 ..: A as fragments over D, B n-major rows.
template <int D>
__device__ __forceinline__ void scores(float (&c)[TILE / 8][4], const uint32_t (&a)[D / 16][4],
                                       const uint16_t* rows) {
#pragma unroll
    for (int j = 0; j < TILE / 8; j++) {
        c[j][0] = c[j][1] = c[j][2] = c[j][3] = 0.0f;
#pragma unroll
        for (int kk = 0; kk < D / 16; kk++) {
            uint32_t b0, b1;
            load_b(b0, b1, rows, D + PAD, kk * 16, j * 8);
            mma_bf16(c[j], a[kk], b0, b1);
        }
    }
}

// acc[j] += P·B for P the TILE columns of c (rounded to bf16) and B a transposed tile (D × TILE).
template <int D>
__device__ __forceinline__ void accumulate(float (&acc)[D / 8][4], const float (&c)[TILE / 8][4],
                                           const uint16_t* columns) {
#pragma unroll
    for (int kk = 0; kk < TILE / 16; kk++) {
        uint32_t a[4];
        a_from_c(a, c[2 * kk], c[2 * kk + 1]);
#pragma unroll
        for (int j = 0; j < D / 8; j++) {
            uint32_t b0, b1;
            load_b(b0, b1, columns, TILE + PAD, kk * 16, j * 8);
            mma_bf16(acc[j], a, b0, b1);
        }
    }
}

template <int D>
__device__ __forceinline__ void fragments(uint32_t (&a)[D / 16][4], const uint16_t* rows, int row) {
#pragma unroll
    for (int kk = 0; kk < D / 16; kk++) load_a(a[kk], rows, D + PAD, row, kk * 16);
}

// Rows [row, row + 16) of a C-fragment accumulator, times `scale`, into rows of head (b, h) of `to` (rows < n).
template <int D>
__device__ __forceinline__ void write_rows(const float (&acc)[D / 8][4], float scale, int row, int n, OutHeads to,
                                           int b, int h) {
    int g = lane_id() >> 2, t = lane_id() & 3;
#pragma unroll
    for (int r = 0; r < 2; r++) {
        int at = row + g + 8 * r;
        if (at >= n) continue;
        float* dst = to.at(b, h, at);
#pragma unroll
        for (int j = 0; j < D / 8; j++) {
            dst[j * 8 + 2 * t] = acc[j][2 * r] * scale;
            dst[j * 8 + 2 * t + 1] = acc[j][2 * r + 1] * scale;
        }
    }
}

template <int D>
__device__ void forward(int heads, int n, float scale, Heads q, Heads k, Heads v, OutHeads out, float* lse) {
    __shared__ __align__(16) uint16_t qs[TILE * (D + PAD)];
    __shared__ __align__(16) uint16_t ks[TILE * (D + PAD)];
    __shared__ __align__(16) uint16_t vt[D * (TILE + PAD)];
    int bh = blockIdx.y, b = bh / heads, h = bh % heads;
    int warp_row = (threadIdx.x >> 5) * 16;  // the warp's first row in the block's tile
    int t = lane_id() & 3;
    stage<D>(q, b, h, blockIdx.x * TILE, n, qs, nullptr);
    __syncthreads();
    uint32_t qa[D / 16][4];
    fragments<D>(qa, qs, warp_row);
    float o[D / 8][4] = {};
    float m[2] = {-INFINITY, -INFINITY};  // rows g and g + 8: running max and (this lane's part of) the sum
    float l[2] = {0.0f, 0.0f};
    for (int start = 0; start < n; start += TILE) {
        __syncthreads();
        stage<D>(k, b, h, start, n, ks, nullptr);
        stage<D>(v, b, h, start, n, nullptr, vt);
        __syncthreads();
        float s[TILE / 8][4];
        scores<D>(s, qa, ks);
        float top[2] = {-INFINITY, -INFINITY};
#pragma unroll
        for (int j = 0; j < TILE / 8; j++) {
#pragma unroll
            for (int e = 0; e < 4; e++) {
                bool inside = start + j * 8 + 2 * t + (e & 1) < n;
                s[j][e] = inside ? s[j][e] * scale : -INFINITY;
                top[e >> 1] = fmaxf(top[e >> 1], s[j][e]);
            }
        }
#pragma unroll
        for (int r = 0; r < 2; r++) {
            float next = fmaxf(m[r], row_max(top[r]));  // finite: every tile holds a key
            float shrink = expf(m[r] - next);           // 0 on the first tile
            m[r] = next;
            l[r] *= shrink;
#pragma unroll
            for (int j = 0; j < D / 8; j++) {
                o[j][2 * r] *= shrink;
                o[j][2 * r + 1] *= shrink;
            }
        }
#pragma unroll
        for (int j = 0; j < TILE / 8; j++) {
#pragma unroll
            for (int e = 0; e < 4; e++) {
                s[j][e] = expf(s[j][e] - m[e >> 1]);
                l[e >> 1] += s[j][e];
            }
        }
        accumulate<D>(o, s, vt);
    }
    int g = lane_id() >> 2, own = blockIdx.x * TILE + warp_row;
#pragma unroll
    for (int r = 0; r < 2; r++) {
        l[r] = row_sum(l[r]);
        int row = own + g + 8 * r;
        if (t == 0 && row < n) lse[(long long)bh * n + row] = m[r] + logf(l[r]);
#pragma unroll
        for (int j = 0; j < D / 8; j++) {
            o[j][2 * r] /= l[r];
            o[j][2 * r + 1] /= l[r];
        }
    }
    write_rows<D>(o, 1.0f, own, n, out, b, h);
}

// delta[r] = Σ_d O·dO for the B·H·N rows in order, the softmax backward's row term, with dO rounded to
// bf16 as the passes below round it: then each row of dS = P·(dP − delta) sums to zero as nearly as dP
// allows, and dQ = 0 for a single key.
template <int D>
__device__ void row_dots(long long rows, int heads, int n, Heads out, Heads grad, float* delta) {
    long long stride = (long long)gridDim.x * blockDim.x;
    for (long long r = (long long)blockIdx.x * blockDim.x + threadIdx.x; r < rows; r += stride) {
        int bh = (int)(r / n), i = (int)(r % n);
        const float* o = out.at(bh / heads, bh % heads, i);
        const float* g = grad.at(bh / heads, bh % heads, i);
        float sum = 0.0f;
#pragma unroll
        for (int d = 0; d < D; d++) sum += o[d] * bf16_value(g[d]);
        delta[r] = sum;
    }
}

// dK and dV for the block's keys: over query tiles, Sᵀ = K·Qᵀ and dPᵀ = V·dOᵀ as fragments, Pᵀ = e^(Sᵀ·s −
// lse) and dSᵀ = Pᵀ·(dPᵀ − delta) per query column; dV += Pᵀ·dO and dK += dSᵀ·Q (times s at the end).
template <int D>
__device__ void key_gradients(int heads, int n, float scale, Heads q, Heads k, Heads v, Heads grad,
                              const float* lse, const float* delta, OutHeads d_k, OutHeads d_v) {
    __shared__ __align__(16) uint16_t first[TILE * (D + PAD)];   // K's rows, then each tile's Q rows
    __shared__ __align__(16) uint16_t second[TILE * (D + PAD)];  // V's rows, then each tile's dO rows
    __shared__ __align__(16) uint16_t qt[D * (TILE + PAD)];
    __shared__ __align__(16) uint16_t gt[D * (TILE + PAD)];
    __shared__ float ls[TILE];
    __shared__ float ds[TILE];
    int bh = blockIdx.y, b = bh / heads, h = bh % heads;
    int warp_row = (threadIdx.x >> 5) * 16;
    int t = lane_id() & 3;
    stage<D>(k, b, h, blockIdx.x * TILE, n, first, nullptr);
    stage<D>(v, b, h, blockIdx.x * TILE, n, second, nullptr);
    __syncthreads();
    uint32_t ka[D / 16][4], va[D / 16][4];
    fragments<D>(ka, first, warp_row);
    fragments<D>(va, second, warp_row);
    float dk[D / 8][4] = {}, dv[D / 8][4] = {};
    for (int start = 0; start < n; start += TILE) {
        __syncthreads();
        stage<D>(q, b, h, start, n, first, qt);
        stage<D>(grad, b, h, start, n, second, gt);
        for (int r = threadIdx.x; r < TILE; r += blockDim.x) {
            bool inside = start + r < n;
            ls[r] = inside ? lse[(long long)bh * n + start + r] : INFINITY;  // P = 0 past n
            ds[r] = inside ? delta[(long long)bh * n + start + r] : 0.0f;
        }
        __syncthreads();
        float p[TILE / 8][4], dp[TILE / 8][4];
        scores<D>(p, ka, first);
        scores<D>(dp, va, second);
#pragma unroll
        for (int j = 0; j < TILE / 8; j++) {
#pragma unroll
            for (int e = 0; e < 4; e++) {
                int column = j * 8 + 2 * t + (e & 1);
                p[j][e] = expf(p[j][e] * scale - ls[column]);
                dp[j][e] = p[j][e] * (dp[j][e] - ds[column]);
            }
        }
        accumulate<D>(dv, p, gt);
        accumulate<D>(dk, dp, qt);
    }
    int row = blockIdx.x * TILE + warp_row;
    write_rows<D>(dk, scale, row, n, d_k, b, h);
    write_rows<D>(dv, 1.0f, row, n, d_v, b, h);
}

// dQ for the block's queries: over key tiles, S = Q·Kᵀ and dP = dO·Vᵀ, dS = P·(dP − delta) per row,
// dQ += dS·K (times s at the end).
template <int D>
__device__ void query_gradients(int heads, int n, float scale, Heads q, Heads k, Heads v, Heads grad,
                                const float* lse, const float* delta, OutHeads d_q) {
    __shared__ __align__(16) uint16_t first[TILE * (D + PAD)];   // Q's rows, then each tile's K rows
    __shared__ __align__(16) uint16_t second[TILE * (D + PAD)];  // dO's rows, then each tile's V rows
    __shared__ __align__(16) uint16_t kt[D * (TILE + PAD)];
    int bh = blockIdx.y, b = bh / heads, h = bh % heads;
    int warp_row = (threadIdx.x >> 5) * 16;
    int g = lane_id() >> 2, t = lane_id() & 3;
    stage<D>(q, b, h, blockIdx.x * TILE, n, first, nullptr);
    stage<D>(grad, b, h, blockIdx.x * TILE, n, second, nullptr);
    __syncthreads();
    uint32_t qa[D / 16][4], ga[D / 16][4];
    fragments<D>(qa, first, warp_row);
    fragments<D>(ga, second, warp_row);
    float lr[2], dr[2];
#pragma unroll
    for (int r = 0; r < 2; r++) {
        int row = blockIdx.x * TILE + warp_row + g + 8 * r;
        lr[r] = row < n ? lse[(long long)bh * n + row] : 0.0f;
        dr[r] = row < n ? delta[(long long)bh * n + row] : 0.0f;
    }
    float dq[D / 8][4] = {};
    for (int start = 0; start < n; start += TILE) {
        __syncthreads();
        stage<D>(k, b, h, start, n, first, kt);
        stage<D>(v, b, h, start, n, second, nullptr);
        __syncthreads();
        float s[TILE / 8][4], dp[TILE / 8][4];
        scores<D>(s, qa, first);
        scores<D>(dp, ga, second);
#pragma unroll
        for (int j = 0; j < TILE / 8; j++) {
#pragma unroll
            for (int e = 0; e < 4; e++) {
                bool inside = start + j * 8 + 2 * t + (e & 1) < n;
                float p = inside ? expf(s[j][e] * scale - lr[e >> 1]) : 0.0f;
                dp[j][e] = p * (dp[j][e] - dr[e >> 1]);
            }
        }
        accumulate<D>(dq, dp, kt);
    }
    write_rows<D>(dq, scale, blockIdx.x * TILE + warp_row, n, d_q, b, h);
}

}  // namespace tensor_cores

#define ATTENTION_BF16_KERNELS(D)                                                                                 \
    extern "C" __global__ void __launch_bounds__(128) attention_bf16_forward_d##D(                                \
        int heads, int n, float scale, Heads q, Heads k, Heads v, OutHeads out, float* lse) {                     \
        tensor_cores::forward<D>(heads, n, scale, q, k, v, out, lse);                                             \
    }                                                                                                             \
    extern "C" __global__ void attention_bf16_row_dots_d##D(long long rows, int heads, int n, Heads out,         \
                                                            Heads grad, float* delta) {                           \
        tensor_cores::row_dots<D>(rows, heads, n, out, grad, delta);                                              \
    }                                                                                                             \
    extern "C" __global__ void __launch_bounds__(128) attention_bf16_dkdv_d##D(                                   \
        int heads, int n, float scale, Heads q, Heads k, Heads v, Heads grad, const float* lse,                   \
        const float* delta, OutHeads d_k, OutHeads d_v) {                                                         \
        tensor_cores::key_gradients<D>(heads, n, scale, q, k, v, grad, lse, delta, d_k, d_v);                     \
    }                                                                                                             \
    extern "C" __global__ void __launch_bounds__(128) attention_bf16_dq_d##D(                                     \
        int heads, int n, float scale, Heads q, Heads k, Heads v, Heads grad, const float* lse,                   \
        const float* delta, OutHeads d_q) {                                                                       \
        tensor_cores::query_gradients<D>(heads, n, scale, q, k, v, grad, lse, delta, d_q);                        \
    }

ATTENTION_BF16_KERNELS(32)
ATTENTION_BF16_KERNELS(64)
