package dev.jmim.nn.layers;

import dev.jmim.nn.Module;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;

/**
 * Stochastic depth (timm's drop_path): while training, drops the whole residual branch of a
 * sample with probability p and scales kept samples by 1/(1−p).
 */
public final class DropPath extends Module {
    private final double p;
    private final Generator generator;

    public DropPath(double p, Generator generator) {
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("drop-path probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.generator = generator;
    }

    /** x [N, …]: one keep/drop draw per sample along dim 0. */
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        int[] shape = new int[x.dim()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = x.size(0);
        return Dropout.dropAndScale(x, p, generator, shape);
    }
}
