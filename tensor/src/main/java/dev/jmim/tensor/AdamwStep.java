package dev.jmim.tensor;

/**
 * One AdamW update of a parameter, in place, as torch.optim.AdamW computes it (decoupled weight
 * decay): p ← p·(1 − lr·wd); m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; p ← p − lr/(1 − β1ᵗ) ·
 * m / (√v/√(1 − β2ᵗ) + ε). {@link #apply} runs the backend's fused kernel where it has one (one
 * pass over the four tensors instead of about fifteen) and {@link #composite} otherwise; both round
 * the same float operations in the same order, so their results are identical bit for bit.
 *
 * @param step the update's number t, counted from 1 (bias corrections 1 − βᵗ)
 */
public record AdamwStep(double lr, double beta1, double beta2, double eps, double weightDecay, long step) {

    public AdamwStep {
        if (step < 1) {
            throw new IllegalArgumentException("AdamW step number must be ≥ 1 (bias correction 1 − βᵗ), got " + step);
        }
    }

    /** Every scalar the update multiplies, divides or adds by, each rounded to float once. */
    public record Factors(
            float decay,
            float beta1,
            float oneMinusBeta1,
            float beta2,
            float oneMinusBeta2,
            float sqrtCorrection2,
            float eps,
            float stepSize) {}

    public Factors factors() {
        return new Factors(
                (float) (1 - lr * weightDecay),
                (float) beta1,
                (float) (1 - beta1),
                (float) beta2,
                (float) (1 - beta2),
                (float) Math.sqrt(1 - Math.pow(beta2, step)),
                (float) eps,
                (float) (lr / (1 - Math.pow(beta1, step))));
    }

    /**
     * Updates param, expAvg (m) and expAvgSq (v) in place from grad. param, m and v are contiguous
     * tensors of one shape, dtype and device; grad has their shape (any view).
     */
    public void apply(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq) {
        for (Tensor t : new Tensor[] {grad, expAvg, expAvgSq}) {
            if (!java.util.Arrays.equals(t.shapeView(), param.shapeView()) || t.device() != param.device()) {
                throw new IllegalArgumentException("AdamW: parameter " + Shapes.format(param.shapeView()) + " on "
                        + param.device() + " but a gradient or moment is " + Shapes.format(t.shapeView()) + " on "
                        + t.device() + "; each needs the parameter's shape and device");
            }
        }
        boolean fusable = param.dtype() == DType.F32
                && grad.dtype() == DType.F32
                && expAvg.dtype() == DType.F32
                && expAvgSq.dtype() == DType.F32
                && param.isContiguous()
                && expAvg.isContiguous()
                && expAvgSq.isContiguous();
        if (fusable) {
            Ops.backend(param).adamw(this, param, grad, expAvg, expAvgSq);
        } else {
            composite(param, grad, expAvg, expAvgSq);
        }
    }

    /** The update from primitives: the definition the fused kernels are tested against. */
    public void composite(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq) {
        try (Scope _ = Scope.open()) {
            Tensor value = weightDecay != 0 ? param.mul(1 - lr * weightDecay) : param;
            expAvg.copyFrom(expAvg.mul(beta1).add(grad.mul(1 - beta1)));
            expAvgSq.copyFrom(expAvgSq.mul(beta2).add(grad.mul(grad).mul(1 - beta2)));
            Tensor denom =
                    expAvgSq.sqrt().div(Math.sqrt(1 - Math.pow(beta2, step))).add(eps);
            param.copyFrom(value.sub(expAvg.div(denom).mul(lr / (1 - Math.pow(beta1, step)))));
        }
    }
}
