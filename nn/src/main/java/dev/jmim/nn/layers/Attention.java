package dev.jmim.nn.layers;

import dev.jmim.autograd.FusedOps;
import dev.jmim.nn.Module;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;

/**
 * timm's multi-head self-attention: one fused qkv Linear (with bias), split as [3, heads, head_dim]
 * in that order, softmax(q·kᵀ·head_dim^−½)·v, then proj.
 */
public final class Attention extends Module {
    private final int heads;
    private final Linear qkv;
    private final Linear proj;

    public Attention(Generator g, int dim, int heads, boolean qkvBias) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException("attention: dim " + dim + " is not divisible by " + heads + " heads");
        }
        this.heads = heads;
        this.qkv = child("qkv", Linear.xavier(g, dim, 3 * dim, qkvBias));
        this.proj = child("proj", Linear.xavier(g, dim, dim, true));
    }

    /** x [B, N, C] → [B, N, C]. */
    public Tensor forward(Tensor x) {
        int b = x.size(0);
        int n = x.size(1);
        int c = x.size(2);
        int headDim = c / heads;
        Tensor packed = qkv.forward(x).reshape(b, n, 3, heads, headDim);
        Tensor attended = FusedOps.attention(packed, Math.pow(headDim, -0.5)); // [B, H, N, Dh]
        return proj.forward(attended.transpose(1, 2).reshape(b, n, c));
    }
}
