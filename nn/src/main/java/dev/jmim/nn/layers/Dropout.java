package dev.jmim.nn.layers;

import dev.jmim.nn.Module;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;

/** Zeroes each element with probability p while training and scales the rest by 1/(1−p). */
public final class Dropout extends Module {
    private final double p;
    private final Generator generator;

    public Dropout(double p, Generator generator) {
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.generator = generator;
    }

    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        return dropAndScale(x, p, generator, x.shape());
    }

    /**
     * x times a keep mask of {@code maskShape} (each entry kept with probability 1 − p, broadcast
     * over x), scaled by 1/(1 − p) so the expectation is unchanged. Dropout masks elements, DropPath
     * samples.
     */
    static Tensor dropAndScale(Tensor x, double p, Generator generator, int[] maskShape) {
        Tensor keep = Tensor.rand(generator, maskShape).ge(Tensor.scalar(p)).to(x.dtype());
        return x.mul(keep).div(1 - p);
    }
}
