// What the two attention modules share: where a head's rows start in a [B, H, N, Dh] F32 view (unit
// stride along Dh): q, k, v and the output's gradient as the caller holds them (the strided views of a
// packed qkv, say), the output written in [B, N, H, Dh] order (merging the heads is then a view), and
// the gradients written into the caller's views (a packed qkv gradient).
#pragma once

template <typename T>
struct HeadsOf {
    T* base;
    long long batch, head, row;  // strides in elements
    __device__ __forceinline__ T* at(int b, int h, int r) const { return base + b * batch + h * head + r * row; }
};

using Heads = HeadsOf<const float>;
using OutHeads = HeadsOf<float>;
