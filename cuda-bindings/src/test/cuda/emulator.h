// Runs jmim's kernels on the host, for tests on machines without a GPU: each CUDA thread of a block is a
// std::thread, __syncthreads a barrier of the block, and the warp-level operations (__shfl_xor_sync, and
// warp.cuh's bf16 MMA) exchange the lanes' registers through a barrier of the warp, the MMA building its
// fragments by the PTX ISA's layout. Blocks run one after another, so `__shared__` can be `static`.
// Include it before the kernel source; jmim.cuh's CUDA headers then compile as host code.
#pragma once
#include <math.h>
#include <stdint.h>
#include <string.h>

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

// The value of `v` in lane (this lane ^ lane_mask), for 4- and 8-byte types.
uint64_t exchange_with_lane(uint64_t bits, int lane_mask);
template <typename T>
T __shfl_xor_sync(unsigned, T v, int lane_mask) {
    static_assert(sizeof(T) <= 8, "shuffles move up to 8 bytes");
    uint64_t bits = 0;
    memcpy(&bits, &v, sizeof(T));
    bits = exchange_with_lane(bits, lane_mask);
    memcpy(&v, &bits, sizeof(T));
    return v;
}

// Every lane's value, for the warp votes.
void warp_gather(uint64_t bits, uint64_t (&all)[32]);
inline int __any_sync(unsigned, int predicate) {
    uint64_t all[32];
    warp_gather(predicate != 0, all);
    for (uint64_t v : all) {
        if (v) return 1;
    }
    return 0;
}
int __syncthreads_count(int predicate);

// Atomics, serialised by one lock.
unsigned long long atomicCAS(unsigned long long* address, unsigned long long compare, unsigned long long value);
float atomicAdd(float* address, float value);
int atomicMax(int* address, int value);

inline unsigned __float_as_uint(float v) {
    unsigned bits;
    memcpy(&bits, &v, 4);
    return bits;
}
inline float __uint_as_float(unsigned bits) {
    float v;
    memcpy(&v, &bits, 4);
    return v;
}
inline long long __double_as_longlong(double v) {
    long long bits;
    memcpy(&bits, &v, 8);
    return bits;
}

// Arithmetic rounded to nearest, as the _rn intrinsics (the harnesses build with -ffp-contract=off, so
// nothing fuses into an FMA either).
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __fsqrt_rn(float a) { return sqrtf(a); }
inline double __dadd_rn(double a, double b) { return a + b; }
inline double __dsub_rn(double a, double b) { return a - b; }
inline double __dmul_rn(double a, double b) { return a * b; }
inline unsigned __umulhi(unsigned a, unsigned b) { return (unsigned)(((uint64_t)a * b) >> 32); }
double erfinv(double y);

// CUDA's integer min and max overloads.
inline long long min(long long a, long long b) { return a < b ? a : b; }
inline long long max(long long a, long long b) { return a > b ? a : b; }
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }

void mma_bf16(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1);
uint16_t to_bf16(float v);
uint32_t pack_bf16(float lo, float hi);
float bf16_value(float v);

// Runs `kernel` over a grid of blocksX × blocksY blocks of threadsX × threadsY threads (a multiple of 32;
// warps are runs of 32 in x-major order, as on the GPU).
void launch(unsigned blocksX, unsigned blocksY, unsigned threadsX, unsigned threadsY,
            const std::function<void()>& kernel);
inline void launch(unsigned blocksX, unsigned blocksY, unsigned threads, const std::function<void()>& kernel) {
    launch(blocksX, blocksY, threads, 1, kernel);
}
