package dev.jmim.nn.layers;

import dev.jmim.nn.Module;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;

/** Pre-norm transformer block: x + drop_path(attn(norm1(x))), then x + drop_path(mlp(norm2(x))). */
public final class Block extends Module {
    private final LayerNorm norm1;
    private final Attention attn;
    private final LayerNorm norm2;
    private final Mlp mlp;
    private final DropPath dropPath;

    /** Drop-path draws come from g too, after the weights' initial values. */
    public Block(Generator g, int dim, int heads, double mlpRatio, boolean qkvBias, double eps, double dropPath) {
        this(g, dim, heads, mlpRatio, qkvBias, eps, dropPath, g);
    }

    /** Weights initialised from g; drop-path decisions drawn from dropPathRandom. */
    public Block(
            Generator g,
            int dim,
            int heads,
            double mlpRatio,
            boolean qkvBias,
            double eps,
            double dropPath,
            Generator dropPathRandom) {
        this.norm1 = child("norm1", new LayerNorm(dim, eps));
        this.attn = child("attn", new Attention(g, dim, heads, qkvBias));
        this.norm2 = child("norm2", new LayerNorm(dim, eps));
        this.mlp = child("mlp", new Mlp(g, dim, (int) (dim * mlpRatio)));
        this.dropPath = child("drop_path", new DropPath(dropPath, dropPathRandom));
    }

    public Tensor forward(Tensor x) {
        Tensor y = x.add(dropPath.forward(attn.forward(norm1.forward(x))));
        return y.add(dropPath.forward(mlp.forward(norm2.forward(y))));
    }
}
