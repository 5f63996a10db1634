// Shared by jmim's kernels: the strided view every kernel takes, dtype codes, Java's conversions.
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <stdint.h>

#define JMIM_MAX_DIMS 8

// A tensor view as the Java side lays it out (CudaView.java): offsets and strides in elements.
// `dense` is 1 when element i of the row-major walk sits at offset + i.
struct View {
    long long offset;
    long long strides[JMIM_MAX_DIMS];
    int shape[JMIM_MAX_DIMS];
    int rank;
    int dense;
};

// dtype codes: the order of dev.jmim.tensor.DType.
enum DType { F64 = 0, F32 = 1, BF16 = 2, F16 = 3, I64 = 4, I32 = 5, U8 = 6, BOOL = 7 };

// Storage offset of element i of a row-major walk over the view's shape. I is the index type: 32-bit
// division is several times cheaper than 64-bit, so walks of fewer than 2^31 elements use unsigned.
template <typename I>
__device__ __forceinline__ long long offset_of(const View v, I i) {
    if (v.dense) return v.offset + (long long)i;
    if (v.rank == 1) return v.offset + (long long)i * v.strides[0];
    long long at = v.offset;
    // unrolled over every possible dim so shape and strides are read by constant index (no local copy)
#pragma unroll
    for (int d = JMIM_MAX_DIMS - 1; d >= 0; --d) {
        if (d < v.rank) {
            I s = (I)v.shape[d];
            I q = i / s;
            at += (long long)(i - q * s) * v.strides[d];
            i = q;
        }
    }
    return at;
}

// Calls body(i) for i in [0, n) over a grid-stride loop, with a 32-bit index where n allows.
template <typename F>
__device__ __forceinline__ void for_each_index(long long n, F body) {
    if (n <= 0x7fffffffLL) {
        unsigned stride = gridDim.x * blockDim.x;
        for (unsigned i = blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned)n; i += stride) body(i);
    } else {
        long long stride = (long long)gridDim.x * blockDim.x;
        for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) body(i);
    }
}

// Whether every pointer is 16-byte aligned, for float4 loads and stores.
__device__ __forceinline__ bool aligned16(const void* a, const void* b = nullptr, const void* c = nullptr) {
    return ((((uintptr_t)a) | ((uintptr_t)b) | ((uintptr_t)c)) & 15) == 0;
}

// Combines one value per lane across a warp; the shuffle tree is fixed, so the result never varies.
template <typename F>
__device__ __forceinline__ double warp_combine(double v, F combine) {
    for (int o = 16; o > 0; o /= 2) v = combine(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

__device__ __forceinline__ double load_double(const void* base, int type, long long at) {
    switch (type) {
        case F64: return ((const double*)base)[at];
        case F32: return ((const float*)base)[at];
        case BF16: return __bfloat162float(((const __nv_bfloat16*)base)[at]);
        case F16: return __half2float(((const __half*)base)[at]);
        case I64: return (double)((const long long*)base)[at];
        case I32: return ((const int*)base)[at];
        case U8: return ((const uint8_t*)base)[at];
        default: return ((const uint8_t*)base)[at] != 0 ? 1.0 : 0.0;
    }
}

__device__ __forceinline__ long long load_long(const void* base, int type, long long at) {
    switch (type) {
        case I64: return ((const long long*)base)[at];
        case I32: return ((const int*)base)[at];
        case U8: return ((const uint8_t*)base)[at];
        case BOOL: return ((const uint8_t*)base)[at] != 0;
        default: {
            // Java's (long) cast: NaN is 0, out-of-range values saturate.
            double v = load_double(base, type, at);
            if (v != v) return 0;
            if (v >= 9.2233720368547758e18) return 0x7fffffffffffffffLL;
            if (v <= -9.2233720368547758e18) return (long long)0x8000000000000000ULL;
            return (long long)v;
        }
    }
}

__device__ __forceinline__ bool is_integer(int type) {
    return type == I64 || type == I32 || type == U8 || type == BOOL;
}

__device__ __forceinline__ void store_long(void* base, int type, long long at, long long v) {
    switch (type) {
        case I64: ((long long*)base)[at] = v; break;
        case I32: ((int*)base)[at] = (int)v; break;  // Java's (int) of a long: the low 32 bits
        case U8: ((uint8_t*)base)[at] = (uint8_t)v; break;
        case BOOL: ((uint8_t*)base)[at] = v != 0; break;
        default: break;
    }
}

__device__ __forceinline__ long long java_long(double v) {
    if (v != v) return 0;
    if (v >= 9.2233720368547758e18) return 0x7fffffffffffffffLL;
    if (v <= -9.2233720368547758e18) return (long long)0x8000000000000000ULL;
    return (long long)v;
}

__device__ __forceinline__ void store_double(void* base, int type, long long at, double v) {
    switch (type) {
        case F64: ((double*)base)[at] = v; break;
        case F32: ((float*)base)[at] = (float)v; break;
        // through float, as the CPU backends round (double → float → half)
        case BF16: ((__nv_bfloat16*)base)[at] = __float2bfloat16((float)v); break;
        case F16: ((__half*)base)[at] = __float2half((float)v); break;
        case BOOL: ((uint8_t*)base)[at] = v != 0; break;
        default: store_long(base, type, at, java_long(v)); break;
    }
}

// A long into an element of any dtype, as the naive backend's putLong.
__device__ __forceinline__ void store_from_long(void* base, int type, long long at, long long v) {
    if (is_integer(type)) {
        store_long(base, type, at, v);
    } else {
        store_double(base, type, at, (double)v);
    }
}

// Java's Math.max/min on floats: NaN wins, and -0 < +0.
__device__ __forceinline__ float java_max(float a, float b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == 0.0f && b == 0.0f) return signbit(a) ? b : a;
    return a > b ? a : b;
}

__device__ __forceinline__ float java_min(float a, float b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == 0.0f && b == 0.0f) return signbit(a) ? a : b;
    return a < b ? a : b;
}

__device__ __forceinline__ double java_max(double a, double b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == 0.0 && b == 0.0) return signbit(a) ? b : a;
    return a > b ? a : b;
}

__device__ __forceinline__ double java_min(double a, double b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == 0.0 && b == 0.0) return signbit(a) ? a : b;
    return a < b ? a : b;
}

// Op codes: the declaration order of dev.jmim.tensor.UnaryOp, BinaryOp and ReduceOp (a test reads
// these three enums and compares them with the Java ones).
enum Unary { NEG, EXP, LOG, SQRT, RSQRT, RECIPROCAL, TANH, SIGMOID, ERF, ABS, SIN, COS, GELU, GELU_DERIVATIVE };
enum Binary { ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, GELU_BACKWARD, EQ, NE, LT, LE, GT, GE };
enum Reduce { SUM, MAX, MIN };
