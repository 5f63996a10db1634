package dev.jmim.tensor;

import dev.jmim.tensor.random.Distribution;
import dev.jmim.tensor.random.Generator;
import dev.jmim.tensor.random.PhiloxState;
import java.util.Arrays;

/**
 * The dispatch point of every primitive: checks the operands, promotes dtypes, broadcasts, allocates
 * the output and hands the loop to the device's {@link Backend}. {@link Tensor} methods and {@link
 * Composites} reach backends only through here.
 */
final class Ops {
    private static volatile OpRecorder recorder;

    private Ops() {}

    static void install(OpRecorder r) {
        recorder = r;
    }

    /** Tells the recorder, if one is installed, how out was made; returns out. */
    static Tensor recorded(Primitive op, Tensor out, Tensor... inputs) {
        OpRecorder r = recorder;
        if (r != null) {
            r.record(op, out, inputs);
        }
        return out;
    }

    static boolean wouldRecord(Tensor... tensors) {
        OpRecorder r = recorder;
        return r != null && r.wouldRecord(tensors);
    }

    static Tensor unary(UnaryOp op, Tensor x) {
        String name = op.name().toLowerCase(java.util.Locale.ROOT);
        live(name, x);
        if (x.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(name + ": not defined for BOOL tensors; cast first with .to(DType.F32)");
        }
        Tensor in = op.keepsIntegers() || x.dtype().isFloating() ? x : cast(x, DType.F32);
        Tensor out = Tensor.forOutput(in.dtype(), in.device(), in.shapeView());
        backend(in).unary(op, in, out);
        return recorded(new Primitive.Unary(op), out, in);
    }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        String name = op.name().toLowerCase(java.util.Locale.ROOT);
        live(name, a, b);
        sameDevice(name, a, b);
        int[] shape = Shapes.broadcast(name, a.shapeView(), b.shapeView());
        DType compute = DType.promote(a.dtype(), b.dtype());
        if ((op == BinaryOp.DIV || op == BinaryOp.GELU_BACKWARD) && !compute.isFloating()) {
            compute = DType.F32;
        }
        Tensor left = cast(a, compute).expand(shape);
        Tensor right = cast(b, compute).expand(shape);
        Tensor out = Tensor.forOutput(op.isComparison() ? DType.BOOL : compute, a.device(), shape);
        backend(a).binary(op, left, right, out);
        return recorded(new Primitive.Binary(op), out, left, right);
    }

    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        live("where", cond, a, b);
        sameDevice("where", cond, a);
        sameDevice("where", a, b);
        int[] shape =
                Shapes.broadcast("where", Shapes.broadcast("where", cond.shapeView(), a.shapeView()), b.shapeView());
        DType dtype = DType.promote(a.dtype(), b.dtype());
        Tensor out = Tensor.forOutput(dtype, a.device(), shape);
        Tensor c = cast(cond, DType.BOOL).expand(shape);
        Tensor left = cast(a, dtype).expand(shape);
        Tensor right = cast(b, dtype).expand(shape);
        backend(a).where(c, left, right, out);
        return recorded(new Primitive.Where(), out, c, left, right);
    }

    static Tensor reduce(ReduceOp op, Tensor x, int[] dims, boolean keepdim) {
        String name = op.name().toLowerCase(java.util.Locale.ROOT);
        live(name, x);
        boolean[] reduced = reducedDims(name, x, dims);
        int[] kept = x.shape();
        for (int d = 0; d < kept.length; d++) {
            if (reduced[d]) {
                if (op != ReduceOp.SUM && kept[d] == 0) {
                    throw new IllegalArgumentException(
                            name + ": cannot reduce dim " + d + " of size 0 in a tensor of shape "
                                    + Shapes.format(x.shapeView()) + " (no identity for " + name + ")");
                }
                kept[d] = 1;
            }
        }
        DType dtype = op == ReduceOp.SUM && !x.dtype().isFloating() ? DType.I64 : x.dtype();
        Tensor out = Tensor.forOutput(dtype, x.device(), kept);
        backend(x).reduce(op, x, reduced, out);
        recorded(new Primitive.Reduce(op, reduced), out, x);
        return keepdim ? out : out.view(dropReduced(kept, reduced));
    }

    static Tensor argmax(Tensor x, int dim, boolean keepdim) {
        live("argmax", x);
        int d = Shapes.normalizeDim("argmax", dim, x.dim());
        if (x.dim() > 0 && x.size(d) == 0) {
            throw new IllegalArgumentException(
                    "argmax: dim " + d + " of shape " + Shapes.format(x.shapeView()) + " is empty");
        }
        int[] kept = x.shape();
        if (kept.length > 0) {
            kept[d] = 1;
        }
        Tensor out = Tensor.forOutput(DType.I64, x.device(), kept);
        backend(x).argmax(x, d, out);
        return keepdim || x.dim() == 0 ? out : out.squeeze(d);
    }

    static Tensor matmul(Tensor a, Tensor b) {
        live("matmul", a, b);
        sameDevice("matmul", a, b);
        if (a.dim() == 0 || b.dim() == 0) {
            throw new IllegalArgumentException("matmul: " + Shapes.format(a.shapeView()) + " @ "
                    + Shapes.format(b.shapeView()) + ": both operands need at least 1 dim (use mul for scalars)");
        }
        Tensor left = a.dim() == 1 ? a.unsqueeze(0) : a;
        Tensor right = b.dim() == 1 ? b.unsqueeze(1) : b;
        int m = left.size(-2);
        int k = left.size(-1);
        int n = right.size(-1);
        if (right.size(-2) != k) {
            throw new IllegalArgumentException("matmul: " + Shapes.format(a.shapeView()) + " @ "
                    + Shapes.format(b.shapeView()) + ": inner dims " + k + " ≠ " + right.size(-2));
        }
        int[] batch = Shapes.broadcast(
                "matmul",
                Arrays.copyOf(left.shapeView(), left.dim() - 2),
                Arrays.copyOf(right.shapeView(), right.dim() - 2));
        DType dtype = DType.promote(a.dtype(), b.dtype());
        if (left.dim() > 2 && Shapes.numel(Arrays.copyOf(right.shapeView(), right.dim() - 2)) == 1) {
            // One matrix for the whole batch (a Linear layer): fold the batch into A's rows, so B is
            // packed once and B's gradient is one GEMM over all rows instead of a product per batch
            // element summed afterwards.
            Tensor rows =
                    matmul(cast(left, dtype).reshape(-1, k), cast(right, dtype).reshape(k, n));
            Tensor out = rows.reshape(concat(batch, m, n));
            return b.dim() == 1 ? out.squeeze(-1) : out;
        }
        Tensor l = cast(left, dtype).expand(concat(batch, m, k));
        Tensor r = cast(right, dtype).expand(concat(batch, k, n));
        Tensor out = Tensor.forOutput(dtype, a.device(), concat(batch, m, n)); // k = 0 writes zeros
        backend(a).matmul(l, r, out);
        recorded(new Primitive.MatMul(), out, l, r);
        if (a.dim() == 1) {
            out = out.squeeze(-2);
        }
        if (b.dim() == 1) {
            out = out.squeeze(-1);
        }
        return out;
    }

    static Tensor gather(Tensor x, int dim, Tensor index) {
        live("gather", x, index);
        sameDevice("gather", x, index);
        int d = Shapes.normalizeDim("gather", dim, x.dim());
        checkIndex("gather", index);
        if (index.dim() != x.dim()) {
            throw new IllegalArgumentException("gather: index rank " + index.dim() + " must equal input rank " + x.dim()
                    + " (input " + Shapes.format(x.shapeView()) + ", index " + Shapes.format(index.shapeView()) + ")");
        }
        for (int i = 0; i < x.dim(); i++) {
            if (i != d && index.size(i) > x.size(i)) {
                throw new IllegalArgumentException(
                        "gather: index " + Shapes.format(index.shapeView()) + " is larger than input "
                                + Shapes.format(x.shapeView()) + " in dim " + i + " (only dim " + d + " may differ)");
            }
        }
        Tensor out = Tensor.forOutput(x.dtype(), x.device(), index.shapeView());
        backend(x).gather(x, d, index, out);
        return recorded(new Primitive.Gather(d), out, x, index);
    }

    static Tensor scatterAdd(Tensor self, int dim, Tensor index, Tensor src) {
        live("scatter_add", self, index, src);
        sameDevice("scatter_add", self, index);
        sameDevice("scatter_add", self, src);
        int d = Shapes.normalizeDim("scatter_add", dim, self.dim());
        checkIndex("scatter_add", index);
        if (index.dim() != self.dim() || src.dim() != self.dim()) {
            throw new IllegalArgumentException("scatter_add: self " + Shapes.format(self.shapeView()) + ", index "
                    + Shapes.format(index.shapeView()) + " and src " + Shapes.format(src.shapeView())
                    + " need the same rank");
        }
        for (int i = 0; i < self.dim(); i++) {
            if (index.size(i) > src.size(i) || (i != d && index.size(i) > self.size(i))) {
                throw new IllegalArgumentException("scatter_add: index " + Shapes.format(index.shapeView())
                        + " must be no larger than src " + Shapes.format(src.shapeView())
                        + " in every dim and than self "
                        + Shapes.format(self.shapeView()) + " in every dim but " + d + " (dim " + i + ")");
            }
        }
        Tensor out = Tensor.forOutput(self.dtype(), self.device(), self.shapeView());
        backend(self).copy(self, out);
        Tensor addend = cast(src, self.dtype());
        backend(self).scatterAdd(out, d, index, addend);
        return recorded(new Primitive.ScatterAdd(d), out, self, index, addend);
    }

    static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        live("index_select", x, index);
        sameDevice("index_select", x, index);
        int d = Shapes.normalizeDim("index_select", dim, x.dim());
        checkIndex("index_select", index);
        if (index.dim() > 1) {
            throw new IllegalArgumentException(
                    "index_select: index must be 1-D, got shape " + Shapes.format(index.shapeView()));
        }
        int[] shape = x.shape();
        if (shape.length > 0) {
            shape[d] = (int) index.numel();
        }
        Tensor out = Tensor.forOutput(x.dtype(), x.device(), shape);
        Tensor flat = index.reshape(-1);
        backend(x).indexSelect(x, d, flat, out);
        return recorded(new Primitive.IndexSelect(d), out, x, flat);
    }

    static Tensor argsort(Tensor x, int dim, boolean descending) {
        live("argsort", x);
        if (x.dim() == 0) {
            return Tensor.zeros(DType.I64, x.device());
        }
        int d = Shapes.normalizeDim("argsort", dim, x.dim());
        Tensor lastDim = x.transpose(d, -1);
        Tensor out = Tensor.forOutput(DType.I64, x.device(), lastDim.shapeView());
        backend(x).argsort(lastDim, descending, out);
        return out.transpose(d, -1).contiguous();
    }

    /**
     * Softmax (or log-softmax) along dim by the backend's fused kernel; callers use it only where
     * nothing is recorded (the gradient graph needs the composite's primitives).
     */
    static Tensor fusedSoftmax(Tensor x, int dim, boolean log) {
        live("softmax", x);
        int last = Math.max(x.dim() - 1, 0);
        int d = x.dim() == 0 ? 0 : Shapes.normalizeDim("softmax", dim, x.dim());
        Tensor rows = (d == last ? x : x.transpose(d, last)).contiguous();
        Tensor out = Tensor.forOutput(rows.dtype(), rows.device(), rows.shapeView());
        backend(x).softmax(rows, log, out);
        return d == last ? out : out.transpose(d, last);
    }

    /** x·weightᵀ + bias, x's leading dims folded into the GEMM's rows, by the backend's addmm (unrecorded). */
    static Tensor fusedLinear(Tensor x, Tensor weight, Tensor bias) {
        live("linear", x, weight, bias);
        int in = weight.size(1);
        int outFeatures = weight.size(0);
        Tensor rows = x.reshape(-1, in);
        Tensor out = Tensor.forOutput(x.dtype(), x.device(), rows.size(0), outFeatures);
        backend(x).addmm(bias.contiguous(), rows, weight.mT(), out);
        int[] shape = x.shape();
        shape[shape.length - 1] = outFeatures;
        return out.view(shape);
    }

    /** layer_norm over the trailing n elements by the backend's fused kernel (unrecorded, as above). */
    static Tensor fusedLayerNorm(Tensor x, int n, Tensor weight, Tensor bias, double eps) {
        live("layer_norm", x);
        Tensor rows = x.contiguous().view(Math.toIntExact(x.numel() / n), n);
        Tensor w = weight == null ? null : weight.contiguous().view(n);
        Tensor b = bias == null ? null : bias.contiguous().view(n);
        Tensor out = Tensor.forOutput(x.dtype(), x.device(), rows.shapeView());
        backend(x).layerNorm(rows, w, b, eps, out);
        return out.view(x.shapeView());
    }

    static Tensor[] layerNormBackward(Tensor x, Tensor weight, Tensor g, double eps) {
        live("layer_norm_backward", x, g);
        sameDevice("layer_norm_backward", x, g);
        if (x.dim() == 0) {
            throw new IllegalArgumentException("layer_norm_backward: x is a scalar; it needs a last dim to normalise"
                    + " over (reshape it to [1])");
        }
        int n = x.size(-1);
        if (!java.util.Arrays.equals(x.shapeView(), g.shapeView())
                || (weight != null && (weight.numel() != n || weight.device() != x.device()))) {
            throw new IllegalArgumentException("layer_norm_backward: x " + Shapes.format(x.shapeView()) + ", gradient "
                    + Shapes.format(g.shapeView()) + (weight == null ? "" : ", weight " + weight.describe())
                    + ": the gradient needs x's shape and the weight " + n + " elements on x's device");
        }
        DType dtype = DType.promote(x.dtype(), g.dtype());
        Tensor xs = cast(x, dtype).contiguous();
        Tensor gs = cast(g, dtype).contiguous();
        Tensor w = weight == null ? null : cast(weight, dtype).contiguous().view(n);
        Tensor dx = Tensor.forOutput(dtype, x.device(), x.shapeView());
        Tensor dWeight = Tensor.zeros(dtype, x.device(), n); // stays zero when there are no rows
        Tensor dBias = Tensor.zeros(dtype, x.device(), n);
        if (x.numel() > 0) {
            backend(x).layerNormBackward(xs, w, gs, eps, dx, dWeight, dBias);
        }
        return new Tensor[] {dx, dWeight, dBias};
    }

    static Tensor fft2(Tensor x, boolean inverse) {
        String op = inverse ? "ifft2" : "fft2";
        live(op, x);
        if (x.dim() < 3 || x.size(-1) != 2 || !x.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": expects complex numbers as (real, imaginary) pairs, a float"
                    + " tensor [..., H, W, 2]; got " + x.dtype() + " " + Shapes.format(x.shapeView())
                    + (x.dim() >= 2 && x.size(-1) != 2 ? "; a real image converts with toComplex()" : ""));
        }
        Tensor pairs = cast(x, x.dtype() == DType.F64 ? DType.F64 : DType.F32).contiguous();
        Tensor out = Tensor.forOutput(pairs.dtype(), pairs.device(), pairs.shapeView());
        backend(pairs).fft2(pairs, inverse, out);
        return recorded(new Primitive.Fft2(inverse), out, pairs);
    }

    /** x converted to dtype; x itself when it already has it. */
    static Tensor cast(Tensor x, DType dtype) {
        if (x.dtype() == dtype) {
            return x;
        }
        live("to", x);
        Tensor out = Tensor.forOutput(dtype, x.device(), x.shapeView());
        backend(x).copy(x, out);
        return recorded(new Primitive.Cast(), out, x);
    }

    /** Writes src (broadcast to target's shape, converted to its dtype) into the view target. */
    static void copyInto(Tensor target, Tensor src) {
        live("copy", target, src);
        sameDevice("copy", target, src);
        backend(target).copy(src.expand(target.shapeView()), target);
    }

    static Tensor contiguousCopy(Tensor x) {
        live("contiguous", x);
        Tensor out = Tensor.forOutput(x.dtype(), x.device(), x.shapeView());
        backend(x).copy(x, out);
        return recorded(new Primitive.Copy(), out, x);
    }

    static Tensor fill(Tensor out, double value) {
        backend(out).fill(out, value);
        return out;
    }

    static Tensor random(Generator generator, Distribution distribution, DType dtype, Device device, int[] shape) {
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException("random: dtype must be a float type, got " + dtype);
        }
        Tensor out = Tensor.forOutput(dtype, device, shape);
        PhiloxState at = generator.reserve(distribution, out.numel());
        backend(out).random(distribution, at, out);
        return out;
    }

    static Backend backend(Tensor t) {
        return Backends.forDevice(t.device());
    }

    static void live(String op, Tensor... tensors) {
        for (int i = 0; i < tensors.length; i++) {
            if (tensors[i].storage().isFreed()) {
                throw new IllegalStateException(
                        op + ": operand " + i + " (" + tensors[i].describe()
                                + ") was freed when its Scope closed; keep it with scope.keep(t) or create it outside the scope");
            }
        }
    }

    private static void sameDevice(String op, Tensor a, Tensor b) {
        if (!a.device().equals(b.device())) {
            throw new IllegalArgumentException(
                    op + ": operands are on " + a.device() + " and " + b.device() + "; move one with .to(device)");
        }
    }

    private static void checkIndex(String op, Tensor index) {
        if (index.dtype() != DType.I64 && index.dtype() != DType.I32) {
            throw new IllegalArgumentException(
                    op + ": index must be I64 or I32, got " + index.dtype() + "; convert with .to(DType.I64)");
        }
    }

    private static boolean[] reducedDims(String op, Tensor x, int[] dims) {
        boolean[] reduced = new boolean[x.dim()];
        if (dims.length == 0) {
            Arrays.fill(reduced, true);
            return reduced;
        }
        for (int dim : dims) {
            int d = Shapes.normalizeDim(op, dim, x.dim());
            if (x.dim() == 0) {
                continue;
            }
            if (reduced[d]) {
                throw new IllegalArgumentException(op + ": dim " + d + " appears twice in " + Arrays.toString(dims));
            }
            reduced[d] = true;
        }
        return reduced;
    }

    private static int[] dropReduced(int[] kept, boolean[] reduced) {
        int rank = 0;
        for (boolean r : reduced) {
            rank += r ? 0 : 1;
        }
        int[] shape = new int[rank];
        for (int d = 0, i = 0; d < kept.length; d++) {
            if (!reduced[d]) {
                shape[i++] = kept[d];
            }
        }
        return shape;
    }

    private static int[] concat(int[] batch, int rows, int cols) {
        int[] shape = Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = rows;
        shape[batch.length + 1] = cols;
        return shape;
    }
}
