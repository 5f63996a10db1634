package dev.jmim.tensor;

import dev.jmim.tensor.random.Distribution;
import dev.jmim.tensor.random.Generator;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional array on a device: a view (shape, strides and offset, in elements) of a {@link
 * Storage}. Views share storage; every op returns a new tensor and never changes its operands.
 * Names follow PyTorch so ML people feel at home.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(new Generator(0), 8, 192);          // [N, D]
 * Tensor w = Tensor.randn(new Generator(1), 192, 576);        // [D, 3D]
 * Tensor qkv = x.matmul(w).reshape(8, 3, 192).permute(1, 0, 2);
 * }</pre>
 */
public final class Tensor {
    private final Storage storage;
    private final DType dtype;
    private final int[] shape;
    private final long[] strides;
    private final long offset;
    private volatile Object recorderState;

    /** A view of {@code storage}; callers own the validity of shape, strides and offset. */
    public Tensor(Storage storage, DType dtype, int[] shape, long[] strides, long offset) {
        this.storage = storage;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    // ---------------------------------------------------------------- creation

    /** Zero-filled (all storage is), so {@code empty} and {@code zeros} are the same allocation. */
    public static Tensor empty(DType dtype, Device device, int... shape) {
        int[] s = Shapes.checked("empty", shape);
        long bytes = Math.multiplyExact(Shapes.numel(s), (long) dtype.byteSize());
        Storage storage = Backends.forDevice(device).allocate(bytes);
        return new Tensor(storage, dtype, s, Shapes.contiguousStrides(s), 0);
    }

    /**
     * An op's output, which the op writes in full before anything reads it: reused memory is not
     * zero-filled first. For kernels outside this package that write every element (fused ops).
     */
    public static Tensor forOutput(DType dtype, Device device, int... shape) {
        int[] s = Shapes.checked("empty", shape);
        long bytes = Math.multiplyExact(Shapes.numel(s), (long) dtype.byteSize());
        Storage storage = Backends.forDevice(device).allocateForOutput(bytes);
        return new Tensor(storage, dtype, s, Shapes.contiguousStrides(s), 0);
    }

    public static Tensor zeros(DType dtype, Device device, int... shape) {
        return empty(dtype, device, shape);
    }

    public static Tensor zeros(int... shape) {
        return empty(DType.F32, Device.CPU, shape);
    }

    public static Tensor ones(int... shape) {
        return full(1.0, DType.F32, shape);
    }

    public static Tensor full(double value, DType dtype, int... shape) {
        return Ops.fill(empty(dtype, Device.CPU, shape), value);
    }

    public static Tensor full(double value, DType dtype, Device device, int... shape) {
        return Ops.fill(empty(dtype, device, shape), value);
    }

    /** A 0-dim F32 tensor. */
    public static Tensor scalar(double value) {
        return full(value, DType.F32);
    }

    public static Tensor scalar(double value, DType dtype) {
        return full(value, dtype);
    }

    /** 0, 1, …, end − 1 as I64. */
    public static Tensor arange(long end) {
        return arange(0, end, 1, DType.I64);
    }

    /** start, start + step, … below end (above end for a negative step), as NumPy counts them. */
    public static Tensor arange(double start, double end, double step, DType dtype) {
        if (step == 0 || Double.isNaN(step)) {
            throw new IllegalArgumentException("arange: step must be non-zero, got " + step);
        }
        long n = Math.max(0, (long) Math.ceil((end - start) / step));
        double[] values = new double[Math.toIntExact(n)];
        for (int i = 0; i < n; i++) {
            values[i] = start + i * step;
        }
        return of(values).to(dtype);
    }

    public static Tensor of(float[] data, int... shape) {
        return fromHost(MemorySegment.ofArray(data), data.length, DType.F32, shapeOr(shape, data.length));
    }

    public static Tensor of(double[] data, int... shape) {
        return fromHost(MemorySegment.ofArray(data), data.length, DType.F64, shapeOr(shape, data.length));
    }

    public static Tensor of(int[] data, int... shape) {
        return fromHost(MemorySegment.ofArray(data), data.length, DType.I32, shapeOr(shape, data.length));
    }

    public static Tensor of(long[] data, int... shape) {
        return fromHost(MemorySegment.ofArray(data), data.length, DType.I64, shapeOr(shape, data.length));
    }

    public static Tensor of(boolean[] data, int... shape) {
        byte[] bytes = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            bytes[i] = (byte) (data[i] ? 1 : 0);
        }
        return fromHost(MemorySegment.ofArray(bytes), data.length, DType.BOOL, shapeOr(shape, data.length));
    }

    /** Unsigned bytes (0..255), e.g. image pixels. */
    public static Tensor ofU8(byte[] data, int... shape) {
        return fromHost(MemorySegment.ofArray(data), data.length, DType.U8, shapeOr(shape, data.length));
    }

    /** A CPU tensor whose bytes are copied from {@code source}, laid out densely in native byte order. */
    public static Tensor fromHost(MemorySegment source, long count, DType dtype, int... shape) {
        int[] s = Shapes.checked("Tensor.of", shape);
        if (Shapes.numel(s) != count) {
            throw new IllegalArgumentException("Tensor.of: " + count + " values do not fill shape " + Shapes.format(s)
                    + " (" + Shapes.numel(s) + " elements)");
        }
        Tensor t = empty(dtype, Device.CPU, s);
        Ops.backend(t).copyFromHost(source, t.storage, 0, count * dtype.byteSize());
        return t;
    }

    /** Uniform [0, 1) F32 from the generator's Philox stream. */
    public static Tensor rand(Generator generator, int... shape) {
        return random(generator, new Distribution.Uniform(0, 1), DType.F32, Device.CPU, shape);
    }

    /** Standard normal F32 from the generator's Philox stream. */
    public static Tensor randn(Generator generator, int... shape) {
        return random(generator, new Distribution.Normal(0, 1), DType.F32, Device.CPU, shape);
    }

    /** Normal(mean, std) truncated to [a, b] (absolute bounds, as PyTorch's trunc_normal_). */
    public static Tensor truncatedNormal(
            Generator generator, double mean, double std, double a, double b, int... shape) {
        return random(generator, new Distribution.TruncatedNormal(mean, std, a, b), DType.F32, Device.CPU, shape);
    }

    public static Tensor random(
            Generator generator, Distribution distribution, DType dtype, Device device, int... shape) {
        return Ops.random(generator, distribution, dtype, device, Shapes.checked("random", shape));
    }

    private static int[] shapeOr(int[] shape, int length) {
        return shape.length == 0 ? new int[] {length} : shape;
    }

    // ---------------------------------------------------------------- metadata

    public DType dtype() {
        return dtype;
    }

    public Device device() {
        return storage.device();
    }

    public Storage storage() {
        return storage;
    }

    public int[] shape() {
        return shape.clone();
    }

    /** The shape array itself, for callers in this package that promise not to modify it. */
    int[] shapeView() {
        return shape;
    }

    public long[] strides() {
        return strides.clone();
    }

    /** Offset of element [0, …, 0] in the storage, in elements. */
    public long offset() {
        return offset;
    }

    public int dim() {
        return shape.length;
    }

    public int size(int dim) {
        return shape[Shapes.normalizeDim("size", dim, shape.length)];
    }

    public long stride(int dim) {
        return strides[Shapes.normalizeDim("stride", dim, shape.length)];
    }

    public long numel() {
        return Shapes.numel(shape);
    }

    public boolean isContiguous() {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /** What the installed {@link OpRecorder} attached to this tensor (autograd's graph node), or null. */
    public Object recorderState() {
        return recorderState;
    }

    /** For the installed {@link OpRecorder} only. */
    public void setRecorderState(Object state) {
        this.recorderState = state;
    }

    /** The same data as a new tensor with no recorded history: what autograd calls detach. */
    public Tensor detach() {
        return new Tensor(storage, dtype, shape, strides, offset);
    }

    /** One line naming shape, dtype and device, for error messages. */
    public String describe() {
        return Shapes.format(shape) + " " + dtype + " on " + device();
    }

    // ---------------------------------------------------------------- views (share storage)

    /** A view of this tensor's storage, reported to the recorder as made by op from this. */
    private Tensor derived(Primitive op, int[] newShape, long[] newStrides, long newOffset) {
        return Ops.recorded(op, new Tensor(storage, dtype, newShape, newStrides, newOffset), this);
    }

    /** Same data seen with another shape; fails when the strides do not allow it (use reshape). */
    public Tensor view(int... newShape) {
        int[] s = Views.inferShape("view", shape, newShape);
        long[] st = Views.viewStrides(shape, strides, s);
        if (st == null) {
            throw new IllegalArgumentException("view: shape " + Shapes.format(s) + " cannot view a tensor of shape "
                    + Shapes.format(shape) + " and strides " + Arrays.toString(strides)
                    + " without copying; use reshape (which copies) or call contiguous() first");
        }
        return derived(new Primitive.Reshape(), s, st, offset);
    }

    /** A view when the layout allows, otherwise a contiguous copy, as torch.reshape. */
    public Tensor reshape(int... newShape) {
        int[] s = Views.inferShape("reshape", shape, newShape);
        long[] st = Views.viewStrides(shape, strides, s);
        return st != null
                ? derived(new Primitive.Reshape(), s, st, offset)
                : contiguous().view(s);
    }

    public Tensor flatten() {
        return reshape(-1);
    }

    /** Merges dims start..end (inclusive) into one. */
    public Tensor flatten(int startDim, int endDim) {
        if (dim() == 0) {
            return reshape(1);
        }
        int start = Shapes.normalizeDim("flatten", startDim, dim());
        int end = Shapes.normalizeDim("flatten", endDim, dim());
        if (start > end) {
            throw new IllegalArgumentException("flatten: start dim " + start + " is after end dim " + end);
        }
        int[] s = new int[dim() - (end - start)];
        System.arraycopy(shape, 0, s, 0, start);
        s[start] = -1;
        System.arraycopy(shape, end + 1, s, start + 1, dim() - end - 1);
        if (numel() == 0) {
            long merged = 1;
            for (int d = start; d <= end; d++) {
                merged *= shape[d];
            }
            s[start] = (int) merged;
        }
        return reshape(s);
    }

    public Tensor permute(int... dims) {
        int[] perm = Views.checkedPermutation("permute", dims, dim());
        int[] s = new int[dim()];
        long[] st = new long[dim()];
        for (int i = 0; i < perm.length; i++) {
            s[i] = shape[perm[i]];
            st[i] = strides[perm[i]];
        }
        return derived(new Primitive.Permute(perm), s, st, offset);
    }

    public Tensor transpose(int dim0, int dim1) {
        if (dim() == 0) {
            return this;
        }
        int a = Shapes.normalizeDim("transpose", dim0, dim());
        int b = Shapes.normalizeDim("transpose", dim1, dim());
        int[] perm = new int[dim()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        perm[a] = b;
        perm[b] = a;
        return permute(perm);
    }

    /** Transpose of the last two dims (a matrix transpose batched over the rest). */
    public Tensor mT() {
        if (dim() < 2) {
            throw new IllegalArgumentException("mT: needs at least 2 dims, got " + Shapes.format(shape));
        }
        return transpose(-2, -1);
    }

    /** Elements start..start+length−1 along dim. */
    public Tensor narrow(int dim, int start, int length) {
        int d = Shapes.normalizeDim("narrow", dim, dim());
        if (start < 0 || length < 0 || (long) start + length > shape[d]) {
            throw new IllegalArgumentException("narrow: [" + start + ", " + ((long) start + length)
                    + ") is outside dim " + d + " of size " + shape[d] + " in shape " + Shapes.format(shape));
        }
        int[] s = shape.clone();
        s[d] = length;
        return derived(new Primitive.Slice(d, start, 1), s, strides.clone(), offset + start * strides[d]);
    }

    /** Python's x[start:end:step] along dim; negative start/end count from the end and are clamped. */
    public Tensor slice(int dim, int start, int end, int step) {
        int d = Shapes.normalizeDim("slice", dim, dim());
        if (step <= 0) {
            throw new IllegalArgumentException("slice: step must be positive, got " + step);
        }
        int size = shape[d];
        int lo = Math.clamp(start < 0 ? (long) start + size : start, 0, size);
        int hi = Math.clamp(end < 0 ? (long) end + size : end, lo, size);
        int[] s = shape.clone();
        long[] st = strides.clone();
        s[d] = (hi - lo + step - 1) / step;
        st[d] = strides[d] * step;
        return derived(new Primitive.Slice(d, lo, step), s, st, offset + lo * strides[d]);
    }

    /** The slice at index along dim, with that dim removed. */
    public Tensor select(int dim, int index) {
        int d = Shapes.normalizeDim("select", dim, dim());
        int i = index < 0 ? index + shape[d] : index;
        if (i < 0 || i >= shape[d]) {
            throw new IllegalArgumentException("select: index " + index + " is out of range for dim " + d + " of size "
                    + shape[d] + " in shape " + Shapes.format(shape));
        }
        return narrow(d, i, 1).squeeze(d);
    }

    /** Broadcasts to a larger shape without copying (stride 0); -1 keeps a size. */
    public Tensor expand(int... newShape) {
        if (Arrays.equals(newShape, shape)) {
            return this;
        }
        if (newShape.length < dim()) {
            throw new IllegalArgumentException(
                    "expand: target " + Shapes.format(newShape) + " has fewer dims than " + Shapes.format(shape));
        }
        int lead = newShape.length - dim();
        int[] s = new int[newShape.length];
        long[] st = new long[newShape.length];
        for (int i = 0; i < newShape.length; i++) {
            int target = newShape[i];
            if (i < lead) {
                if (target < 0) {
                    throw new IllegalArgumentException(
                            "expand: -1 is not allowed for a new leading dim in " + Shapes.format(newShape));
                }
                s[i] = target;
                st[i] = 0;
                continue;
            }
            int own = shape[i - lead];
            if (target == -1 || target == own) {
                s[i] = own;
                st[i] = strides[i - lead];
            } else if (own == 1 && target >= 0) {
                s[i] = target;
                st[i] = 0;
            } else {
                throw new IllegalArgumentException("expand: cannot expand " + Shapes.format(shape) + " to "
                        + Shapes.format(newShape) + " (dim " + i + ": " + own + " → " + target
                        + "; only size-1 dims can grow)");
            }
        }
        return derived(new Primitive.Expand(), s, st, offset);
    }

    /** Removes every size-1 dim. */
    public Tensor squeeze() {
        int rank = 0;
        for (int size : shape) {
            rank += size == 1 ? 0 : 1;
        }
        int[] s = new int[rank];
        long[] st = new long[rank];
        for (int d = 0, i = 0; d < dim(); d++) {
            if (shape[d] != 1) {
                s[i] = shape[d];
                st[i++] = strides[d];
            }
        }
        return derived(new Primitive.Reshape(), s, st, offset);
    }

    /** Removes dim when its size is 1; returns this unchanged otherwise, as PyTorch does. */
    public Tensor squeeze(int dim) {
        if (dim() == 0) {
            return this;
        }
        int d = Shapes.normalizeDim("squeeze", dim, dim());
        if (shape[d] != 1) {
            return this;
        }
        int[] s = new int[dim() - 1];
        long[] st = new long[dim() - 1];
        for (int i = 0, j = 0; i < dim(); i++) {
            if (i != d) {
                s[j] = shape[i];
                st[j++] = strides[i];
            }
        }
        return derived(new Primitive.Reshape(), s, st, offset);
    }

    /** Inserts a size-1 dim at position dim (−1 appends). */
    public Tensor unsqueeze(int dim) {
        int d = Shapes.normalizeDim("unsqueeze", dim, dim() + 1);
        int[] s = new int[dim() + 1];
        long[] st = new long[dim() + 1];
        for (int i = 0, j = 0; i <= dim(); i++) {
            if (i == d) {
                s[i] = 1;
                st[i] = j < dim() ? strides[j] * shape[j] : 1;
            } else {
                s[i] = shape[j];
                st[i] = strides[j++];
            }
        }
        return derived(new Primitive.Reshape(), s, st, offset);
    }

    /** Views of consecutive pieces of splitSize along dim (the last may be shorter). */
    public List<Tensor> split(int splitSize, int dim) {
        int d = Shapes.normalizeDim("split", dim, dim());
        if (splitSize <= 0) {
            throw new IllegalArgumentException("split: split size must be positive, got " + splitSize);
        }
        List<Tensor> parts = new java.util.ArrayList<>();
        for (int start = 0; start < shape[d] || (start == 0 && shape[d] == 0); start += splitSize) {
            parts.add(narrow(d, start, Math.min(splitSize, shape[d] - start)));
            if (shape[d] == 0) {
                break;
            }
        }
        return parts;
    }

    /** Views of pieces with the given sizes along dim; the sizes must add up to the dim's size. */
    public List<Tensor> split(int[] sizes, int dim) {
        int d = Shapes.normalizeDim("split", dim, dim());
        long total = Arrays.stream(sizes).asLongStream().sum();
        if (total != shape[d] || Arrays.stream(sizes).anyMatch(x -> x < 0)) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " must be >= 0 and add up to "
                    + shape[d] + ", the size of dim " + d + " of " + Shapes.format(shape));
        }
        List<Tensor> parts = new java.util.ArrayList<>();
        int start = 0;
        for (int size : sizes) {
            parts.add(narrow(d, start, size));
            start += size;
        }
        return parts;
    }

    // ---------------------------------------------------------------- copies and conversions

    /** This when already dense, otherwise a dense copy. */
    public Tensor contiguous() {
        return isContiguous() ? this : Ops.contiguousCopy(this);
    }

    /** A dense copy with its own storage. */
    public Tensor clone() {
        return Ops.contiguousCopy(this);
    }

    /** Converted to dtype (float → integer truncates toward zero; anything → BOOL is != 0). */
    public Tensor to(DType target) {
        return Ops.cast(this, target);
    }

    /**
     * A dense copy on {@code target} (this tensor itself when it is already there), through host memory.
     * Not recorded for gradients: move parameters and data before building a graph.
     */
    public Tensor to(Device target) {
        if (device().equals(target)) {
            return this;
        }
        Ops.live("to", this);
        Tensor dense = detach().contiguous();
        long bytes = dense.numel() * dtype.byteSize();
        HostStorage host = HostStorage.allocate(bytes);
        try {
            Ops.backend(dense).copyToHost(dense.storage, dense.offset * dtype.byteSize(), host.segment(), bytes);
            Tensor moved = empty(dtype, target, shape);
            Backends.forDevice(target).copyFromHost(host.segment(), moved.storage, 0, bytes);
            return moved;
        } finally {
            host.free();
        }
    }

    /** Writes src (broadcast to this shape, converted to this dtype) into this view, in place. */
    public Tensor copyFrom(Tensor src) {
        if (Ops.wouldRecord(src, this)) {
            throw new IllegalStateException("copyFrom: in-place writes are not recorded for gradients, and "
                    + (Ops.wouldRecord(src) ? "src" : "this tensor") + " requires grad; build the value with"
                    + " cat, stack or where instead, or write inside Autograd.noGrad()");
        }
        Ops.copyInto(this, src);
        return this;
    }

    // ---------------------------------------------------------------- elementwise

    public Tensor neg() {
        return Ops.unary(UnaryOp.NEG, this);
    }

    public Tensor exp() {
        return Ops.unary(UnaryOp.EXP, this);
    }

    public Tensor log() {
        return Ops.unary(UnaryOp.LOG, this);
    }

    public Tensor sqrt() {
        return Ops.unary(UnaryOp.SQRT, this);
    }

    public Tensor rsqrt() {
        return Ops.unary(UnaryOp.RSQRT, this);
    }

    public Tensor reciprocal() {
        return Ops.unary(UnaryOp.RECIPROCAL, this);
    }

    public Tensor tanh() {
        return Ops.unary(UnaryOp.TANH, this);
    }

    public Tensor sigmoid() {
        return Ops.unary(UnaryOp.SIGMOID, this);
    }

    public Tensor erf() {
        return Ops.unary(UnaryOp.ERF, this);
    }

    public Tensor abs() {
        return Ops.unary(UnaryOp.ABS, this);
    }

    public Tensor sin() {
        return Ops.unary(UnaryOp.SIN, this);
    }

    public Tensor cos() {
        return Ops.unary(UnaryOp.COS, this);
    }

    public Tensor add(Tensor other) {
        return Ops.binary(BinaryOp.ADD, this, other);
    }

    public Tensor add(double other) {
        return add(scalarLike(other));
    }

    public Tensor sub(Tensor other) {
        return Ops.binary(BinaryOp.SUB, this, other);
    }

    public Tensor sub(double other) {
        return sub(scalarLike(other));
    }

    public Tensor mul(Tensor other) {
        return Ops.binary(BinaryOp.MUL, this, other);
    }

    public Tensor mul(double other) {
        return mul(scalarLike(other));
    }

    /** True division: integer operands give F32. */
    public Tensor div(Tensor other) {
        return Ops.binary(BinaryOp.DIV, this, other);
    }

    public Tensor div(double other) {
        return div(scalarLike(other));
    }

    public Tensor pow(Tensor exponent) {
        return Ops.binary(BinaryOp.POW, this, exponent);
    }

    public Tensor pow(double exponent) {
        return pow(scalarLike(exponent));
    }

    /** Elementwise max; NaN wins, as in PyTorch. */
    public Tensor maximum(Tensor other) {
        return Ops.binary(BinaryOp.MAXIMUM, this, other);
    }

    /** Elementwise min; NaN wins, as in PyTorch. */
    public Tensor minimum(Tensor other) {
        return Ops.binary(BinaryOp.MINIMUM, this, other);
    }

    public Tensor eq(Tensor other) {
        return Ops.binary(BinaryOp.EQ, this, other);
    }

    public Tensor eq(double other) {
        return eq(scalarLike(other));
    }

    public Tensor ne(Tensor other) {
        return Ops.binary(BinaryOp.NE, this, other);
    }

    public Tensor lt(Tensor other) {
        return Ops.binary(BinaryOp.LT, this, other);
    }

    public Tensor lt(double other) {
        return lt(scalarLike(other));
    }

    public Tensor le(Tensor other) {
        return Ops.binary(BinaryOp.LE, this, other);
    }

    public Tensor gt(Tensor other) {
        return Ops.binary(BinaryOp.GT, this, other);
    }

    public Tensor gt(double other) {
        return gt(scalarLike(other));
    }

    public Tensor ge(Tensor other) {
        return Ops.binary(BinaryOp.GE, this, other);
    }

    /** cond ? a : b elementwise, all three broadcast together. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return Ops.where(cond, a, b);
    }

    /**
     * A Java number as a 0-dim operand that does not widen this tensor's dtype (PyTorch's rule for
     * Python scalars): it takes this dtype, except that a fractional value next to an integer
     * tensor, or any number next to a BOOL tensor, becomes F32 or I64.
     */
    private Tensor scalarLike(double value) {
        DType type = dtype;
        boolean integral = value == Math.rint(value) && !Double.isInfinite(value);
        if (!dtype.isFloating() && !integral) {
            type = DType.F32;
        } else if (dtype == DType.BOOL) {
            type = DType.I64;
        }
        return full(value, type, device());
    }

    // ---------------------------------------------------------------- reductions

    public Tensor sum() {
        return Ops.reduce(ReduceOp.SUM, this, new int[0], false);
    }

    public Tensor sum(int... dims) {
        return Ops.reduce(ReduceOp.SUM, this, dims, false);
    }

    public Tensor sum(int[] dims, boolean keepdim) {
        return Ops.reduce(ReduceOp.SUM, this, dims, keepdim);
    }

    public Tensor max() {
        return Ops.reduce(ReduceOp.MAX, this, new int[0], false);
    }

    public Tensor max(int[] dims, boolean keepdim) {
        return Ops.reduce(ReduceOp.MAX, this, dims, keepdim);
    }

    public Tensor min() {
        return Ops.reduce(ReduceOp.MIN, this, new int[0], false);
    }

    public Tensor min(int[] dims, boolean keepdim) {
        return Ops.reduce(ReduceOp.MIN, this, dims, keepdim);
    }

    /** Mean in float (integer input is converted to F32 first). */
    public Tensor mean() {
        return Composites.mean(this, new int[0], false);
    }

    public Tensor mean(int... dims) {
        return Composites.mean(this, dims, false);
    }

    public Tensor mean(int[] dims, boolean keepdim) {
        return Composites.mean(this, dims, keepdim);
    }

    /** Variance over dims; correction 0 is biased (÷n), 1 unbiased (÷(n−1)). */
    public Tensor var(int[] dims, int correction, boolean keepdim) {
        return Composites.var(this, dims, correction, keepdim);
    }

    /** Index of the first maximum along dim (NaN counts as the maximum). */
    public Tensor argmax(int dim, boolean keepdim) {
        return Ops.argmax(this, dim, keepdim);
    }

    /** Index of the first maximum of the flattened tensor. */
    public Tensor argmax() {
        return Ops.argmax(reshape(-1), 0, false);
    }

    // ---------------------------------------------------------------- linear algebra and indexing

    /**
     * 2-D discrete Fourier transform over the two dims before the last, of complex numbers held as
     * (real, imaginary) pairs in the last dim (size 2), as torch.view_as_real lays them out; the
     * result has the same layout. Any H and W (mixed radix, Bluestein for large prime factors).
     * Unnormalised, as numpy.fft.fft2; {@link #ifft2} scales by 1/(H·W).
     */
    public Tensor fft2() {
        return Ops.fft2(this, false);
    }

    /** The inverse of {@link #fft2}, scaled by 1/(H·W): x.fft2().ifft2() ≈ x. */
    public Tensor ifft2() {
        return Ops.fft2(this, true);
    }

    /** A real tensor [...] as complex pairs [..., 2] with zero imaginary parts, for {@link #fft2}. */
    public Tensor toComplex() {
        Tensor real = dtype.isFloating() ? this : to(DType.F32);
        return stack(List.of(real, Tensor.zeros(real.dtype(), device(), shape)), -1);
    }

    /** |z| of complex pairs [..., 2]: √(re² + im²), shape [...]. */
    public Tensor complexAbs() {
        if (dim() == 0 || size(-1) != 2) {
            throw new IllegalArgumentException(
                    "complexAbs: expects (real, imaginary) pairs in a last dim of size 2, got " + Shapes.format(shape));
        }
        Tensor re = select(-1, 0);
        Tensor im = select(-1, 1);
        return re.mul(re).add(im.mul(im)).sqrt();
    }

    /** NumPy matmul: 1-D operands are vectors, leading dims are batch dims and broadcast. */
    public Tensor matmul(Tensor other) {
        return Ops.matmul(this, other);
    }

    public Tensor gather(int dim, Tensor index) {
        return Ops.gather(this, dim, index);
    }

    /** A copy of this with src added at the positions index names along dim. */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) {
        return Ops.scatterAdd(this, dim, index, src);
    }

    public Tensor indexSelect(int dim, Tensor index) {
        return Ops.indexSelect(this, dim, index);
    }

    /** Stable sort order along dim as I64 indices; NaN sorts last when ascending. */
    public Tensor argsort(int dim, boolean descending) {
        return Ops.argsort(this, dim, descending);
    }

    public static Tensor cat(List<Tensor> tensors, int dim) {
        return Composites.cat(tensors, dim);
    }

    public static Tensor stack(List<Tensor> tensors, int dim) {
        return Composites.stack(tensors, dim);
    }

    // ---------------------------------------------------------------- composites

    public Tensor softmax(int dim) {
        return Composites.softmax(this, dim);
    }

    public Tensor logSoftmax(int dim) {
        return Composites.logSoftmax(this, dim);
    }

    /**
     * this·weightᵀ + bias over the last dim (PyTorch's F.linear): weight [out, in], bias [out] or
     * null; the result is [..., out]. Unrecorded, with a bias, it is one GEMM that adds the bias as
     * it stores ({@link Backend#addmm}).
     */
    public Tensor linear(Tensor weight, Tensor bias) {
        return Composites.linear(this, weight, bias);
    }

    /** layer_norm over the trailing normalizedShape; weight and bias may be null. */
    public Tensor layerNorm(int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return Composites.layerNorm(this, normalizedShape, weight, bias, eps);
    }

    /**
     * layer_norm's backward over the last dim, given the output's gradient (this tensor's shape) and the
     * weight ([last dim], or null): {dx, the weight's gradient Σ gradOut·x̂, the bias's Σ gradOut}, the
     * sums over all leading dims, [last dim]; contiguous. One fused sweep where the backend has a kernel
     * ({@link Backend#layerNormBackward}).
     */
    public Tensor[] layerNormBackward(Tensor weight, Tensor gradOut, double eps) {
        return Ops.layerNormBackward(this, weight, gradOut, eps);
    }

    /** Exact (erf) GELU, as nn.GELU's default. */
    public Tensor gelu() {
        return Ops.unary(UnaryOp.GELU, this);
    }

    /**
     * GELU's backward in one pass: gradOut·gelu′(this), this being the GELU's input; broadcasts as
     * {@link #mul} does. The same as {@code gradOut.mul(geluDerivative())} to within 2 ulps.
     */
    public Tensor geluBackward(Tensor gradOut) {
        return Ops.binary(BinaryOp.GELU_BACKWARD, this, gradOut);
    }

    /** d gelu(x)/dx = Φ(x) + x·φ(x), elementwise (GELU's gradient rule uses it; differentiable itself). */
    public Tensor geluDerivative() {
        return Ops.unary(UnaryOp.GELU_DERIVATIVE, this);
    }

    // ---------------------------------------------------------------- reading values

    public float[] toFloatArray() {
        float[] out = new float[Math.toIntExact(numel())];
        hostCopy(DType.F32, MemorySegment.ofArray(out));
        return out;
    }

    public double[] toDoubleArray() {
        double[] out = new double[Math.toIntExact(numel())];
        hostCopy(DType.F64, MemorySegment.ofArray(out));
        return out;
    }

    public long[] toLongArray() {
        long[] out = new long[Math.toIntExact(numel())];
        hostCopy(DType.I64, MemorySegment.ofArray(out));
        return out;
    }

    public int[] toIntArray() {
        int[] out = new int[Math.toIntExact(numel())];
        hostCopy(DType.I32, MemorySegment.ofArray(out));
        return out;
    }

    public boolean[] toBooleanArray() {
        byte[] bytes = new byte[Math.toIntExact(numel())];
        hostCopy(DType.BOOL, MemorySegment.ofArray(bytes));
        boolean[] out = new boolean[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] != 0;
        }
        return out;
    }

    /** The single value of a one-element tensor, as a double. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalArgumentException(
                    "item: tensor of shape " + Shapes.format(shape) + " has " + numel() + " elements; item() needs 1");
        }
        return toDoubleArray()[0];
    }

    /** Copies the elements, converted to dtype and in row-major order, into target. */
    private void hostCopy(DType as, MemorySegment target) {
        Ops.live("read", this);
        Tensor dense = detach().to(as).contiguous(); // a host copy is never differentiated: record nothing
        Ops.backend(dense)
                .copyToHost(dense.storage, dense.offset * as.byteSize(), target, dense.numel() * as.byteSize());
    }

    /** Whether every element is within atol + rtol·|other| of other's (shapes broadcast; NaN equals NaN). */
    public boolean allClose(Tensor other, double rtol, double atol) {
        int[] s = Shapes.broadcast("allClose", shape, other.shape);
        double[] a = detach().expand(s).toDoubleArray();
        double[] b = other.detach().expand(s).toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            boolean bothNaN = Double.isNaN(a[i]) && Double.isNaN(b[i]);
            if (!bothNaN && !(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i])) && a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return TensorFormat.format(this);
    }
}
