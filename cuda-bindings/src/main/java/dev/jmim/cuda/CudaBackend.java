package dev.jmim.cuda;

import dev.jmim.tensor.AdamwStep;
import dev.jmim.tensor.Backend;
import dev.jmim.tensor.BinaryOp;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.FusedAttention;
import dev.jmim.tensor.MemoryCounter;
import dev.jmim.tensor.MemoryStats;
import dev.jmim.tensor.ReduceOp;
import dev.jmim.tensor.Shapes;
import dev.jmim.tensor.Splatting;
import dev.jmim.tensor.Storage;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.UnaryOp;
import dev.jmim.tensor.random.Distribution;
import dev.jmim.tensor.random.PhiloxState;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@link Backend} of one NVIDIA GPU. F32 arithmetic, comparisons, where, casts between all dtypes,
 * fill, float reductions, argmax, softmax, layer_norm and its backward, gather, index_select and F32
 * scatter_add run as jmim's PTX kernels; F32 matmul runs through cuBLAS (fp32 by default; TF32 with {@code
 * jmim.cuda.matmul=tf32} or {@code JMIM_CUDA_MATMUL=tf32}; with {@code bf16}, operands rounded to bf16,
 * fp32 accumulation and output — the autocast for matmuls and attention, weights staying fp32), F32 fft2
 * through cuFFT; fused AdamW, F32
 * Philox fills, flash-style attention ({@link #fusedAttention()}) and GMAE's splatting ({@link #splatting()})
 * are kernels too, and so is arithmetic in every other dtype (floats in double, integers in long, as the
 * naive backend). What has no kernel yet
 * (argsort of rows over 4,096, non-F32 random, F64 fft2, operands of two dtypes, non-F32 softmax,
 * layer_norm, matmul and scatter_add) runs on the CPU backend over host copies ({@link
 * HostFallback}): exact, slow, counted by {@link #hostFallbacks()}.
 *
 * <p>Every call is queued on the device's one stream, so ops run in program order; host copies wait
 * for the stream. Calls are serialised on this backend; any Java thread may make them.
 */
public final class CudaBackend implements Backend {
    /** The longest row {@code argsort_rows} sorts (its keys fill 32 KiB of shared memory). */
    private static final int ARGSORT_MAX_ROW = 4096;

    private final CudaContext context;
    private final MemoryCounter counter;
    private final HostFallback fallback = new HostFallback(this);
    private final FftPlans fftPlans = new FftPlans();
    private final Cublas.Precision matmulPrecision;
    private final CudaSplatting splatting;
    private final CudaAttention simtAttention;
    private final CudaAttention tensorCoreAttention;
    /** Empty where {@code jmim.cuda.attention=composite} asks for the composite instead. */
    private final Optional<FusedAttention> attention;

    private final OpTimes times;

    CudaBackend(Device device) {
        this.context = new CudaContext(device);
        this.counter = new MemoryCounter(device);
        String mode = System.getProperty("jmim.cuda.matmul", System.getenv("JMIM_CUDA_MATMUL"));
        this.matmulPrecision = switch (mode == null ? "fp32" : mode.toLowerCase(Locale.ROOT)) {
            case "tf32" -> Cublas.Precision.TF32;
            case "bf16" -> Cublas.Precision.BF16;
            case "fp32" -> Cublas.Precision.FP32;
            default ->
                throw new IllegalArgumentException(
                        "jmim.cuda.matmul / JMIM_CUDA_MATMUL must be fp32, tf32 or bf16, got '" + mode + "'");
        };
        this.splatting = new CudaSplatting(this, context);
        this.simtAttention = new CudaAttention(this, context, false);
        this.tensorCoreAttention = new CudaAttention(this, context, true);
        String attentionMode = System.getProperty("jmim.cuda.attention", System.getenv("JMIM_CUDA_ATTENTION"));
        this.attention = switch (attentionMode == null ? "fused" : attentionMode.toLowerCase(Locale.ROOT)) {
            case "fused" -> Optional.of(attention(matmulPrecision));
            case "composite" -> Optional.empty();
            default ->
                throw new IllegalArgumentException("jmim.cuda.attention / JMIM_CUDA_ATTENTION must be fused or"
                        + " composite, got '" + attentionMode + "'");
        };
        this.times = new OpTimes(context.stream());
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Device device() {
        return context.device();
    }

    @Override
    public int threads() {
        return 1;
    }

    /** The GPU's name and compute capability. */
    public String describe() {
        return context.describe();
    }

    /** How many ops ran on the CPU over host copies because they have no CUDA kernel yet. */
    public long hostFallbacks() {
        return fallback.count();
    }

    /** Bytes the device's memory pool holds (cached included) and bytes of it in use. */
    public synchronized long[] poolBytes() {
        return context.poolBytes();
    }

    /**
     * Device milliseconds and calls per op since the last call, when {@code -Djmim.cuda.profile=true}
     * (empty otherwise); waits for the stream first.
     */
    public synchronized String opTimes() {
        context.synchronize();
        return times.report();
    }

    /** Waits until every op queued so far has finished. */
    public synchronized void synchronize() {
        context.synchronize();
    }

    /**
     * Device milliseconds that {@code repeats} runs of {@code body} take, measured with CUDA events
     * recorded on the stream before and after (the host only queues work in between).
     */
    public synchronized double millis(Runnable body, int repeats) {
        context.enter();
        MemorySegment start = Cuda.createEvent();
        MemorySegment end = Cuda.createEvent();
        try {
            Cuda.record(start, context.stream());
            for (int i = 0; i < repeats; i++) {
                body.run();
            }
            Cuda.record(end, context.stream());
            return Cuda.elapsedMillis(start, end);
        } finally {
            Cuda.destroyEvent(start);
            Cuda.destroyEvent(end);
        }
    }

    /**
     * {@code out = a · b} at a chosen precision: F32 inputs for FP32 and TF32, BF16 inputs for BF16;
     * out is F32, contiguous, [..., M, N]. The GPU bench calls it; autocast is not written yet.
     */
    public synchronized void matmul(Tensor a, Tensor b, Tensor out, Cublas.Precision precision) {
        DType input = precision == Cublas.Precision.BF16 ? DType.BF16 : DType.F32;
        if (a.dtype() != input || b.dtype() != input || out.dtype() != DType.F32) {
            throw new IllegalArgumentException("matmul at " + precision + " takes " + input + " inputs and an F32"
                    + " output; got " + a.dtype() + ", " + b.dtype() + " → " + out.dtype());
        }
        context.enter();
        CudaMatmul.run(this, context, precision, a, b, out);
    }

    @Override
    public synchronized Storage allocate(long byteSize) {
        try (OpTimes.Span _ = times.span("allocate zeroed")) {
            long pointer = byteSize == 0 ? 0 : context.allocate(byteSize, true);
            return CudaStorage.track(context, counter, byteSize, pointer);
        }
    }

    /** Without the memset: the op writes every byte before anything reads it. */
    @Override
    public synchronized Storage allocateForOutput(long byteSize) {
        long pointer = byteSize == 0 ? 0 : context.allocate(byteSize, false);
        return CudaStorage.track(context, counter, byteSize, pointer);
    }

    @Override
    public MemoryStats memoryStats() {
        return counter.snapshot();
    }

    @Override
    public synchronized void copyFromHost(MemorySegment source, Storage target, long targetByteOffset, long byteCount) {
        context.enter();
        MemorySegment staging = context.staging();
        long base = pointer(target) + targetByteOffset;
        for (long done = 0; done < byteCount; done += staging.byteSize()) {
            long chunk = Math.min(staging.byteSize(), byteCount - done);
            MemorySegment.copy(source, done, staging, 0, chunk);
            Cuda.copyToDevice(base + done, staging, chunk, context.stream());
            Cuda.synchronize(context.stream());
        }
    }

    @Override
    public synchronized void copyToHost(Storage source, long sourceByteOffset, MemorySegment target, long byteCount) {
        context.enter();
        MemorySegment staging = context.staging();
        long base = pointer(source) + sourceByteOffset;
        for (long done = 0; done < byteCount; done += staging.byteSize()) {
            long chunk = Math.min(staging.byteSize(), byteCount - done);
            Cuda.copyToHost(staging, base + done, chunk, context.stream());
            Cuda.synchronize(context.stream());
            MemorySegment.copy(staging, 0, target, done, chunk);
        }
    }

    @Override
    public synchronized void copy(Tensor x, Tensor out) {
        try (OpTimes.Span _ = times.span("copy")) {
            copyOp(x, out);
        }
    }

    private void copyOp(Tensor x, Tensor out) {
        context.enter();
        CudaView[] v = walk(out, x, out);
        if (x.dtype() == out.dtype() && v[0].dense() && v[1].dense()) {
            long bytes = out.numel() * out.dtype().byteSize();
            if (bytes > 0) {
                Cuda.copyOnDevice(denseAddress(out), denseAddress(x), bytes, context.stream());
            }
            return;
        }
        if (x.dtype() == out.dtype() && x.dtype().byteSize() == 4 && v[1].dense() && transposed(v[0])) {
            int rows = v[1].shape()[0], cols = v[1].shape()[1];
            context.kernels()
                    .tiles(
                            "transpose_4byte",
                            rows,
                            cols,
                            new Launch()
                                    .i32(rows)
                                    .i32(cols)
                                    .pointer(denseAddress(x))
                                    .pointer(denseAddress(out)));
            return;
        }
        context.kernels()
                .elementwise(
                        "cast",
                        out.numel(),
                        new Launch()
                                .i64(out.numel())
                                .i32(x.dtype().ordinal())
                                .pointer(pointer(x))
                                .view(v[0])
                                .i32(out.dtype().ordinal())
                                .pointer(pointer(out))
                                .view(v[1]));
    }

    @Override
    public synchronized void fill(Tensor out, double value) {
        try (OpTimes.Span _ = times.span("fill")) {
            fillOp(out, value);
        }
    }

    private void fillOp(Tensor out, double value) {
        context.enter();
        CudaView[] v = walk(out, out);
        context.kernels()
                .elementwise(
                        "fill",
                        out.numel(),
                        new Launch()
                                .i64(out.numel())
                                .i32(out.dtype().ordinal())
                                .f64(value)
                                .i64((long) value)
                                .pointer(pointer(out))
                                .view(v[0]));
    }

    @Override
    public synchronized void unary(UnaryOp op, Tensor x, Tensor out) {
        try (OpTimes.Span _ = times.span("unary " + op)) {
            unaryOp(op, x, out);
        }
    }

    private void unaryOp(UnaryOp op, Tensor x, Tensor out) {
        context.enter();
        CudaView[] v = walk(out, x, out);
        if (x.dtype() != DType.F32 || out.dtype() != DType.F32) {
            // F64, BF16, F16 in double and the integers in long, as the naive backend
            context.kernels()
                    .elementwise(
                            "unary_any",
                            out.numel(),
                            new Launch()
                                    .i32(op.ordinal())
                                    .i32(x.dtype().ordinal())
                                    .i64(out.numel())
                                    .pointer(pointer(x))
                                    .view(v[0])
                                    .i32(out.dtype().ordinal())
                                    .pointer(pointer(out))
                                    .view(v[1]));
            return;
        }
        if (dense16(v[0], x) && dense16(v[1], out)) {
            context.kernels()
                    .elementwise(
                            "unary_f32_dense",
                            out.numel(),
                            new Launch()
                                    .i32(op.ordinal())
                                    .i64(out.numel())
                                    .pointer(denseAddress(x))
                                    .pointer(denseAddress(out)));
            return;
        }
        context.kernels()
                .elementwise(
                        "unary_f32",
                        out.numel(),
                        new Launch()
                                .i32(op.ordinal())
                                .i64(out.numel())
                                .pointer(pointer(x))
                                .view(v[0])
                                .pointer(pointer(out))
                                .view(v[1]));
    }

    @Override
    public synchronized void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        try (OpTimes.Span _ = times.span("binary " + op)) {
            binaryOp(op, a, b, out);
        }
    }

    private void binaryOp(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        context.enter();
        CudaView[] v = walk(out, a, b, out);
        if (op.isComparison() && a.dtype() == b.dtype()) {
            context.kernels()
                    .elementwise(
                            "compare",
                            out.numel(),
                            new Launch()
                                    .i32(op.ordinal())
                                    .i32(a.dtype().ordinal())
                                    .i64(out.numel())
                                    .pointer(pointer(a))
                                    .view(v[0])
                                    .pointer(pointer(b))
                                    .view(v[1])
                                    .pointer(pointer(out))
                                    .view(v[2]));
        } else if (!op.isComparison() && a.dtype() == DType.F32 && b.dtype() == DType.F32 && out.dtype() == DType.F32) {
            binaryF32(op, a, b, out, v);
        } else if (!op.isComparison()
                && (a.dtype().isFloating() || (op != BinaryOp.DIV && op != BinaryOp.GELU_BACKWARD))) {
            // F64, BF16, F16 in double and the integers in long, as the naive backend
            context.kernels()
                    .elementwise(
                            "binary_any",
                            out.numel(),
                            new Launch()
                                    .i32(op.ordinal())
                                    .i64(out.numel())
                                    .i32(a.dtype().ordinal())
                                    .pointer(pointer(a))
                                    .view(v[0])
                                    .i32(b.dtype().ordinal())
                                    .pointer(pointer(b))
                                    .view(v[1])
                                    .i32(out.dtype().ordinal())
                                    .pointer(pointer(out))
                                    .view(v[2]));
        } else {
            // comparisons of two dtypes, and what the front end never sends (integer DIV): the CPU's answer
            fallback.run(out, h -> h.cpu().binary(op, h.in(0), h.in(1), h.out()), a, b);
        }
    }

    /** F32 arithmetic: the dense kernel, the row-broadcast kernel, or the general strided one. */
    private void binaryF32(BinaryOp op, Tensor a, Tensor b, Tensor out, CudaView[] v) {
        long n = out.numel();
        if (dense16(v[0], a) && dense16(v[1], b) && dense16(v[2], out)) {
            context.kernels()
                    .elementwise(
                            "binary_f32_dense",
                            n,
                            new Launch()
                                    .i32(op.ordinal())
                                    .i64(n)
                                    .pointer(denseAddress(a))
                                    .pointer(denseAddress(b))
                                    .pointer(denseAddress(out)));
            return;
        }
        int rank = v[2].shape().length;
        int cols = rank == 0 ? 1 : v[2].shape()[rank - 1];
        if (cols % 4 == 0
                && v[0].rowBroadcast()
                && v[1].rowBroadcast()
                && v[2].rowBroadcast()
                && v[2].columnStride() == 1) {
            context.kernels()
                    .elementwise(
                            "binary_f32_rows",
                            n / 4,
                            new Launch()
                                    .i32(op.ordinal())
                                    .i64(n)
                                    .i32(cols)
                                    .pointer(denseAddress(a))
                                    .i64(v[0].rowStride())
                                    .i32(v[0].columnStride())
                                    .pointer(denseAddress(b))
                                    .i64(v[1].rowStride())
                                    .i32(v[1].columnStride())
                                    .pointer(denseAddress(out))
                                    .i64(v[2].rowStride()));
            return;
        }
        context.kernels()
                .elementwise(
                        "binary_f32",
                        n,
                        new Launch()
                                .i32(op.ordinal())
                                .i64(n)
                                .pointer(pointer(a))
                                .view(v[0])
                                .pointer(pointer(b))
                                .view(v[1])
                                .pointer(pointer(out))
                                .view(v[2]));
    }

    /** A rank-2 walk [R, C] over a dense C × R matrix: the transpose of a contiguous tensor. */
    private static boolean transposed(CudaView view) {
        return view.shape().length == 2 && view.strides()[0] == 1 && view.strides()[1] == view.shape()[0];
    }

    /** A walk view that is dense and starts 16-byte aligned (float4 loads). */
    private static boolean dense16(CudaView view, Tensor t) {
        return view.dense() && denseAddress(t) % 16 == 0;
    }

    @Override
    public synchronized void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        try (OpTimes.Span _ = times.span("where")) {
            whereOp(cond, a, b, out);
        }
    }

    private void whereOp(Tensor cond, Tensor a, Tensor b, Tensor out) {
        if (a.dtype() != out.dtype() || b.dtype() != out.dtype()) {
            fallback.run(out, h -> h.cpu().where(h.in(0), h.in(1), h.in(2), h.out()), cond, a, b);
            return;
        }
        context.enter();
        CudaView[] v = walk(out, cond, a, b, out);
        context.kernels()
                .elementwise(
                        "where_any",
                        out.numel(),
                        new Launch()
                                .i32(out.dtype().byteSize())
                                .i64(out.numel())
                                .pointer(pointer(cond))
                                .view(v[0])
                                .pointer(pointer(a))
                                .view(v[1])
                                .pointer(pointer(b))
                                .view(v[2])
                                .pointer(pointer(out))
                                .view(v[3]));
    }

    @Override
    public synchronized void reduce(ReduceOp op, Tensor x, boolean[] reduced, Tensor out) {
        try (OpTimes.Span _ = times.span("reduce " + op)) {
            reduceOp(op, x, reduced, out);
        }
    }

    private void reduceOp(ReduceOp op, Tensor x, boolean[] reduced, Tensor out) {
        context.enter();
        Split split = Split.of(x, reduced);
        long outputs = out.numel();
        if (outputs == 0) {
            return;
        }
        if (split.inner == 0) {
            fill(
                    out,
                    op == ReduceOp.SUM ? 0 : op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
            return;
        }
        if (!x.dtype().isFloating()) {
            context.kernels().elementwise("reduce_integer", outputs, rowsArguments(op, x, split, out));
            return;
        }
        if (split.columnsFirst() && outputs >= 32) {
            reduceColumns(op, x, split, out);
        } else if (split.inner > 4096 && outputs < 16384) {
            context.kernels()
                    .blockRows(
                            "reduce_block_rows",
                            outputs,
                            new Launch()
                                    .i32(op.ordinal())
                                    .i32(x.dtype().ordinal())
                                    .i64(split.inner)
                                    .pointer(pointer(x))
                                    .view(split.kept)
                                    .view(split.reduced)
                                    .i32(out.dtype().ordinal())
                                    .pointer(denseAddress(out)));
        } else {
            context.kernels().warpRows("reduce_warp_rows", outputs, rowsArguments(op, x, split, out));
        }
    }

    /** The arguments of reduce_warp_rows and reduce_integer: an output a warp or a thread. */
    private static Launch rowsArguments(ReduceOp op, Tensor x, Split split, Tensor out) {
        return new Launch()
                .i32(op.ordinal())
                .i32(x.dtype().ordinal())
                .i64(out.numel())
                .i64(split.inner)
                .pointer(pointer(x))
                .view(split.kept)
                .view(split.reduced)
                .i32(out.dtype().ordinal())
                .pointer(denseAddress(out));
    }

    /**
     * Rows of a chunk in the columns strategy's first pass over {@code inner} rows of {@code outputs}
     * columns: about 2^17 threads in all, each summing at least 16 rows.
     */
    static long columnChunk(long inner, long outputs) {
        long wanted = Math.max(1, Math.min((1L << 17) / outputs, inner / 16));
        return (inner + wanted - 1) / wanted;
    }

    /** Two passes: chunks of every output's elements into a partial buffer, then the chunks in order. */
    private void reduceColumns(ReduceOp op, Tensor x, Split split, Tensor out) {
        long outputs = out.numel();
        long chunk = columnChunk(split.inner, outputs);
        int chunks = Math.toIntExact((split.inner + chunk - 1) / chunk);
        Storage partial = allocate(8L * chunks * outputs);
        try {
            context.kernels()
                    .grid(
                            "reduce_columns",
                            (outputs + 255) / 256,
                            chunks,
                            new Launch()
                                    .i32(op.ordinal())
                                    .i32(x.dtype().ordinal())
                                    .i64(outputs)
                                    .i64(split.inner)
                                    .i64(chunk)
                                    .pointer(pointer(x))
                                    .view(split.kept)
                                    .view(split.reduced)
                                    .pointer(pointer(partial)));
            context.kernels()
                    .grid(
                            "reduce_columns_finish",
                            (outputs + 255) / 256,
                            1,
                            new Launch()
                                    .i32(op.ordinal())
                                    .i64(outputs)
                                    .i32(chunks)
                                    .pointer(pointer(partial))
                                    .i32(out.dtype().ordinal())
                                    .pointer(denseAddress(out)));
        } finally {
            partial.free();
        }
    }

    /**
     * x seen as outputs × reduced elements: the view over the kept dims (with x's offset) and the view
     * over the reduced dims (offset 0), each merged where contiguous.
     */
    private record Split(CudaView kept, CudaView reduced, long inner, long keptStride, long reducedStride) {
        static Split of(Tensor x, boolean[] reducedDims) {
            int[] shape = x.shape();
            long[] strides = x.strides();
            List<Integer> kept = new ArrayList<>();
            List<Integer> reduced = new ArrayList<>();
            for (int d = 0; d < shape.length; d++) {
                (reducedDims[d] ? reduced : kept).add(d);
            }
            long inner = 1;
            for (int d : reduced) {
                inner *= shape[d];
            }
            return new Split(
                    sub(x.offset(), shape, strides, kept),
                    sub(0, shape, strides, reduced),
                    inner,
                    smallestStride(shape, strides, kept),
                    smallestStride(shape, strides, reduced));
        }

        /** Consecutive outputs lie closer in memory than consecutive elements of one output. */
        boolean columnsFirst() {
            return keptStride < reducedStride;
        }

        private static CudaView sub(long offset, int[] shape, long[] strides, List<Integer> dims) {
            int[] s = new int[dims.size()];
            long[] t = new long[dims.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = shape[dims.get(i)];
                t[i] = strides[dims.get(i)];
            }
            return CudaView.walk(s, new long[] {offset}, t)[0];
        }

        private static long smallestStride(int[] shape, long[] strides, List<Integer> dims) {
            long smallest = Long.MAX_VALUE;
            for (int d : dims) {
                if (shape[d] > 1) {
                    smallest = Math.min(smallest, Math.abs(strides[d]));
                }
            }
            return smallest;
        }
    }

    @Override
    public synchronized void softmax(Tensor x, boolean log, Tensor out) {
        try (OpTimes.Span _ = times.span("softmax")) {
            softmaxOp(x, log, out);
        }
    }

    private void softmaxOp(Tensor x, boolean log, Tensor out) {
        if (x.dtype() != DType.F32) {
            fallback.run(out, h -> h.cpu().softmax(h.in(0), log, h.out()), x);
            return;
        }
        context.enter();
        long n = x.dim() == 0 ? 1 : x.shape()[x.dim() - 1];
        long rows = n == 0 ? 0 : x.numel() / n;
        context.kernels()
                .warpRows(
                        "softmax_rows",
                        rows,
                        new Launch()
                                .i32(log ? 1 : 0)
                                .i64(rows)
                                .i64(n)
                                .pointer(denseAddress(x))
                                .pointer(denseAddress(out)));
    }

    @Override
    public synchronized void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out) {
        try (OpTimes.Span _ = times.span("layerNorm")) {
            layerNormOp(x, weight, bias, eps, out);
        }
    }

    private void layerNormOp(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out) {
        if (x.dtype() != DType.F32
                || (weight != null && weight.dtype() != DType.F32)
                || (bias != null && bias.dtype() != DType.F32)) {
            fallback.run(out, h -> h.cpu().layerNorm(h.in(0), h.in(1), h.in(2), eps, h.out()), x, weight, bias);
            return;
        }
        context.enter();
        long n = x.dim() == 0 ? 1 : x.shape()[x.dim() - 1];
        long rows = n == 0 ? 0 : x.numel() / n;
        context.kernels()
                .warpRows(
                        "layer_norm_rows",
                        rows,
                        new Launch()
                                .i64(rows)
                                .i64(n)
                                .f64(eps)
                                .pointer(denseAddress(x))
                                .pointer(weight == null ? 0 : denseAddress(weight))
                                .pointer(bias == null ? 0 : denseAddress(bias))
                                .pointer(denseAddress(out)));
    }

    @Override
    public synchronized void layerNormBackward(
            Tensor x, Tensor weight, Tensor gradOut, double eps, Tensor dx, Tensor dWeight, Tensor dBias) {
        if (x.dtype() != DType.F32) {
            Backend.super.layerNormBackward(x, weight, gradOut, eps, dx, dWeight, dBias);
            return;
        }
        try (OpTimes.Span _ = times.span("layerNormBackward")) {
            layerNormBackwardOp(x, weight, gradOut, eps, dx, dWeight, dBias);
        }
    }

    /**
     * reduce.cu's three kernels: dx a warp a row (the register-held variant the row length needs), keeping
     * each row's mean and 1/σ; then dWeight and dBias by the columns strategy, chunks added in order.
     */
    private void layerNormBackwardOp(
            Tensor x, Tensor weight, Tensor gradOut, double eps, Tensor dx, Tensor dWeight, Tensor dBias) {
        context.enter();
        long n = x.shape()[x.dim() - 1];
        long rows = n == 0 ? 0 : x.numel() / n;
        if (rows == 0) {
            return;
        }
        String rowsKernel = n <= 256
                ? "layer_norm_backward_rows_256"
                : n <= 512
                        ? "layer_norm_backward_rows_512"
                        : n <= 768
                                ? "layer_norm_backward_rows_768"
                                : n <= 1024 ? "layer_norm_backward_rows_1024" : "layer_norm_backward_rows_long";
        long chunk = columnChunk(rows, n);
        int chunks = Math.toIntExact((rows + chunk - 1) / chunk);
        Storage stats = allocate(16L * rows);
        Storage partial = allocate(16L * chunks * n);
        try {
            context.kernels()
                    .warpRows(
                            rowsKernel,
                            rows,
                            new Launch()
                                    .i64(rows)
                                    .i64(n)
                                    .f64(eps)
                                    .pointer(denseAddress(x))
                                    .pointer(weight == null ? 0 : denseAddress(weight))
                                    .pointer(denseAddress(gradOut))
                                    .pointer(denseAddress(dx))
                                    .pointer(pointer(stats)));
            context.kernels()
                    .grid(
                            "layer_norm_param_partials",
                            (n + 255) / 256,
                            chunks,
                            new Launch()
                                    .i64(rows)
                                    .i64(n)
                                    .i64(chunk)
                                    .pointer(denseAddress(x))
                                    .pointer(denseAddress(gradOut))
                                    .pointer(pointer(stats))
                                    .pointer(pointer(partial)));
            context.kernels()
                    .grid(
                            "layer_norm_param_finish",
                            (n + 255) / 256,
                            1,
                            new Launch()
                                    .i64(n)
                                    .i32(chunks)
                                    .pointer(pointer(partial))
                                    .pointer(denseAddress(dWeight))
                                    .pointer(denseAddress(dBias)));
        } finally {
            stats.free();
            partial.free();
        }
    }

    @Override
    public synchronized void argmax(Tensor x, int dim, Tensor out) {
        try (OpTimes.Span _ = times.span("argmax")) {
            argmaxOp(x, dim, out);
        }
    }

    private void argmaxOp(Tensor x, int dim, Tensor out) {
        context.enter();
        boolean[] reduced = new boolean[x.dim()];
        if (x.dim() > 0) {
            reduced[dim] = true;
        }
        Split split = Split.of(x, reduced);
        context.kernels()
                .warpRows(
                        "argmax_rows",
                        split.inner == 0 ? 0 : out.numel(),
                        new Launch()
                                .i32(x.dtype().ordinal())
                                .i64(out.numel())
                                .i64(split.inner)
                                .pointer(pointer(x))
                                .view(split.kept)
                                .view(split.reduced)
                                .pointer(denseAddress(out)));
    }

    @Override
    public synchronized void matmul(Tensor a, Tensor b, Tensor out) {
        try (OpTimes.Span _ = times.span("matmul")) {
            matmulOp(a, b, out);
        }
    }

    private void matmulOp(Tensor a, Tensor b, Tensor out) {
        if (a.dtype() != DType.F32 || b.dtype() != DType.F32 || out.dtype() != DType.F32) {
            fallback.run(out, h -> h.cpu().matmul(h.in(0), h.in(1), h.out()), a, b);
            return;
        }
        context.enter();
        if (matmulPrecision == Cublas.Precision.BF16) {
            // autocast for matmuls: operands rounded to bf16, fp32 accumulation and output
            Tensor a16 = a.to(DType.BF16);
            Tensor b16 = b.to(DType.BF16);
            CudaMatmul.run(this, context, Cublas.Precision.BF16, a16, b16, out);
            a16.storage().free(); // stream-ordered: the GEMM queued before it still reads the block
            b16.storage().free();
            return;
        }
        CudaMatmul.run(this, context, matmulPrecision, a, b, out);
    }

    /** A span of {@link #opTimes()} for work queued outside the SPI's methods (splatting, attention). */
    OpTimes.Span timed(String op) {
        return times.span(op);
    }

    /** The precision F32 matmuls run at: {@code jmim.cuda.matmul} / {@code JMIM_CUDA_MATMUL}. */
    public Cublas.Precision matmulPrecision() {
        return matmulPrecision;
    }

    @Override
    public synchronized void gather(Tensor x, int dim, Tensor index, Tensor out) {
        try (OpTimes.Span _ = times.span("gather")) {
            gatherOp(x, dim, index, out);
        }
    }

    private void gatherOp(Tensor x, int dim, Tensor index, Tensor out) {
        context.enter();
        CudaView xv = viewOf(x);
        CudaView iv = viewOf(index);
        try (DeviceFlag bad = new DeviceFlag(this)) {
            context.kernels()
                    .elementwise(
                            "gather",
                            out.numel(),
                            new Launch()
                                    .i32(x.dtype().byteSize())
                                    .i32(dim)
                                    .i32(x.shape()[dim])
                                    .i64(out.numel())
                                    .pointer(pointer(x))
                                    .view(xv)
                                    .pointer(pointer(index))
                                    .view(iv)
                                    .pointer(denseAddress(out))
                                    .pointer(bad.address()));
            bad.throwIfSet(position -> outOfRange("gather", index, position, dim, x.shape()[dim]));
        }
    }

    @Override
    public synchronized void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        try (OpTimes.Span _ = times.span("scatterAdd")) {
            scatterAddOp(out, dim, index, src);
        }
    }

    private void scatterAddOp(Tensor out, int dim, Tensor index, Tensor src) {
        if (out.dtype() != DType.F32 || src.dtype() != DType.F32) {
            fallback.run(out, h -> h.cpu().scatterAdd(h.out(), dim, h.in(0), h.in(1)), index, src);
            return;
        }
        context.enter();
        try (DeviceFlag bad = new DeviceFlag(this)) {
            context.kernels()
                    .elementwise(
                            "scatter_add_f32",
                            index.numel(),
                            new Launch()
                                    .i32(dim)
                                    .i32(out.shape()[dim])
                                    .i64(index.numel())
                                    .pointer(pointer(out))
                                    .view(viewOf(out))
                                    .pointer(pointer(index))
                                    .view(viewOf(index))
                                    .pointer(pointer(src))
                                    .view(viewOf(src))
                                    .pointer(bad.address()));
            bad.throwIfSet(position -> outOfRange("scatter_add", index, position, dim, out.shape()[dim]));
        }
    }

    @Override
    public synchronized void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        try (OpTimes.Span _ = times.span("indexSelect")) {
            indexSelectOp(x, dim, index, out);
        }
    }

    private void indexSelectOp(Tensor x, int dim, Tensor index, Tensor out) {
        context.enter();
        Tensor indices = index.isContiguous() ? index : index.detach().contiguous();
        try (DeviceFlag bad = new DeviceFlag(this)) {
            context.kernels()
                    .elementwise(
                            "index_select",
                            out.numel(),
                            new Launch()
                                    .i32(x.dtype().byteSize())
                                    .i32(dim)
                                    .i32(x.shape()[dim])
                                    .i64(out.numel())
                                    .pointer(pointer(x))
                                    .view(viewOf(x))
                                    .pointer(denseAddress(indices))
                                    .view(viewOf(out))
                                    .pointer(denseAddress(out))
                                    .pointer(bad.address()));
            bad.throwIfSet(position -> outOfRange("index_select", index, position, dim, x.shape()[dim]));
            Reference.reachabilityFence(indices);
        }
    }

    @Override
    public synchronized void argsort(Tensor x, boolean descending, Tensor out) {
        try (OpTimes.Span _ = times.span("argsort")) {
            argsortOp(x, descending, out);
        }
    }

    /** Rows of up to 4,096 keys by {@code argsort_rows} (one block a row, the stable order); longer on the host. */
    private void argsortOp(Tensor x, boolean descending, Tensor out) {
        int n = x.size(-1);
        if (n > ARGSORT_MAX_ROW) {
            fallback.run(out, h -> h.cpu().argsort(h.in(0), descending, h.out()), x);
            return;
        }
        long rows = n == 0 ? 0 : x.numel() / n;
        if (rows == 0) {
            return;
        }
        context.enter();
        context.kernels()
                .blockRows(
                        "argsort_rows",
                        rows,
                        new Launch()
                                .i32(x.dtype().ordinal())
                                .i32(descending ? 1 : 0)
                                .i32(n)
                                .pointer(pointer(x))
                                .view(walk(x, x)[0])
                                .pointer(denseAddress(out)));
    }

    /**
     * F32 through cuFFT (a batched C2C plan, cached per shape, on the device stream; the inverse then
     * scaled by 1/(H·W), which cuFFT leaves out). F64, or where cuFFT did not load, on the host.
     */
    @Override
    public synchronized void fft2(Tensor x, boolean inverse, Tensor out) {
        try (OpTimes.Span _ = times.span("fft2")) {
            fft2Op(x, inverse, out);
        }
    }

    private void fft2Op(Tensor x, boolean inverse, Tensor out) {
        int h = x.size(-3);
        int w = x.size(-2);
        long batch = x.numel() / (2L * h * w);
        if (x.dtype() != DType.F32 || !CudaLibraries.cufft().loaded() || batch > Integer.MAX_VALUE) {
            fallback.run(out, c -> c.cpu().fft2(c.in(0), inverse, c.out()), x);
            return;
        }
        if (batch == 0) {
            return;
        }
        context.enter();
        int plan = fftPlans.plan(h, w, (int) batch, context.stream());
        Cufft.execute(plan, denseAddress(x), denseAddress(out), inverse);
        if (inverse) {
            Tensor scale = Tensor.full(1.0 / ((double) h * w), DType.F32, device());
            binary(BinaryOp.MUL, out, scale.expand(out.shape()), out);
        }
    }

    /** One pass of {@code adamw_f32} (the composite's float operations in its order: the same bits). */
    @Override
    public synchronized void adamw(AdamwStep step, Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq) {
        try (OpTimes.Span _ = times.span("adamw")) {
            adamwOp(step, param, grad, expAvg, expAvgSq);
        }
    }

    private void adamwOp(AdamwStep step, Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq) {
        Tensor gradient = grad.isContiguous() ? grad : grad.detach().contiguous();
        AdamwStep.Factors f = step.factors();
        context.enter();
        context.kernels()
                .elementwise(
                        "adamw_f32",
                        param.numel(),
                        new Launch()
                                .i64(param.numel())
                                .f32(f.decay())
                                .f32(f.beta1())
                                .f32(f.oneMinusBeta1())
                                .f32(f.beta2())
                                .f32(f.oneMinusBeta2())
                                .f32(f.sqrtCorrection2())
                                .f32(f.eps())
                                .f32(f.stepSize())
                                .pointer(denseAddress(param))
                                .pointer(denseAddress(gradient))
                                .pointer(denseAddress(expAvg))
                                .pointer(denseAddress(expAvgSq)));
        Reference.reachabilityFence(gradient);
    }

    /** F32 by {@code random_f32} (Philox's mapping on the device); other dtypes on the host. */
    @Override
    public synchronized void random(Distribution distribution, PhiloxState at, Tensor out) {
        try (OpTimes.Span _ = times.span("random")) {
            randomOp(distribution, at, out);
        }
    }

    private void randomOp(Distribution distribution, PhiloxState at, Tensor out) {
        if (out.dtype() != DType.F32) {
            fallback.run(out, h -> h.cpu().random(distribution, at, h.out()));
            return;
        }
        double[] p =
                switch (distribution) {
                    case Distribution.Uniform u -> new double[] {0, u.low(), u.high(), 0, 0};
                    case Distribution.Normal g -> new double[] {1, g.mean(), g.std(), 0, 0};
                    case Distribution.TruncatedNormal t -> new double[] {2, t.mean(), t.std(), t.a(), t.b()};
                };
        context.enter();
        context.kernels()
                .elementwise(
                        "random_f32",
                        out.numel(),
                        new Launch()
                                .i32((int) p[0])
                                .i64(out.numel())
                                .i64(at.seed())
                                .i64(at.stream())
                                .i64(at.offset())
                                .f64(p[1])
                                .f64(p[2])
                                .f64(p[3])
                                .f64(p[4])
                                .pointer(denseAddress(out)));
    }

    /**
     * The flash-style kernel ({@link CudaAttention}) at the matmuls' precision ({@link #attention}),
     * unless {@code jmim.cuda.attention=composite}: on an H100 the fp32 kernel holds a MAE ViT-B step at
     * batch 256 in 41.0 GiB instead of 55.5, and runs it 2% (fp32) to 4% (TF32) slower than the
     * composite, whose GEMMs use cuBLAS (bench/results, bench/NOTES.md).
     */
    @Override
    public Optional<FusedAttention> fusedAttention() {
        return attention;
    }

    /**
     * The flash-style kernel at a chosen precision, whatever {@code jmim.cuda.matmul} says: BF16 runs on
     * the tensor cores (inputs rounded to bf16, fp32 accumulation; what the bf16 autocast uses), FP32 and
     * TF32 on the CUDA cores in fp32.
     */
    public FusedAttention attention(Cublas.Precision precision) {
        return precision == Cublas.Precision.BF16 ? tensorCoreAttention : simtAttention;
    }

    @Override
    public Optional<Splatting> splatting() {
        return Optional.of(splatting);
    }

    // ---------------------------------------------------------------- helpers

    /** Base device pointer of a tensor's storage (kernels add the view's offset themselves). */
    static long pointer(Tensor t) {
        return pointer(t.storage());
    }

    private static long pointer(Storage s) {
        if (!(s instanceof CudaStorage cuda)) {
            throw new IllegalArgumentException("expected a CUDA tensor storage, got one on " + s.device());
        }
        if (cuda.isFreed()) {
            throw new IllegalStateException("a tensor on " + s.device() + " was used after its storage was freed");
        }
        return cuda.pointer();
    }

    /** Address of the first element of a tensor the front end guarantees contiguous. */
    static long denseAddress(Tensor t) {
        return pointer(t) + t.offset() * t.dtype().byteSize();
    }

    /** The views of operands walked together over {@code shapeOf}'s shape. */
    private static CudaView[] walk(Tensor shapeOf, Tensor... operands) {
        long[] offsets = new long[operands.length];
        long[][] strides = new long[operands.length][];
        for (int i = 0; i < operands.length; i++) {
            offsets[i] = operands[i].offset();
            strides[i] = operands[i].strides();
        }
        return CudaView.walk(shapeOf.shape(), offsets, strides);
    }

    /** A tensor's own view, unmerged (indexing kernels address dims by number). */
    private static CudaView viewOf(Tensor t) {
        return new CudaView(t.offset(), t.strides(), t.shape());
    }

    private static IndexOutOfBoundsException outOfRange(String op, Tensor index, long position, int dim, int size) {
        int[] at = new int[index.dim()];
        Shapes.unravel(position, index.shape(), at);
        long value = index.detach()
                .reshape(-1)
                .select(0, (int) position)
                .to(DType.I64)
                .toLongArray()[0];
        return Shapes.indexOutOfRange(op, value, at, dim, size);
    }

    /** A device int64 set to -1, which kernels set to the first bad position they meet. */
    private static final class DeviceFlag implements AutoCloseable {
        private final CudaBackend cuda;
        private final Storage storage;

        DeviceFlag(CudaBackend cuda) {
            this.cuda = cuda;
            this.storage = cuda.allocate(8);
            Cuda.memset(pointer(storage), (byte) 0xff, 8, cuda.context.stream());
        }

        long address() {
            return pointer(storage);
        }

        void throwIfSet(java.util.function.LongFunction<RuntimeException> error) {
            MemorySegment host = MemorySegment.ofArray(new long[1]);
            cuda.copyToHost(storage, 0, host, 8);
            long position = host.get(ValueLayout.JAVA_LONG, 0);
            if (position >= 0) {
                throw error.apply(position);
            }
        }

        @Override
        public void close() {
            storage.free();
        }
    }
}
