// The emulator's runtime (see emulator.h).
#include "emulator.h"

#include <atomic>
#include <barrier>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

thread_local EmulatedIndex threadIdx;
thread_local EmulatedIndex blockIdx;
EmulatedIndex blockDim;
EmulatedIndex gridDim;

namespace {
struct Warp {
    std::barrier<> meet{32};
    uint64_t values[32];
    uint32_t a[32][4];
    uint32_t b[32][2];
};

std::unique_ptr<std::barrier<>> block_barrier;
std::vector<std::unique_ptr<Warp>> warps;

// This thread's place in its block, x-major.
unsigned linear_id() { return threadIdx.y * blockDim.x + threadIdx.x; }

Warp& warp() { return *warps[linear_id() / 32]; }

float from_bf16(uint32_t bits) {
    uint32_t wide = (bits & 0xffffu) << 16;
    float v;
    std::memcpy(&v, &wide, 4);
    return v;
}

// Element (row, k) of the 16 × 16 A operand, from the lane and register that hold it.
float a_element(const Warp& w, int row, int k) {
    int lane = 4 * (row & 7) + ((k & 7) >> 1);
    int reg = (row >> 3) + 2 * (k >> 3);
    return from_bf16(w.a[lane][reg] >> (16 * (k & 1)));
}

// Element (k, col) of the 16 × 8 B operand.
float b_element(const Warp& w, int k, int col) {
    int lane = 4 * col + ((k & 7) >> 1);
    return from_bf16(w.b[lane][k >> 3] >> (16 * (k & 1)));
}
}  // namespace

void __syncthreads() { block_barrier->arrive_and_wait(); }

void warp_gather(uint64_t bits, uint64_t (&all)[32]) {
    Warp& w = warp();
    w.values[linear_id() & 31] = bits;
    w.meet.arrive_and_wait();
    std::memcpy(all, w.values, sizeof all);
    w.meet.arrive_and_wait();
}

namespace {
std::atomic<int> block_counts[2];
thread_local int count_calls = 0;  // per thread, and so per block: each block's threads are new
std::mutex atomics;
}  // namespace

int __syncthreads_count(int predicate) {
    std::atomic<int>& count = block_counts[count_calls++ & 1];
    if (predicate) count++;
    block_barrier->arrive_and_wait();
    int total = count;
    block_barrier->arrive_and_wait();
    // every thread has read it; the next call uses the other counter, so this reset comes first
    if (linear_id() == 0) count = 0;
    return total;
}

unsigned long long atomicCAS(unsigned long long* address, unsigned long long compare, unsigned long long value) {
    std::lock_guard<std::mutex> hold(atomics);
    unsigned long long old = *address;
    if (old == compare) *address = value;
    return old;
}

float atomicAdd(float* address, float value) {
    std::lock_guard<std::mutex> hold(atomics);
    float old = *address;
    *address = old + value;
    return old;
}

int atomicMax(int* address, int value) {
    std::lock_guard<std::mutex> hold(atomics);
    int old = *address;
    if (value > old) *address = value;
    return old;
}

uint64_t exchange_with_lane(uint64_t bits, int lane_mask) {
    uint64_t all[32];
    warp_gather(bits, all);
    return all[(linear_id() & 31) ^ lane_mask];
}

void mma_bf16(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
    Warp& w = warp();
    int lane = linear_id() & 31;
    std::memcpy(w.a[lane], a, sizeof a);
    w.b[lane][0] = b0;
    w.b[lane][1] = b1;
    w.meet.arrive_and_wait();
    int g = lane >> 2, t = lane & 3;
    for (int e = 0; e < 4; e++) {
        int row = g + 8 * (e >> 1), col = 2 * t + (e & 1);
        double sum = c[e];
        for (int k = 0; k < 16; k++) sum += (double)a_element(w, row, k) * b_element(w, k, col);
        c[e] = (float)sum;
    }
    w.meet.arrive_and_wait();
}

uint16_t to_bf16(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((bits >> 16) | 0x40);  // NaN stays NaN
    bits += 0x7fffu + ((bits >> 16) & 1);  // to nearest, ties to even
    return (uint16_t)(bits >> 16);
}

uint32_t pack_bf16(float lo, float hi) { return to_bf16(lo) | ((uint32_t)to_bf16(hi) << 16); }

float bf16_value(float v) { return from_bf16(to_bf16(v)); }

// erf⁻¹ by Newton's method on erf from a first guess good to a few percent (CUDA's math library has
// erfinv; the host's libm has not).
double erfinv(double y) {
    if (y <= -1.0) return y == -1.0 ? -INFINITY : NAN;
    if (y >= 1.0) return y == 1.0 ? INFINITY : NAN;
    double w = -log((1.0 - y) * (1.0 + y));
    double x = copysign(sqrt(w + 0.5 * log(w + 1.0) - 0.4), y) * (w > 1e-8 ? 1.0 : 0.0);
    if (w < 1.0) x = y * 0.886226925452758;  // near 0: √π/2 · y
    for (int i = 0; i < 60; i++) {
        double step = (erf(x) - y) / (1.1283791670955126 * exp(-x * x));
        x -= step;
        if (fabs(step) <= 1e-17 * fabs(x)) break;
    }
    return x;
}

void launch(unsigned blocksX, unsigned blocksY, unsigned threadsX, unsigned threadsY,
            const std::function<void()>& kernel) {
    unsigned threads = threadsX * threadsY;
    blockDim = {threadsX, threadsY, 1};
    gridDim = {blocksX, blocksY, 1};
    for (unsigned by = 0; by < blocksY; by++) {
        for (unsigned bx = 0; bx < blocksX; bx++) {
            block_barrier = std::make_unique<std::barrier<>>(threads);
            warps.clear();
            for (unsigned i = 0; i < threads / 32; i++) warps.push_back(std::make_unique<Warp>());
            std::vector<std::thread> lanes;
            for (unsigned i = 0; i < threads; i++) {
                lanes.emplace_back([&, i] {
                    threadIdx = {i % threadsX, i / threadsX, 0};
                    blockIdx = {bx, by, 0};
                    kernel();
                    // an exited thread no longer counts at barriers, as on the GPU
                    block_barrier->arrive_and_drop();
                });
            }
            for (std::thread& lane : lanes) lane.join();
        }
    }
}
