// What the two attention modules share: where a head's rows start in a [B, H, N, Dh] F32 view.
#pragma once

struct Heads {
    const float* base;
    long long batch, head, row;  // strides in elements; Dh has unit stride
    __device__ __forceinline__ const float* at(int b, int h, int r) const {
        return base + b * batch + h * head + r * row;
    }
};
