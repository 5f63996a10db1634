package dev.jmim.autograd;

import dev.jmim.tensor.Backends;
import dev.jmim.tensor.FusedAttention;
import dev.jmim.tensor.Tensor;
import java.util.Optional;

/**
 * Softmax, layer_norm and linear as fused ops: the forward is the tensor module's composite, the
 * backward one closed-form rule instead of the chain of primitive rules (fewer saved tensors, fewer
 * passes). Each is checked against finite differences and against the primitive-derived gradient.
 * Attention runs a device's own kernel ({@link FusedAttention}) where there is one.
 */
public final class FusedOps {
    private FusedOps() {}

    /** softmax along dim; backward dx = y·(g − Σ g·y). */
    public static Tensor softmax(Tensor x, int dim) {
        return Autograd.apply(new Softmax(dim), x);
    }

    /**
     * softmax(q·scale·kᵀ)·v for q, k, v [B, H, N, Dh]: the device's flash-style kernel where its backend
     * offers one for this head size and dtype (one graph node, the scores never stored), else the
     * composite (q scaled first, as timm's unfused path: [B, H, N, Dh] costs less than [B, H, N, N]).
     */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, double scale) {
        Optional<FusedAttention> kernel = Backends.forDevice(q.device())
                .fusedAttention()
                .filter(f -> q.dim() == 4 && f.supports(q.size(3), q.dtype()));
        if (kernel.isPresent() && k.dtype() == q.dtype() && v.dtype() == q.dtype()) {
            return Autograd.apply(new Attention(kernel.get(), scale, false), q, k, v);
        }
        return softmax(q.mul(scale).matmul(k.mT()), -1).matmul(v);
    }

    /**
     * {@link #attention} of q, k and v packed as a fused qkv projection yields them: qkv is
     * [B, N, 3, H, Dh] (a reshape of the [B, N, 3·H·Dh] Linear output), the result [B, H, N, Dh].
     * With the device's kernel the backward writes dq, dk and dv straight into one contiguous
     * [B, N, 3, H, Dh] gradient ({@link FusedAttention.Forward#backwardInto}); three separate views
     * would each take a zero-filled gradient of the whole qkv, summed by two full-size adds and
     * copied once more to undo the permute.
     */
    public static Tensor attention(Tensor qkv, double scale) {
        if (qkv.dim() != 5 || qkv.size(2) != 3) {
            throw new IllegalArgumentException("attention: packed qkv must be [B, N, 3, H, Dh], got " + qkv.describe());
        }
        Optional<FusedAttention> kernel =
                Backends.forDevice(qkv.device()).fusedAttention().filter(f -> f.supports(qkv.size(4), qkv.dtype()));
        if (kernel.isPresent()) {
            return Autograd.apply(new Attention(kernel.get(), scale, true), qkv);
        }
        return attention(packed(qkv, 0), packed(qkv, 1), packed(qkv, 2), scale);
    }

    /** q (which 0), k (1) or v (2) of a packed [B, N, 3, H, Dh] qkv, as a [B, H, N, Dh] view. */
    private static Tensor packed(Tensor qkv, int which) {
        return qkv.select(2, which).transpose(1, 2);
    }

    /**
     * x·weightᵀ + bias (weight [out, in], bias [out] or null) as one node: the forward adds the bias
     * as the GEMM stores ({@link Tensor#linear}); the backward computes the weight's gradient gᵀ·x in
     * the weight's own [out, in] layout, not as (xᵀ·g)ᵀ copied back, and skips the gradient of an
     * input that takes none (a first layer's x). Operands of mixed dtypes or devices take the
     * composite path, whose promotions and checks are recorded as usual.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        boolean alike = weight.dtype() == x.dtype()
                && weight.device().equals(x.device())
                && (bias == null || bias.dtype() == x.dtype() && bias.device().equals(x.device()));
        if (!alike) {
            return x.linear(weight, bias);
        }
        return bias == null ? Autograd.apply(LINEAR, x, weight) : Autograd.apply(LINEAR, x, weight, bias);
    }

    private static final FusedOp LINEAR = new Linear();

    /** y = x·Wᵀ + b: dx = g·W, dW = gᵀ·x over all leading rows, db = Σ g over them. */
    private static final class Linear implements FusedOp {
        @Override
        public String name() {
            return "linear";
        }

        @Override
        public Tensor forward(Tensor... in) {
            return in[0].linear(in[1], in.length > 2 ? in[2] : null);
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor y, Tensor g) {
            Tensor x = in[0];
            Tensor weight = in[1];
            Tensor rows = g.reshape(-1, weight.size(0));
            Tensor[] grads = new Tensor[in.length];
            grads[0] = Tape.node(x) == null ? null : g.matmul(weight);
            grads[1] = Tape.node(weight) == null ? null : rows.mT().matmul(x.reshape(-1, weight.size(1)));
            if (in.length > 2 && Tape.node(in[2]) != null) {
                grads[2] = rows.sum(0);
            }
            return grads;
        }
    }

    /** layer_norm over the trailing normalizedShape; weight and bias may be null. */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        java.util.List<Tensor> inputs = new java.util.ArrayList<>(java.util.List.of(x));
        if (weight != null) {
            inputs.add(weight);
        }
        if (bias != null) {
            inputs.add(bias);
        }
        return Autograd.apply(
                new LayerNorm(normalizedShape.clone(), weight != null, bias != null, eps),
                inputs.toArray(Tensor[]::new));
    }

    /**
     * The device kernel's forward, kept by each op instance for its backward. Its inputs are q, k and
     * v, or one packed [B, N, 3, H, Dh] qkv whose gradient it assembles in the qkv's own layout.
     */
    private static final class Attention implements FusedOp {
        private final FusedAttention kernel;
        private final double scale;
        private final boolean packedQkv;
        private FusedAttention.Forward forward;

        Attention(FusedAttention kernel, double scale, boolean packedQkv) {
            this.kernel = kernel;
            this.scale = scale;
            this.packedQkv = packedQkv;
        }

        @Override
        public String name() {
            return "attention";
        }

        @Override
        public Tensor forward(Tensor... in) {
            forward = packedQkv
                    ? kernel.forward(packed(in[0], 0), packed(in[0], 1), packed(in[0], 2), scale)
                    : kernel.forward(in[0], in[1], in[2], scale);
            return forward.out();
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor out, Tensor g) {
            if (forward == null) {
                forward(in);
            }
            if (!packedQkv) {
                return forward.backward(g);
            }
            Tensor grad = Tensor.forOutput(in[0].dtype(), in[0].device(), in[0].shape()); // all three cover it
            forward.backwardInto(g, packed(grad, 0), packed(grad, 1), packed(grad, 2));
            return new Tensor[] {grad};
        }
    }

    private record Softmax(int dim) implements FusedOp {
        @Override
        public String name() {
            return "softmax";
        }

        @Override
        public Tensor forward(Tensor... in) {
            return in[0].softmax(dim);
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor y, Tensor g) {
            Tensor dot = g.mul(y).sum(new int[] {dim}, true);
            return new Tensor[] {y.mul(g.sub(dot))};
        }
    }

    /**
     * y = x̂·w + b with x̂ = (x − μ)·r, r = 1/√(σ² + eps) over the trailing dims (biased σ²). With
     * ĝ = g·w: dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)); dw = Σ g·x̂ and db = Σ g over the leading dims.
     */
    private record LayerNorm(int[] normalizedShape, boolean hasWeight, boolean hasBias, double eps) implements FusedOp {
        @Override
        public String name() {
            return "layer_norm";
        }

        @Override
        public Tensor forward(Tensor... in) {
            return in[0].layerNorm(normalizedShape, hasWeight ? in[1] : null, hasBias ? in[in.length - 1] : null, eps);
        }

        @Override
        public Tensor[] backward(Tensor[] in, Tensor y, Tensor g) {
            Tensor x = in[0];
            int n = 1;
            for (int s : normalizedShape) {
                n *= s;
            }
            // over rows of the n normalised elements: dx, Σ g·x̂ and Σ g in one sweep where the backend has it
            Tensor[] parts =
                    x.reshape(-1, n).layerNormBackward(hasWeight ? in[1].reshape(n) : null, g.reshape(-1, n), eps);
            Tensor[] grads = new Tensor[in.length];
            grads[0] = parts[0].view(x.shape());
            if (hasWeight) {
                grads[1] = parts[1].view(normalizedShape);
            }
            if (hasBias) {
                grads[in.length - 1] = parts[2].view(normalizedShape);
            }
            return grads;
        }
    }
}
