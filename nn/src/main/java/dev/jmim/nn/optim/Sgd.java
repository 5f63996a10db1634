package dev.jmim.nn.optim;

import dev.jmim.nn.Parameter;
import dev.jmim.tensor.Tensor;

/**
 * torch.optim.SGD with momentum (dampening 0): d ← g + wd·p; b ← momentum·b + d (b starts at 0, so
 * the first step gives b = d as in PyTorch); p ← p − lr·(nesterov ? d + momentum·b : b).
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final boolean nesterov;

    public Sgd(double momentum, boolean nesterov, ParamGroup... groups) {
        super(groups);
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(String name, Parameter p, Tensor g, double lr, double weightDecay) {
        Tensor d = weightDecay == 0 ? g : g.add(p.value().mul(weightDecay));
        Tensor step = d;
        if (momentum != 0) {
            Tensor buffer = state(name, "momentum_buffer", p);
            buffer.copyFrom(buffer.mul(momentum).add(d));
            step = nesterov ? d.add(buffer.mul(momentum)) : buffer;
        }
        p.set(p.value().sub(step.mul(lr)));
    }
}
