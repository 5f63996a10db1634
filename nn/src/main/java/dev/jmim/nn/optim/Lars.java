package dev.jmim.nn.optim;

import dev.jmim.nn.Parameter;
import dev.jmim.tensor.Tensor;

/**
 * LARS as MAE's linear probe uses it (MoCo v3's variant): for parameters with more than one dim,
 * g ← g + wd·p then g ← g·q with q = trust·‖p‖/‖g‖ (1 when either norm is 0); then for all
 * parameters μ ← momentum·μ + g and p ← p − lr·μ. Weight decay here comes from the constructor, as
 * MAE passes it, not from the groups.
 */
public final class Lars extends Optimizer {
    private final double momentum;
    private final double trustCoefficient;
    private final double weightDecay;

    public Lars(double momentum, double trustCoefficient, double weightDecay, ParamGroup... groups) {
        super(groups);
        this.momentum = momentum;
        this.trustCoefficient = trustCoefficient;
        this.weightDecay = weightDecay;
    }

    @Override
    protected void update(String name, Parameter p, Tensor g, double lr, double groupWeightDecay) {
        Tensor update = g;
        if (p.value().dim() > 1) {
            update = update.add(p.value().mul(weightDecay));
            double paramNorm = norm(p.value());
            double updateNorm = norm(update);
            double q = paramNorm > 0 && updateNorm > 0 ? trustCoefficient * paramNorm / updateNorm : 1;
            update = update.mul(q);
        }
        Tensor mu = state(name, "mu", p);
        mu.copyFrom(mu.mul(momentum).add(update));
        p.set(p.value().sub(mu.mul(lr)));
    }

    private static double norm(Tensor t) {
        return Math.sqrt(t.mul(t).sum().item());
    }
}
