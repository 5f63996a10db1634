package dev.jmim.autograd;

import dev.jmim.tensor.Tensor;

/**
 * Softmax and layer_norm as fused ops: the forward is the tensor module's composite, the backward
 * one closed-form rule instead of the chain of primitive rules (fewer saved tensors, fewer passes).
 * Both are checked against finite differences and against the primitive-derived gradient.
 */
public final class FusedOps {
    private FusedOps() {}

    /** softmax along dim; backward dx = y·(g − Σ g·y). */
    public static Tensor softmax(Tensor x, int dim) {
        return Autograd.apply(new Softmax(dim), x);
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
            int[] normDims = trailing(x.dim(), normalizedShape.length);
            int[] leadDims = java.util.stream.IntStream.range(0, x.dim() - normalizedShape.length)
                    .toArray();
            Tensor centered = x.sub(x.mean(normDims, true));
            Tensor r = centered.mul(centered).mean(normDims, true).add(eps).rsqrt();
            Tensor xHat = centered.mul(r);
            Tensor gHat = hasWeight ? g.mul(in[1]) : g;
            Tensor dx = r.mul(gHat.sub(gHat.mean(normDims, true))
                    .sub(xHat.mul(gHat.mul(xHat).mean(normDims, true))));
            Tensor[] grads = new Tensor[in.length];
            grads[0] = dx;
            if (hasWeight) {
                grads[1] = sumLeading(g.mul(xHat), leadDims);
            }
            if (hasBias) {
                grads[in.length - 1] = sumLeading(g, leadDims);
            }
            return grads;
        }

        private static Tensor sumLeading(Tensor t, int[] leadDims) {
            return leadDims.length == 0 ? t : t.sum(leadDims);
        }

        private static int[] trailing(int rank, int k) {
            return java.util.stream.IntStream.range(rank - k, rank).toArray();
        }
    }
}
