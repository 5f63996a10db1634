package dev.jmim.nn.layers;

import dev.jmim.autograd.FusedOps;
import dev.jmim.nn.Module;
import dev.jmim.nn.Parameter;
import dev.jmim.tensor.Tensor;

/** nn.LayerNorm over the last dim: weight 1, bias 0; eps 1e-6 in every MAE-family config. */
public final class LayerNorm extends Module {
    private final int dim;
    private final double eps;
    private final Parameter weight;
    private final Parameter bias;

    public LayerNorm(int dim, double eps) {
        this.dim = dim;
        this.eps = eps;
        this.weight = parameter("weight", Tensor.ones(dim));
        this.bias = parameter("bias", Tensor.zeros(dim));
    }

    public Tensor forward(Tensor x) {
        return FusedOps.layerNorm(x, new int[] {dim}, weight.value(), bias.value(), eps);
    }
}
