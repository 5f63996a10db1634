// Warp-level building blocks of the tensor-core kernels: the bf16 m16n8k16 MMA, fragment loads, lane
// shuffles and bf16 packing. Built with -DJMIM_EMULATE, the MMA and the bf16 conversions come from the host
// emulator under src/test/cuda instead, which runs the same kernel source on CPU threads so that tests can
// check the fragment bookkeeping without a GPU.
#pragma once
#include <stdint.h>

#ifdef JMIM_EMULATE
#include "emulator.h"
#else
#include <cuda_bf16.h>
#endif

// Fragments of mma.m16n8k16 (PTX ISA, "matrix fragments for mma.m16n8k16"), for lane = 4·g + t:
//   A (16×16, row-major), four b32 registers of two bf16 each, the lower column in the low half:
//     a[0] = A[g][2t, 2t+1]   a[1] = A[g+8][2t, 2t+1]   a[2] = A[g][2t+8, 2t+9]   a[3] = A[g+8][2t+8, 2t+9]
//   B (16×8, column-major): b[0] = B[2t, 2t+1][g]   b[1] = B[2t+8, 2t+9][g]
//   C (16×8 f32): c[0], c[1] = C[g][2t, 2t+1]   c[2], c[3] = C[g+8][2t, 2t+1]
// So the C fragments of two neighbouring 8-column tiles are, once packed to bf16, the A fragment of the
// 16 columns they cover: what lets softmax(QKᵀ) feed P·V without going through shared memory.

__device__ __forceinline__ int lane_id() { return threadIdx.x & 31; }

#ifndef JMIM_EMULATE
__device__ __forceinline__ void mma_bf16(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9},"
        " {%0, %1, %2, %3};"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// Two floats rounded to bf16 (to nearest, ties to even), lo in the low half.
__device__ __forceinline__ uint32_t pack_bf16(float lo, float hi) {
    __nv_bfloat162 pair = __floats2bfloat162_rn(lo, hi);
    return *reinterpret_cast<uint32_t*>(&pair);
}

__device__ __forceinline__ uint16_t to_bf16(float v) {
    __nv_bfloat16 h = __float2bfloat16_rn(v);
    return *reinterpret_cast<uint16_t*>(&h);
}

// v rounded to bf16 and back.
__device__ __forceinline__ float bf16_value(float v) { return __bfloat162float(__float2bfloat16_rn(v)); }
#endif

__device__ __forceinline__ float shuffle_xor(float v, int mask) { return __shfl_xor_sync(0xffffffffu, v, mask); }

// Across the four lanes that share a fragment row (lanes 4g .. 4g+3).
__device__ __forceinline__ float row_max(float v) {
    v = fmaxf(v, shuffle_xor(v, 1));
    return fmaxf(v, shuffle_xor(v, 2));
}

__device__ __forceinline__ float row_sum(float v) {
    v += shuffle_xor(v, 1);
    return v + shuffle_xor(v, 2);
}

// The A fragment of rows [row, row + 16) and columns [col, col + 16) of a bf16 array with `stride`
// elements a row (a shared-memory tile).
__device__ __forceinline__ void load_a(uint32_t (&a)[4], const uint16_t* tile, int stride, int row, int col) {
    int g = lane_id() >> 2, t = lane_id() & 3;
    const uint16_t* top = tile + (row + g) * stride + col + 2 * t;
    const uint16_t* bottom = top + 8 * stride;
    a[0] = *reinterpret_cast<const uint32_t*>(top);
    a[1] = *reinterpret_cast<const uint32_t*>(bottom);
    a[2] = *reinterpret_cast<const uint32_t*>(top + 8);
    a[3] = *reinterpret_cast<const uint32_t*>(bottom + 8);
}

// The B fragment for k in [k, k + 16) and n in [n, n + 8) of a tile stored n-major: element (k, n) at
// tile[n·stride + k], as the rows of K are for Q·Kᵀ.
__device__ __forceinline__ void load_b(uint32_t& b0, uint32_t& b1, const uint16_t* tile, int stride, int k, int n) {
    int g = lane_id() >> 2, t = lane_id() & 3;
    const uint16_t* at = tile + (n + g) * stride + k + 2 * t;
    b0 = *reinterpret_cast<const uint32_t*>(at);
    b1 = *reinterpret_cast<const uint32_t*>(at + 8);
}

// The A fragment of the 16 columns covered by C fragments `left` and `right`, rounded to bf16.
__device__ __forceinline__ void a_from_c(uint32_t (&a)[4], const float (&left)[4], const float (&right)[4]) {
    a[0] = pack_bf16(left[0], left[1]);
    a[1] = pack_bf16(left[2], left[3]);
    a[2] = pack_bf16(right[0], right[1]);
    a[3] = pack_bf16(right[2], right[3]);
}
