package dev.jmim.nn.optim;

import dev.jmim.autograd.Autograd;
import dev.jmim.nn.Parameter;
import dev.jmim.tensor.Tensor;
import java.util.Collection;

/** torch.nn.utils.clip_grad_norm_: scales every gradient by min(1, max/(‖g‖ + 1e-6)), ‖g‖ over all. */
public final class GradClip {
    private GradClip() {}

    /** Returns the total norm before clipping. */
    public static double clipGlobalNorm(Collection<Parameter> parameters, double maxNorm) {
        double squares = 0;
        try (var _ = Autograd.noGrad()) {
            for (Parameter p : parameters) {
                Tensor g = p.grad();
                if (g != null) {
                    squares += g.to(dev.jmim.tensor.DType.F64).pow(2).sum().item();
                }
            }
            double total = Math.sqrt(squares);
            double coefficient = maxNorm / (total + 1e-6);
            if (coefficient < 1) {
                for (Parameter p : parameters) {
                    Tensor g = p.grad();
                    if (g != null) {
                        g.copyFrom(g.mul(coefficient));
                    }
                }
            }
            return total;
        }
    }
}
