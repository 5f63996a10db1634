package dev.jmim.nn.layers;

import dev.jmim.autograd.Autograd;
import dev.jmim.nn.Module;
import dev.jmim.nn.Parameter;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Tensor;

/**
 * nn.BatchNorm1d over [N, D]: batch statistics while training (biased variance to normalise,
 * unbiased into the running variance, momentum 0.1), running statistics in eval. MAE's linear probe
 * uses it with affine=false, eps 1e-6. Buffers: running_mean, running_var, num_batches_tracked.
 */
public final class BatchNorm1d extends Module {
    private static final double MOMENTUM = 0.1;
    private final double eps;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private final Parameter batchesTracked;

    public BatchNorm1d(int dim, double eps, boolean affine) {
        this.eps = eps;
        this.weight = affine ? parameter("weight", Tensor.ones(dim)) : null;
        this.bias = affine ? parameter("bias", Tensor.zeros(dim)) : null;
        this.runningMean = buffer("running_mean", Tensor.zeros(dim));
        this.runningVar = buffer("running_var", Tensor.ones(dim));
        this.batchesTracked = buffer("num_batches_tracked", Tensor.zeros(DType.I64, dev.jmim.tensor.Device.CPU));
    }

    /** x [N, D] → [N, D]. */
    public Tensor forward(Tensor x) {
        Tensor mean;
        Tensor var;
        if (isTraining()) {
            if (x.size(0) < 2) {
                throw new IllegalArgumentException(
                        "batch norm: training needs more than 1 sample, got " + x.describe());
            }
            mean = x.mean(0);
            var = x.var(new int[] {0}, 0, false);
            try (var _ = Autograd.noGrad()) {
                int n = x.size(0);
                Tensor meanNow = runningMean.value();
                Tensor varNow = runningVar.value();
                meanNow.copyFrom(meanNow.mul(1 - MOMENTUM).add(mean.detach().mul(MOMENTUM)));
                varNow.copyFrom(varNow.mul(1 - MOMENTUM).add(var.detach().mul(MOMENTUM * n / (n - 1.0))));
                batchesTracked.value().copyFrom(batchesTracked.value().add(1));
            }
        } else {
            mean = runningMean.value();
            var = runningVar.value();
        }
        Tensor y = x.sub(mean).mul(var.add(eps).rsqrt());
        if (weight != null) {
            y = y.mul(weight.value()).add(bias.value());
        }
        return y;
    }
}
