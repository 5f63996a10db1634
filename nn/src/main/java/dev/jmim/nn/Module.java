package dev.jmim.nn;

import dev.jmim.tensor.Device;
import dev.jmim.tensor.Shapes;
import dev.jmim.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of a model: named parameters, named buffers and named children, registered in the order
 * PyTorch would, so {@link #stateDict()} keys read exactly as timm's ({@code blocks.0.attn.qkv.weight}).
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Parameter> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    protected final Parameter parameter(String name, Tensor init) {
        return register(parameters, name, new Parameter(init, true));
    }

    /** A parameter saved in the state dict but never trained (MAE's fixed sin-cos pos_embed). */
    protected final Parameter frozenParameter(String name, Tensor init) {
        return register(parameters, name, new Parameter(init, false));
    }

    /** State that is not a parameter (BatchNorm's running statistics); updated in place through its value. */
    protected final Parameter buffer(String name, Tensor init) {
        return register(buffers, name, new Parameter(init, false));
    }

    protected final <M extends Module> M child(String name, M module) {
        register(children, name, module);
        return module;
    }

    private static <T> T register(Map<String, T> into, String name, T value) {
        if (into.containsKey(name)) {
            throw new IllegalArgumentException("module already has a member named '" + name + "'");
        }
        into.put(name, value);
        return value;
    }

    /** Every parameter with its dotted name, in registration order (own first, then children). */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, new LinkedHashMap<>());
        return out;
    }

    /** Every parameter and buffer by dotted name: what a PyTorch state dict holds. */
    public final Map<String, Tensor> stateDict() {
        Map<String, Parameter> params = new LinkedHashMap<>();
        Map<String, Parameter> bufs = new LinkedHashMap<>();
        collect("", params, bufs);
        Map<String, Tensor> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, v.value()));
        bufs.forEach((k, v) -> out.put(k, v.value()));
        return out;
    }

    /**
     * Moves every parameter and buffer of this module and below to a device (PyTorch's {@code
     * module.to(device)}); gradients are dropped. Do it before an optimizer first steps, as its state
     * is created beside each parameter.
     */
    public final Module to(Device device) {
        Map<String, Parameter> params = new LinkedHashMap<>();
        Map<String, Parameter> bufs = new LinkedHashMap<>();
        collect("", params, bufs);
        params.values().forEach(p -> p.moveTo(device));
        bufs.values().forEach(b -> b.moveTo(device));
        return this;
    }

    private void collect(String prefix, Map<String, Parameter> params, Map<String, Parameter> bufs) {
        parameters.forEach((k, v) -> params.put(prefix + k, v));
        buffers.forEach((k, v) -> bufs.put(prefix + k, v));
        children.forEach((k, v) -> v.collect(prefix + k + ".", params, bufs));
    }

    /**
     * Copies matching tensors of {@code state} into this module (converting dtype) and reports what
     * did not match. Strict loading refuses any missing key, unexpected key or shape mismatch, and
     * then changes nothing.
     */
    public final LoadReport loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor given = state.get(e.getKey());
            if (given == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(given.shape(), e.getValue().shape())) {
                mismatched.add(e.getKey() + ": checkpoint " + Shapes.format(given.shape()) + ", model "
                        + Shapes.format(e.getValue().shape()));
            }
        }
        List<String> unexpected =
                state.keySet().stream().filter(k -> !own.containsKey(k)).toList();
        LoadReport report = new LoadReport(missing, unexpected, mismatched);
        if (strict && !report.clean()) {
            throw new IllegalArgumentException("loadStateDict (strict): " + report
                    + "; nothing was loaded. Load with strict=false to take the matching keys.");
        }
        try (var _ = dev.jmim.autograd.Autograd.noGrad()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor given = state.get(e.getKey());
                if (given != null && Arrays.equals(given.shape(), e.getValue().shape())) {
                    e.getValue().copyFrom(given.to(e.getValue().device()));
                }
            }
        }
        return report;
    }

    /** Training mode (dropout, drop-path and batch statistics active), for this module and below. */
    public final Module train(boolean on) {
        training = on;
        children.values().forEach(c -> c.train(on));
        return this;
    }

    public final boolean isTraining() {
        return training;
    }

    public final void zeroGrad() {
        namedParameters().values().forEach(Parameter::zeroGrad);
    }

    public final long parameterCount() {
        return namedParameters().values().stream()
                .mapToLong(p -> p.value().numel())
                .sum();
    }
}
