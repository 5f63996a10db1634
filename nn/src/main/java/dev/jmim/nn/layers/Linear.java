package dev.jmim.nn.layers;

import dev.jmim.autograd.FusedOps;
import dev.jmim.nn.Init;
import dev.jmim.nn.Module;
import dev.jmim.nn.Parameter;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;

/** y = x·Wᵀ + b with W [out, in] (nn.Linear's layout and names: {@code weight}, {@code bias}). */
public final class Linear extends Module {
    private final Parameter weight;
    private final Parameter bias;

    /** With the given initial weight [out, in]; the bias, when present, starts at zero. */
    public Linear(Tensor weightInit, boolean bias) {
        this.weight = parameter("weight", weightInit);
        this.bias = bias ? parameter("bias", Tensor.zeros(weightInit.size(0))) : null;
    }

    /** The MAE convention: xavier-uniform weight, zero bias. */
    public static Linear xavier(Generator g, int in, int out, boolean bias) {
        return new Linear(Init.xavierUniform(g, out, in, out, in), bias);
    }

    public Tensor forward(Tensor x) {
        return FusedOps.linear(x, weight.value(), bias == null ? null : bias.value());
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }
}
