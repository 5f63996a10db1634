package dev.jmim.nn.optim;

import dev.jmim.nn.Parameter;
import dev.jmim.tensor.AdamwStep;
import dev.jmim.tensor.Tensor;

/**
 * torch.optim.AdamW (decoupled weight decay), in PyTorch's order: p ← p·(1 − lr·wd); m ← β1·m +
 * (1 − β1)·g; v ← β2·v + (1 − β2)·g²; p ← p − lr/(1 − β1ᵗ) · m / (√v/√(1 − β2ᵗ) + ε). MAE uses β =
 * (0.9, 0.95), weight decay 0.05 with {@link ParamGroup#maeWeightDecay}. The update runs as one
 * fused kernel per parameter ({@link AdamwStep}).
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
        new AdamwStep(lr, beta1, beta2, eps, weightDecay, steps())
                .apply(p.value(), g, state(name, "exp_avg", p), state(name, "exp_avg_sq", p));
    }
}
