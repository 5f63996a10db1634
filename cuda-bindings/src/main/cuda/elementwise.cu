// Elementwise kernels over strided views of one shape (the front end has broadcast them): unary and
// binary F32 arithmetic (GELU's backward among it), the same for every other dtype, comparisons into
// BOOL, where, casts between every dtype, and fill.
#include "jmim.cuh"

__device__ __forceinline__ float unary_value(int op, float v) {
    const float inv_sqrt2 = 0.70710678118654752f;
    const float inv_sqrt_2pi = 0.39894228040143268f;
    switch (op) {
        case NEG: return -v;
        case EXP: return expf(v);
        case LOG: return logf(v);
        case SQRT: return sqrtf(v);
        case RSQRT: return 1.0f / sqrtf(v);
        case RECIPROCAL: return 1.0f / v;
        case TANH: return tanhf(v);
        case SIGMOID: return 1.0f / (1.0f + expf(-v));
        case ERF: return erff(v);
        case ABS: return fabsf(v);
        case SIN: return sinf(v);
        case COS: return cosf(v);
        case GELU: return 0.5f * v * erfcf(-v * inv_sqrt2);
        default: return 0.5f * erfcf(-v * inv_sqrt2) + v * expf(-0.5f * v * v) * inv_sqrt_2pi;
    }
}

__device__ __forceinline__ float binary_value(int op, float x, float y) {
    switch (op) {
        case ADD: return x + y;
        case SUB: return x - y;
        case MUL: return x * y;
        case DIV: return x / y;
        // Java's Math.pow where C's differs: pow(x, NaN) is NaN even for x = 1, and pow(±1, ±∞) is NaN
        case POW: return y != y || (isinf(y) && fabsf(x) == 1.0f) ? NAN : powf(x, y);
        case MAXIMUM: return java_max(x, y);
        case MINIMUM: return java_min(x, y);
        default: return y * unary_value(GELU_DERIVATIVE, x);  // GELU_BACKWARD: gradient · gelu'(input)
    }
}

__device__ __forceinline__ bool compare_value(int op, double x, double y) {
    switch (op) {
        case EQ: return x == y;
        case NE: return x != y;
        case LT: return x < y;
        case LE: return x <= y;
        case GT: return x > y;
        default: return x >= y;
    }
}

// Dense operands, 16-byte aligned: four float4 loads issued per thread before any store (the loop is
// split into four coalesced quarters), so enough bytes are in flight to keep HBM busy; the rest one by one.
template <typename F>
__device__ __forceinline__ void dense_f32(long long n, F value, float* __restrict__ out, const float* __restrict__ a,
                                          const float* __restrict__ b) {
    const float4* a4 = reinterpret_cast<const float4*>(a);
    const float4* b4 = reinterpret_cast<const float4*>(b);
    float4* out4 = reinterpret_cast<float4*>(out);
    long long quarter = n / 16;
    for_each_index(quarter, [&](auto q) {
        float4 x[4], y[4];
#pragma unroll
        for (int u = 0; u < 4; u++) {
            x[u] = a4[q + u * quarter];
            y[u] = b ? b4[q + u * quarter] : x[u];
        }
#pragma unroll
        for (int u = 0; u < 4; u++) {
            out4[q + u * quarter] = make_float4(value(x[u].x, y[u].x), value(x[u].y, y[u].y), value(x[u].z, y[u].z),
                                                value(x[u].w, y[u].w));
        }
    });
    for_each_index(n - 16 * quarter, [&](auto t) {
        long long i = 16 * quarter + t;
        out[i] = value(a[i], b ? b[i] : a[i]);
    });
}

// Each path is a kernel of its own (the host picks), so the registers of one path never lower the
// occupancy of another.
extern "C" __global__ void unary_f32_dense(int op, long long n, const float* x, float* out) {
    dense_f32(n, [=](float v, float) { return unary_value(op, v); }, out, x, nullptr);
}

extern "C" __global__ void unary_f32(int op, long long n, const float* x, View xv, float* out, View ov) {
    for_each_index(n, [&](auto i) { out[offset_of(ov, i)] = unary_value(op, x[offset_of(xv, i)]); });
}

extern "C" __global__ void binary_f32_dense(int op, long long n, const float* a, const float* b, float* out) {
    dense_f32(n, [=](float x, float y) { return binary_value(op, x, y); }, out, a, b);
}

// a op b over rows of `cols` (a multiple of 4) with 16-byte aligned rows: float4 along the row for
// operands of column stride 1, one value broadcast along it for column stride 0 (bias add, scalar ops);
// one 32-bit division per four elements.
extern "C" __global__ void binary_f32_rows(int op, long long n, int cols, const float* a, long long ar, int ac,
                                           const float* b, long long br, int bc, float* out, long long orow) {
    auto value = [=](float x, float y) { return binary_value(op, x, y); };
    unsigned per_row = cols / 4;
    for_each_index(n / 4, [&](auto v) {
        auto q = v / (decltype(v))per_row;  // 32-bit division where the walk allows
        long long r = q;
        long long c = 4 * (long long)(v - q * per_row);
        float4 x = ac ? *reinterpret_cast<const float4*>(a + r * ar + c) : make_float4(a[r * ar], a[r * ar], a[r * ar], a[r * ar]);
        float4 y = bc ? *reinterpret_cast<const float4*>(b + r * br + c) : make_float4(b[r * br], b[r * br], b[r * br], b[r * br]);
        *reinterpret_cast<float4*>(out + r * orow + c) =
                make_float4(value(x.x, y.x), value(x.y, y.y), value(x.z, y.z), value(x.w, y.w));
    });
}

extern "C" __global__ void binary_f32(
        int op, long long n, const float* a, View av, const float* b, View bv, float* out, View ov) {
    for_each_index(n, [&](auto i) {
        out[offset_of(ov, i)] = binary_value(op, a[offset_of(av, i)], b[offset_of(bv, i)]);
    });
}

// Arithmetic for the dtypes without a kernel of their own (F64, BF16, F16 and the integers), as the naive
// CPU backend computes it: floats in double, stored as it rounds them (double → float → half); integers
// in 64-bit two's complement wrapping as Java's long does, stored as Java narrows them.
__device__ __forceinline__ double unary_double(int op, double v) {
    const double inv_sqrt2 = 0.70710678118654752, inv_sqrt_2pi = 0.39894228040143268;
    switch (op) {
        case NEG: return -v;
        case EXP: return exp(v);
        case LOG: return log(v);
        case SQRT: return sqrt(v);
        case RSQRT: return 1.0 / sqrt(v);
        case RECIPROCAL: return 1.0 / v;
        case TANH: return tanh(v);
        case SIGMOID: return 1.0 / (1.0 + exp(-v));
        case ERF: return erf(v);
        case ABS: return fabs(v);
        case SIN: return sin(v);
        case COS: return cos(v);
        case GELU: return 0.5 * v * erfc(-v * inv_sqrt2);
        default: return 0.5 * erfc(-v * inv_sqrt2) + v * exp(-0.5 * v * v) * inv_sqrt_2pi;
    }
}

__device__ __forceinline__ double binary_double(int op, double x, double y) {
    switch (op) {
        case ADD: return x + y;
        case SUB: return x - y;
        case MUL: return x * y;
        case DIV: return x / y;
        case POW: return y != y || (isinf(y) && fabs(x) == 1.0) ? NAN : pow(x, y);  // Java's Math.pow
        case MAXIMUM: return java_max(x, y);
        case MINIMUM: return java_min(x, y);
        default: return y * unary_double(GELU_DERIVATIVE, x);
    }
}

// NEG and ABS keep integer dtypes (the others reach a backend only as floats); DIV and GELU_BACKWARD
// likewise, so MINIMUM is the last case.
__device__ __forceinline__ long long unary_long(int op, long long v) {
    unsigned long long negated = 0ULL - (unsigned long long)v;  // wraps: -Long.MIN_VALUE is itself
    return op == NEG || v < 0 ? (long long)negated : v;
}

__device__ __forceinline__ long long binary_long(int op, long long x, long long y) {
    unsigned long long ux = (unsigned long long)x, uy = (unsigned long long)y;
    switch (op) {
        case ADD: return (long long)(ux + uy);
        case SUB: return (long long)(ux - uy);
        case MUL: return (long long)(ux * uy);
        case POW: return java_long(pow((double)x, (double)y));
        case MAXIMUM: return x > y ? x : y;
        default: return x < y ? x : y;
    }
}

extern "C" __global__ void unary_any(int op, int type, long long n, const void* x, View xv, int out_type, void* out,
                                     View ov) {
    for_each_index(n, [&](auto i) {
        long long xi = offset_of(xv, i), oi = offset_of(ov, i);
        if (is_integer(type)) {
            store_from_long(out, out_type, oi, unary_long(op, load_long(x, type, xi)));
        } else {
            store_double(out, out_type, oi, unary_double(op, load_double(x, type, xi)));
        }
    });
}

// Integer or float by a's dtype, as the naive backend decides.
extern "C" __global__ void binary_any(int op, long long n, int a_type, const void* a, View av, int b_type,
                                      const void* b, View bv, int out_type, void* out, View ov) {
    for_each_index(n, [&](auto i) {
        long long ai = offset_of(av, i), bi = offset_of(bv, i), oi = offset_of(ov, i);
        if (is_integer(a_type)) {
            store_from_long(out, out_type, oi, binary_long(op, load_long(a, a_type, ai), load_long(b, b_type, bi)));
        } else {
            store_double(out, out_type, oi, binary_double(op, load_double(a, a_type, ai), load_double(b, b_type, bi)));
        }
    });
}

// Comparisons of two operands of one dtype (any), written as BOOL; integers compare exactly.
extern "C" __global__ void compare(
        int op, int type, long long n, const void* a, View av, const void* b, View bv, uint8_t* out, View ov) {
    for_each_index(n, [&](auto i) {
        long long ai = offset_of(av, i), bi = offset_of(bv, i);
        bool r;
        if (is_integer(type)) {
            long long x = load_long(a, type, ai), y = load_long(b, type, bi);
            r = compare_value(op, (double)(x > y) - (double)(x < y), 0.0);
        } else {
            r = compare_value(op, load_double(a, type, ai), load_double(b, type, bi));
        }
        out[offset_of(ov, i)] = r;
    });
}

// out = cond ? a : b, for elements of any size (1, 2, 4 or 8 bytes), moved as raw bits.
template <typename T>
__device__ void where_bits(long long n, const uint8_t* cond, View cv, const T* a, View av, const T* b, View bv,
                           T* out, View ov) {
    for_each_index(n, [&](auto i) {
        out[offset_of(ov, i)] = cond[offset_of(cv, i)] ? a[offset_of(av, i)] : b[offset_of(bv, i)];
    });
}

extern "C" __global__ void where_any(int element_bytes, long long n, const uint8_t* cond, View cv, const void* a,
                                     View av, const void* b, View bv, void* out, View ov) {
    switch (element_bytes) {
        case 1: where_bits(n, cond, cv, (const uint8_t*)a, av, (const uint8_t*)b, bv, (uint8_t*)out, ov); break;
        case 2: where_bits(n, cond, cv, (const uint16_t*)a, av, (const uint16_t*)b, bv, (uint16_t*)out, ov); break;
        case 4: where_bits(n, cond, cv, (const uint32_t*)a, av, (const uint32_t*)b, bv, (uint32_t*)out, ov); break;
        default: where_bits(n, cond, cv, (const uint64_t*)a, av, (const uint64_t*)b, bv, (uint64_t*)out, ov); break;
    }
}

// out = x converted to out's dtype with Java's rules (integers stay exact between integer types). The
// common F32 → BF16 cast has a path of its own (the generic one converts through double).
extern "C" __global__ void cast(long long n, int from, const void* x, View xv, int to, void* out, View ov) {
    if (from == F32 && to == BF16) {
        const float* src = (const float*)x + xv.offset;
        __nv_bfloat16* dst = (__nv_bfloat16*)out + ov.offset;
        if (xv.dense && ov.dense && aligned16(src) && (((uintptr_t)dst) & 7) == 0) {
            long long vectors = n / 4;
            for_each_index(vectors, [&](auto v) {
                float4 f = reinterpret_cast<const float4*>(src)[v];
                __nv_bfloat162 lo = __floats2bfloat162_rn(f.x, f.y), hi = __floats2bfloat162_rn(f.z, f.w);
                reinterpret_cast<__nv_bfloat162*>(dst)[2 * v] = lo;
                reinterpret_cast<__nv_bfloat162*>(dst)[2 * v + 1] = hi;
            });
            for_each_index(n - 4 * vectors, [&](auto t) { dst[4 * vectors + t] = __float2bfloat16(src[4 * vectors + t]); });
            return;
        }
        for_each_index(n, [&](auto i) {
            ((__nv_bfloat16*)out)[offset_of(ov, i)] = __float2bfloat16(((const float*)x)[offset_of(xv, i)]);
        });
        return;
    }
    bool exact = is_integer(from) && is_integer(to);
    for_each_index(n, [&](auto i) {
        long long xi = offset_of(xv, i), oi = offset_of(ov, i);
        if (exact) {
            store_long(out, to, oi, load_long(x, from, xi));
        } else {
            store_double(out, to, oi, load_double(x, from, xi));
        }
    });
}

// out (rows × cols, dense) = the transpose of a dense cols × rows matrix of 4-byte elements, through
// 32×32 tiles in shared memory so that both the reads and the writes are coalesced.
extern "C" __global__ void transpose_4byte(int rows, int cols, const uint32_t* x, uint32_t* out) {
    __shared__ uint32_t tile[32][33];  // one column of padding: no bank conflicts
    int r0 = blockIdx.y * 32, c0 = blockIdx.x * 32;
    for (int i = threadIdx.y; i < 32; i += blockDim.y) {
        int c = c0 + i, r = r0 + threadIdx.x;
        if (c < cols && r < rows) tile[i][threadIdx.x] = x[(long long)c * rows + r];
    }
    __syncthreads();
    for (int i = threadIdx.y; i < 32; i += blockDim.y) {
        int r = r0 + i, c = c0 + threadIdx.x;
        if (r < rows && c < cols) out[(long long)r * cols + c] = tile[threadIdx.x][i];
    }
}

// Every element of the view set to value (as_long is value's Java (long) cast, used by integer dtypes).
extern "C" __global__ void fill(long long n, int type, double value, long long as_long, void* out, View ov) {
    for_each_index(n, [&](auto i) {
        long long oi = offset_of(ov, i);
        if (is_integer(type) && type != BOOL) {
            store_long(out, type, oi, as_long);
        } else {
            store_double(out, type, oi, value);
        }
    });
}
