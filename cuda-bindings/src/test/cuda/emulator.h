// Runs jmim's tensor-core kernels on the host, for tests on machines without a GPU: each CUDA thread of a
// block is a std::thread, __syncthreads a barrier of the block, and the warp-level operations of warp.cuh
// (shuffles, the bf16 MMA) exchange the lanes' registers through a barrier of the warp, the MMA building
// its fragments by the PTX ISA's layout. Blocks run one after another, so `__shared__` can be `static`.
#pragma once
#include <math.h>
#include <stdint.h>

#include <functional>

#define __global__
#define __device__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))

struct EmulatedIndex {
    unsigned x, y, z;
};
extern thread_local EmulatedIndex threadIdx;
extern thread_local EmulatedIndex blockIdx;
extern EmulatedIndex blockDim;
extern EmulatedIndex gridDim;

void __syncthreads();
float shuffle_xor(float v, int mask);
void mma_bf16(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1);
uint16_t to_bf16(float v);
uint32_t pack_bf16(float lo, float hi);
float bf16_value(float v);

// Runs `kernel` over a grid of blocksX × blocksY blocks of `threads` threads (a multiple of 32).
void launch(unsigned blocksX, unsigned blocksY, unsigned threads, const std::function<void()>& kernel);
