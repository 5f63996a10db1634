// Indexing kernels: gather, index_select and scatter_add along one dim. Indices are I64; an index out
// of range is not followed: its position is reported in *bad (the first one seen wins) for the host
// to turn into an error.
#include "jmim.cuh"

// Storage offset in `base` of the element at `coords` (of index's/out's walk), with dim replaced by k.
__device__ __forceinline__ long long offset_with(const View base, const View walk, long long i, int dim,
                                                 long long k) {
    long long at = base.offset;
#pragma unroll
    for (int d = JMIM_MAX_DIMS - 1; d >= 0; --d) {
        if (d < walk.rank) {
            long long s = walk.shape[d];
            long long q = i / s;
            long long c = i - q * s;
            at += (d == dim ? k : c) * base.strides[d];
            i = q;
        }
    }
    return at;
}

__device__ __forceinline__ long long coord(const View walk, long long i, int dim) {
    long long extent = 1;
#pragma unroll
    for (int d = JMIM_MAX_DIMS - 1; d >= 0; --d) {
        if (d < walk.rank && d > dim) i /= walk.shape[d];
        if (d == dim) extent = walk.shape[d];
    }
    return i % extent;
}

__device__ __forceinline__ void report(long long* bad, long long position) {
    atomicCAS((unsigned long long*)bad, (unsigned long long)-1LL, (unsigned long long)position);
}

template <typename T>
__device__ void gather_bits(int dim, int size, long long n, const T* x, View xv, const long long* index, View iv,
                            T* out, long long* bad) {
    for_each_index(n, [&](auto i) {
        long long k = index[offset_of(iv, i)];
        if (k < 0 || k >= size) {
            report(bad, i);
            return;
        }
        out[i] = x[offset_with(xv, iv, i, dim, k)];
    });
}

// out (contiguous, index's shape) = x[... index ...] along dim; size is x's extent along dim.
extern "C" __global__ void gather(int element_bytes, int dim, int size, long long n, const void* x, View xv,
                                  const long long* index, View iv, void* out, long long* bad) {
    switch (element_bytes) {
        case 1: gather_bits(dim, size, n, (const uint8_t*)x, xv, index, iv, (uint8_t*)out, bad); break;
        case 2: gather_bits(dim, size, n, (const uint16_t*)x, xv, index, iv, (uint16_t*)out, bad); break;
        case 4: gather_bits(dim, size, n, (const uint32_t*)x, xv, index, iv, (uint32_t*)out, bad); break;
        default: gather_bits(dim, size, n, (const uint64_t*)x, xv, index, iv, (uint64_t*)out, bad); break;
    }
}

template <typename T>
__device__ void index_select_bits(int dim, int size, long long n, const T* x, View xv, const long long* index,
                                  View ov, T* out, long long* bad) {
    for_each_index(n, [&](auto i) {
        long long c = coord(ov, i, dim);
        long long k = index[c];
        if (k < 0 || k >= size) {
            report(bad, c);
            return;
        }
        out[i] = x[offset_with(xv, ov, i, dim, k)];
    });
}

// out (contiguous) = slices of x along dim in the order of the contiguous 1-D index; ov is out's shape.
extern "C" __global__ void index_select(int element_bytes, int dim, int size, long long n, const void* x, View xv,
                                        const long long* index, View ov, void* out, long long* bad) {
    switch (element_bytes) {
        case 1: index_select_bits(dim, size, n, (const uint8_t*)x, xv, index, ov, (uint8_t*)out, bad); break;
        case 2: index_select_bits(dim, size, n, (const uint16_t*)x, xv, index, ov, (uint16_t*)out, bad); break;
        case 4: index_select_bits(dim, size, n, (const uint32_t*)x, xv, index, ov, (uint32_t*)out, bad); break;
        default: index_select_bits(dim, size, n, (const uint64_t*)x, xv, index, ov, (uint64_t*)out, bad); break;
    }
}

// out[... index ...] += src[...] along dim, F32, walking index's shape (src may be larger). Atomic adds:
// where two indices collide the order of the additions, and so the last bits, can vary between runs.
extern "C" __global__ void scatter_add_f32(int dim, int size, long long n, float* out, View ov,
                                           const long long* index, View iv, const float* src, View sv,
                                           long long* bad) {
    for_each_index(n, [&](auto i) {
        long long k = index[offset_of(iv, i)];
        if (k < 0 || k >= size) {
            report(bad, i);
            return;
        }
        atomicAdd(out + offset_with(ov, iv, i, dim, k), src[offset_with(sv, iv, i, -1, 0)]);
    });
}

// An order-preserving unsigned key of element `at`: -0 equals +0 and every NaN ties above all numbers,
// as the CPU backends compare.
__device__ __forceinline__ unsigned long long sort_key(const void* x, int type, long long at) {
    if (is_integer(type)) return (unsigned long long)load_long(x, type, at) ^ 0x8000000000000000ULL;
    double v = load_double(x, type, at);
    if (v != v) return ~0ULL;
    if (v == 0.0) v = 0.0;
    unsigned long long bits = (unsigned long long)__double_as_longlong(v);
    return (bits & 0x8000000000000000ULL) ? ~bits : bits | 0x8000000000000000ULL;
}

// Stable argsort of rows of n ≤ ARGSORT_MAX_ROW keys (x's view walks [rows, n] in row-major order), one
// block a row: each key's place is the count of keys before it in the order plus the equal keys at
// lower positions, so the result is the stable sort's, ties in index order in either direction.
#define ARGSORT_MAX_ROW 4096
extern "C" __global__ void argsort_rows(int type, int descending, int n, const void* x, View xv, long long* out) {
    __shared__ unsigned long long keys[ARGSORT_MAX_ROW];
    long long row = blockIdx.x;
    for (int i = threadIdx.x; i < n; i += blockDim.x) keys[i] = sort_key(x, type, offset_of(xv, row * n + i));
    __syncthreads();
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        unsigned long long key = keys[i];
        int place = 0;
        for (int j = 0; j < n; j++) {
            unsigned long long other = keys[j];
            place += (descending ? other > key : other < key) || (other == key && j < i);
        }
        out[row * n + place] = i;
    }
}
