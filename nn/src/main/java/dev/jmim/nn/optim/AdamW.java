package dev.jmim.nn.optim;

import dev.jmim.nn.Parameter;
import dev.jmim.tensor.Tensor;

/**
 * torch.optim.AdamW (decoupled weight decay), in PyTorch's order: p ← p·(1 − lr·wd); m ← β1·m +
 * (1 − β1)·g; v ← β2·v + (1 − β2)·g²; p ← p − lr/(1 − β1ᵗ) · m / (√v/√(1 − β2ᵗ) + ε). MAE uses β =
 * (0.9, 0.95), weight decay 0.05 with {@link ParamGroup#maeWeightDecay}.
 */
public final class AdamW extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;

    public AdamW(double beta1, double beta2, double eps, ParamGroup... groups) {
        super(groups);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    protected void update(String name, Parameter p, Tensor g, double lr, double weightDecay) {
        Tensor m = state(name, "exp_avg", p);
        Tensor v = state(name, "exp_avg_sq", p);
        Tensor value = p.value();
        if (weightDecay != 0) {
            value = value.mul(1 - lr * weightDecay);
        }
        m.copyFrom(m.mul(beta1).add(g.mul(1 - beta1)));
        v.copyFrom(v.mul(beta2).add(g.mul(g).mul(1 - beta2)));
        double correction1 = 1 - Math.pow(beta1, steps());
        double correction2 = 1 - Math.pow(beta2, steps());
        Tensor denom = v.sqrt().div(Math.sqrt(correction2)).add(eps);
        p.set(value.sub(m.div(denom).mul(lr / correction1)));
    }
}
