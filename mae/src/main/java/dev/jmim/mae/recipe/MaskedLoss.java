package dev.jmim.mae.recipe;

import dev.jmim.tensor.Shapes;
import dev.jmim.tensor.Tensor;

/** MAE's loss: the per-patch mean squared error, averaged over the removed patches only. */
public final class MaskedLoss {
    private MaskedLoss() {}

    /** pred, target [N, L, K]; mask [N, L] with 1 where a patch was removed. */
    public static Tensor mse(Tensor pred, Tensor target, Tensor mask) {
        return perPatch(pred, target).mul(mask).sum().div(mask.sum());
    }

    /** Each image's loss [N]: its per-patch errors averaged over its own removed patches. */
    public static Tensor perImage(Tensor pred, Tensor target, Tensor mask) {
        return perPatch(pred, target).mul(mask).sum(1).div(mask.sum(1));
    }

    /** The mean squared error of each patch, [N, L]. */
    private static Tensor perPatch(Tensor pred, Tensor target) {
        if (!java.util.Arrays.equals(pred.shape(), target.shape())) {
            throw new IllegalArgumentException("masked loss: prediction " + Shapes.format(pred.shape()) + " and target "
                    + Shapes.format(target.shape()) + " differ in shape");
        }
        Tensor diff = pred.sub(target);
        return diff.mul(diff).mean(new int[] {-1}, false);
    }
}
