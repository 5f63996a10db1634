package dev.jmim.tensor;

/**
 * Ops built from primitives: mean, var, softmax, log_softmax, layer_norm, linear, concat and stack.
 * They get gradients from their primitives. Where no graph is recorded, softmax, log_softmax,
 * layer_norm and linear run the backend's fused kernel instead (one pass over memory instead of
 * five to eight, or the bias added as the GEMM stores: bench/NOTES.md); the composite stays their
 * definition and their tests' reference.
 */
final class Composites {

    private Composites() {}

    static Tensor mean(Tensor x, int[] dims, boolean keepdim) {
        return asFloat(x).sum(dims, keepdim).div((double) reducedCount(x, dims));
    }

    /** Variance with {@code correction} subtracted from the count: 0 biased, 1 unbiased (Bessel). */
    static Tensor var(Tensor x, int[] dims, int correction, boolean keepdim) {
        Tensor floats = asFloat(x);
        Tensor centered = floats.sub(floats.mean(dims, true));
        return centered.mul(centered).sum(dims, keepdim).div((double) (reducedCount(x, dims) - correction));
    }

    static Tensor softmax(Tensor x, int dim) {
        if (x.dtype().isFloating() && !Ops.wouldRecord(x)) {
            return Ops.fusedSoftmax(x, dim, false);
        }
        Tensor shifted = x.sub(x.max(new int[] {dim}, true));
        Tensor e = shifted.exp();
        return e.div(e.sum(new int[] {dim}, true));
    }

    static Tensor logSoftmax(Tensor x, int dim) {
        if (x.dtype().isFloating() && !Ops.wouldRecord(x)) {
            return Ops.fusedSoftmax(x, dim, true);
        }
        Tensor shifted = x.sub(x.max(new int[] {dim}, true));
        return shifted.sub(shifted.exp().sum(new int[] {dim}, true).log());
    }

    /** x·weightᵀ + bias over x's last dim: weight [out, in], bias [out] or null (PyTorch's F.linear). */
    static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (x.dim() == 0
                || weight.dim() != 2
                || weight.size(1) != x.size(-1)
                || (bias != null && (bias.dim() != 1 || bias.size(0) != weight.size(0)))) {
            throw new IllegalArgumentException("linear: input " + x.describe() + ", weight " + weight.describe()
                    + (bias == null ? "" : ", bias " + bias.describe())
                    + ": the weight must be [out, in] with in = " + (x.dim() == 0 ? "the input's last dim" : x.size(-1))
                    + " (the input's last dim), and the bias [out]");
        }
        boolean fusable = bias != null
                && x.numel() > 0 // reshape(-1, in) of an empty x is ambiguous; the composite handles it
                && x.dtype().isFloating()
                && weight.dtype() == x.dtype()
                && bias.dtype() == x.dtype()
                && weight.device().equals(x.device())
                && bias.device().equals(x.device())
                && !Ops.wouldRecord(x, weight, bias);
        if (fusable) {
            return Ops.fusedLinear(x, weight, bias);
        }
        Tensor y = x.matmul(weight.mT());
        return bias == null ? y : y.add(bias);
    }

    /**
     * PyTorch's layer_norm over the trailing {@code normalizedShape}: biased variance, eps inside
     * the square root; weight and bias may be null.
     */
    static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        int k = normalizedShape.length;
        if (k == 0 || k > x.dim()) {
            throw new IllegalArgumentException("layer_norm: normalized shape " + Shapes.format(normalizedShape)
                    + " does not fit input " + Shapes.format(x.shapeView()));
        }
        for (int i = 0; i < k; i++) {
            if (x.size(x.dim() - k + i) != normalizedShape[i]) {
                throw new IllegalArgumentException("layer_norm: input " + Shapes.format(x.shapeView())
                        + " does not end with the normalized shape " + Shapes.format(normalizedShape));
            }
        }
        checkAffine("weight", weight, normalizedShape);
        checkAffine("bias", bias, normalizedShape);
        int n = Math.toIntExact(Shapes.numel(normalizedShape));
        if (fusable(x, weight, bias) && n > 0) {
            return Ops.fusedLayerNorm(x, n, weight, bias, eps);
        }
        int[] dims = new int[k];
        for (int i = 0; i < k; i++) {
            dims[i] = x.dim() - k + i;
        }
        Tensor centered = x.sub(x.mean(dims, true));
        Tensor variance = centered.mul(centered).mean(dims, true);
        Tensor y = centered.mul(variance.add(eps).rsqrt());
        if (weight != null) {
            y = y.mul(weight);
        }
        if (bias != null) {
            y = y.add(bias);
        }
        return y;
    }

    static Tensor cat(java.util.List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("cat: needs at least one tensor");
        }
        Tensor first = tensors.getFirst();
        int d = Shapes.normalizeDim("cat", dim, first.dim());
        if (first.dim() == 0) {
            throw new IllegalArgumentException("cat: zero-dim tensors cannot be concatenated; use stack");
        }
        DType dtype = first.dtype();
        long total = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (t.dim() != first.dim() || !t.device().equals(first.device())) {
                throw new IllegalArgumentException("cat: tensor " + i + " " + t.describe() + " does not match tensor 0 "
                        + first.describe() + " in rank or device");
            }
            for (int j = 0; j < first.dim(); j++) {
                if (j != d && t.size(j) != first.size(j)) {
                    throw new IllegalArgumentException(
                            "cat: tensor " + i + " has shape " + Shapes.format(t.shapeView()) + " but tensor 0 has "
                                    + Shapes.format(first.shapeView()) + "; only dim " + d + " may differ");
                }
            }
            dtype = DType.promote(dtype, t.dtype());
            total += t.size(d);
        }
        int[] shape = first.shape();
        shape[d] = Math.toIntExact(total);
        Tensor out = Tensor.forOutput(dtype, first.device(), shape); // the pieces cover it
        int at = 0;
        for (Tensor t : tensors) {
            Ops.copyInto(out.detach().narrow(d, at, t.size(d)), t);
            at += t.size(d);
        }
        return Ops.recorded(new Primitive.Concat(d), out, tensors.toArray(Tensor[]::new));
    }

    static Tensor stack(java.util.List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("stack: needs at least one tensor");
        }
        int d = Shapes.normalizeDim("stack", dim, tensors.getFirst().dim() + 1);
        for (int i = 1; i < tensors.size(); i++) {
            if (!java.util.Arrays.equals(
                    tensors.get(i).shapeView(), tensors.getFirst().shapeView())) {
                throw new IllegalArgumentException("stack: tensor " + i + " has shape "
                        + Shapes.format(tensors.get(i).shapeView()) + " but tensor 0 has "
                        + Shapes.format(tensors.getFirst().shapeView()) + "; stack needs equal shapes");
            }
        }
        return cat(tensors.stream().map(t -> t.unsqueeze(d)).toList(), d);
    }

    /** The fused layer_norm applies: one float dtype throughout and no graph to record. */
    private static boolean fusable(Tensor x, Tensor weight, Tensor bias) {
        boolean sameType = x.dtype().isFloating()
                && (weight == null
                        || weight.dtype() == x.dtype() && weight.device().equals(x.device()))
                && (bias == null || bias.dtype() == x.dtype() && bias.device().equals(x.device()));
        return sameType
                && !Ops.wouldRecord(x)
                && (weight == null || !Ops.wouldRecord(weight))
                && (bias == null || !Ops.wouldRecord(bias));
    }

    private static void checkAffine(String name, Tensor t, int[] normalizedShape) {
        if (t != null && !java.util.Arrays.equals(t.shapeView(), normalizedShape)) {
            throw new IllegalArgumentException("layer_norm: " + name + " has shape " + Shapes.format(t.shapeView())
                    + " but the normalized shape is " + Shapes.format(normalizedShape));
        }
    }

    /** Integer tensors are averaged in F32. */
    private static Tensor asFloat(Tensor x) {
        return x.dtype().isFloating() ? x : x.to(DType.F32);
    }

    private static long reducedCount(Tensor x, int[] dims) {
        if (dims.length == 0) {
            return x.numel();
        }
        long count = 1;
        for (int dim : dims) {
            count *= x.dim() == 0 ? 1 : x.size(Shapes.normalizeDim("reduce", dim, x.dim()));
        }
        return count;
    }

    /** {@link Backend#layerNormBackward} from primitives, over the last dim. */
    static void layerNormBackward(
            Tensor x, Tensor weight, Tensor g, double eps, Tensor dx, Tensor dWeight, Tensor dBias) {
        try (Scope _ = Scope.open()) {
            int[] last = {-1};
            Tensor centered = x.sub(x.mean(last, true));
            Tensor r = centered.mul(centered).mean(last, true).add(eps).rsqrt();
            Tensor normalized = centered.mul(r);
            Tensor gHat = weight == null ? g : g.mul(weight);
            Tensor dxValue = r.mul(gHat.sub(gHat.mean(last, true))
                    .sub(normalized.mul(gHat.mul(normalized).mean(last, true))));
            Ops.copyInto(dx, dxValue);
            int[] leading = java.util.stream.IntStream.range(0, x.dim() - 1).toArray();
            Ops.copyInto(
                    dWeight,
                    leading.length == 0 ? g.mul(normalized) : g.mul(normalized).sum(leading));
            Ops.copyInto(dBias, leading.length == 0 ? g : g.sum(leading));
        }
    }
}
