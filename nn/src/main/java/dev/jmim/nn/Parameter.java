package dev.jmim.nn;

import dev.jmim.autograd.Autograd;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;

/**
 * A module's learnable (or frozen) tensor. Its value lives outside every {@link Scope}, so it
 * survives training steps; a trainable parameter is an autograd leaf whose gradient {@link #grad()}
 * returns after backward.
 */
public final class Parameter {
    private Tensor value;
    private final boolean trainable;

    /** Takes a dense copy of init, allocated outside any open scope. */
    public Parameter(Tensor init, boolean trainable) {
        Tensor copy = Scope.outside(() -> init.detach().clone());
        this.value = trainable ? Autograd.requiresGrad(copy) : copy;
        this.trainable = trainable;
    }

    /** The tensor to compute with (a leaf when trainable). */
    public Tensor value() {
        return value;
    }

    public boolean trainable() {
        return trainable;
    }

    /** The gradient accumulated by backward, or null. */
    public Tensor grad() {
        return Autograd.grad(value);
    }

    public void zeroGrad() {
        Autograd.zeroGrad(value);
    }

    /** Replaces the value by a copy on {@code device} (a new leaf there, without a gradient). */
    void moveTo(Device device) {
        if (value.device() != device) {
            Tensor moved = Scope.outside(() -> value.detach().to(device));
            value = trainable ? Autograd.requiresGrad(moved) : moved;
        }
    }

    /** Overwrites the value in place (no gradient is recorded), converting dtype. */
    public void set(Tensor newValue) {
        try (var _ = Autograd.noGrad()) {
            value.copyFrom(newValue);
        }
    }
}
