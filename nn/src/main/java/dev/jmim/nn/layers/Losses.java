package dev.jmim.nn.layers;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Shapes;
import dev.jmim.tensor.Tensor;

/** Losses as PyTorch and the MAE code compute them. */
public final class Losses {
    private Losses() {}

    /** mean((pred − target)²). */
    public static Tensor mse(Tensor pred, Tensor target) {
        Tensor d = pred.sub(target);
        return d.mul(d).mean();
    }

    /**
     * MAE's forward_loss: per-patch mean squared error over the last dim, averaged over the patches
     * where mask is 1 (the removed ones). pred, target [N, L, P]; mask [N, L].
     */
    public static Tensor maskedMeanMse(Tensor pred, Tensor target, Tensor mask) {
        Tensor d = pred.sub(target);
        Tensor perPatch = d.mul(d).mean(-1);
        Tensor m = mask.to(perPatch.dtype());
        return perPatch.mul(m).sum().div(m.sum());
    }

    /**
     * nn.CrossEntropyLoss with label smoothing ε: mean over samples of (1−ε)·(−log p[label]) +
     * ε·mean_k(−log p[k]). logits [N, K], labels [N] integer.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor labels, double labelSmoothing) {
        if (logits.dim() != 2 || labels.dim() != 1 || labels.size(0) != logits.size(0)) {
            throw new IllegalArgumentException("cross entropy: logits " + Shapes.format(logits.shape()) + " and labels "
                    + Shapes.format(labels.shape()) + " must be [N, K] and [N]");
        }
        Tensor logp = logits.logSoftmax(-1);
        Tensor nll =
                logp.gather(1, labels.to(DType.I64).unsqueeze(1)).squeeze(1).neg();
        if (labelSmoothing == 0) {
            return nll.mean();
        }
        Tensor uniform = logp.mean(-1).neg();
        return nll.mul(1 - labelSmoothing).add(uniform.mul(labelSmoothing)).mean();
    }
}
