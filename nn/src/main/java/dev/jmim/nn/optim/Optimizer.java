package dev.jmim.nn.optim;

import dev.jmim.nn.Parameter;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Updates parameters from their gradients. Per-parameter state (moments, momentum) lives outside
 * every scope and saves to, and loads from, a flat map of named tensors.
 */
public abstract class Optimizer {
    protected final ParamGroup[] groups;
    private final Map<String, Tensor> state = new LinkedHashMap<>();
    private long steps;

    protected Optimizer(ParamGroup... groups) {
        this.groups = groups;
    }

    /** One update of every parameter that has a gradient, at learning rate lr (× the group's scale). */
    public final void step(double lr) {
        steps++;
        try (var _ = dev.jmim.autograd.Autograd.noGrad();
                var _ = Scope.open()) {
            for (ParamGroup group : groups) {
                for (Map.Entry<String, Parameter> e : group.parameters().entrySet()) {
                    Tensor grad = e.getValue().grad();
                    if (grad != null) {
                        update(e.getKey(), e.getValue(), grad, lr * group.lrScale(), group.weightDecay());
                    }
                }
            }
        }
    }

    protected abstract void update(String name, Parameter p, Tensor grad, double lr, double weightDecay);

    public final long steps() {
        return steps;
    }

    public final void zeroGrad() {
        for (ParamGroup group : groups) {
            group.parameters().values().forEach(Parameter::zeroGrad);
        }
    }

    /** The state tensor {@code name.key}, created as zeros like p the first time. */
    protected final Tensor state(String name, String key, Parameter p) {
        return state.computeIfAbsent(
                name + "." + key,
                k -> Scope.outside(() -> Tensor.zeros(
                        p.value().dtype(), p.value().device(), p.value().shape())));
    }

    /** Everything needed to resume: the state tensors and the step count under "step". */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>(state);
        out.put("step", Tensor.of(new long[] {steps}));
        return out;
    }

    public final void loadStateDict(Map<String, Tensor> saved) {
        Tensor step = saved.get("step");
        if (step == null) {
            throw new IllegalArgumentException("optimizer state has no 'step' entry; keys: " + saved.keySet());
        }
        steps = step.toLongArray()[0];
        state.clear();
        Device device = groups.length == 0 || groups[0].parameters().isEmpty()
                ? Device.CPU
                : groups[0].parameters().values().iterator().next().value().device();
        saved.forEach((k, v) -> {
            if (!k.equals("step")) {
                state.put(k, Scope.outside(() -> v.to(device).clone())); // beside the parameters
            }
        });
    }
}
