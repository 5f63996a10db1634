package dev.jmim.tensor.fast;

import dev.jmim.tensor.AdamwStep;
import dev.jmim.tensor.BinaryOp;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.FusedAttention;
import dev.jmim.tensor.ReduceOp;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.UnaryOp;
import dev.jmim.tensor.naive.NaiveBackend;
import java.lang.ref.Reference;
import java.util.Locale;
import java.util.Optional;

/**
 * The default CPU backend: Vector API kernels on a fixed thread partition for F32 (GEMM,
 * elementwise with broadcasting, reductions, fused softmax and layer_norm, copies and casts to and
 * from F32, gather / scatter_add / index_select of whole rows, attention), and the reference loops it inherits
 * from {@link NaiveBackend} for everything else (other dtypes, element-wise indexing, argsort,
 * random).
 */
public final class FastBackend extends NaiveBackend {
    private final Parallel parallel;
    /** Empty where {@code jmim.cpu.attention=composite} asks for the composite of primitives instead. */
    private final Optional<FusedAttention> attention;

    public FastBackend(int threads) {
        this.parallel = new Parallel(threads);
        String mode = System.getProperty("jmim.cpu.attention", System.getenv("JMIM_CPU_ATTENTION"));
        this.attention = switch (mode == null ? "fused" : mode.toLowerCase(Locale.ROOT)) {
            case "fused" -> Optional.of(new FastAttention(parallel));
            case "composite" -> Optional.empty();
            default ->
                throw new IllegalArgumentException(
                        "jmim.cpu.attention must be 'fused' or 'composite', got '" + mode + "'");
        };
    }

    @Override
    public Optional<FusedAttention> fusedAttention() {
        return attention;
    }

    @Override
    public String name() {
        return "fast";
    }

    @Override
    public int threads() {
        return parallel.threads();
    }

    @Override
    public void copy(Tensor x, Tensor out) {
        if (Elementwise.copies(x.dtype(), out.dtype())) {
            holding(() -> Elementwise.copy(x, out, parallel), x, out);
        } else {
            super.copy(x, out);
        }
    }

    @Override
    public void fill(Tensor out, double value) {
        if (out.dtype() == DType.F32) {
            holding(() -> Elementwise.fill(out, (float) value, parallel), out);
        } else {
            super.fill(out, value);
        }
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        if (x.dtype() == DType.F32 && out.dtype() == DType.F32) {
            holding(() -> Elementwise.unary(op, x, out, parallel), x, out);
        } else {
            super.unary(op, x, out);
        }
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        if (a.dtype() == DType.F32 && b.dtype() == DType.F32) {
            holding(() -> Elementwise.binary(op, a, b, out, parallel), a, b, out);
        } else {
            super.binary(op, a, b, out);
        }
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        if (out.dtype() == DType.F32 && a.dtype() == DType.F32 && b.dtype() == DType.F32) {
            holding(() -> Elementwise.where(cond, a, b, out, parallel), cond, a, b, out);
        } else {
            super.where(cond, a, b, out);
        }
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, boolean[] reduced, Tensor out) {
        if (x.dtype() == DType.F32 && x.numel() > 0) {
            holding(() -> Reductions.reduce(op, x, reduced, out, parallel), x, out);
        } else {
            super.reduce(op, x, reduced, out);
        }
    }

    @Override
    public void softmax(Tensor x, boolean log, Tensor out) {
        if (x.dtype() == DType.F32) {
            holding(() -> RowKernels.softmax(x, log, out, parallel), x, out);
        } else {
            super.softmax(x, log, out);
        }
    }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out) {
        if (x.dtype() == DType.F32) {
            holding(() -> RowKernels.layerNorm(x, weight, bias, eps, out, parallel), x, weight, bias, out);
        } else {
            super.layerNorm(x, weight, bias, eps, out);
        }
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        if (out.dtype() == DType.F32) {
            holding(() -> BatchedMatmul.run(a, b, null, out, parallel), a, b, out);
        } else {
            super.matmul(a, b, out);
        }
    }

    @Override
    public void addmm(Tensor bias, Tensor a, Tensor b, Tensor out) {
        if (out.dtype() == DType.F32) {
            holding(() -> BatchedMatmul.run(a, b, bias, out, parallel), bias, a, b, out);
        } else {
            super.addmm(bias, a, b, out);
        }
    }

    @Override
    public void gather(Tensor x, int dim, Tensor index, Tensor out) {
        if (!holding(() -> Indexing.gather(x, dim, index, out, parallel), x, index, out)) {
            super.gather(x, dim, index, out);
        }
    }

    @Override
    public void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        if (!holding(() -> Indexing.scatterAdd(out, dim, index, src), out, index, src)) {
            super.scatterAdd(out, dim, index, src);
        }
    }

    @Override
    public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        if (!holding(() -> Indexing.indexSelect(x, dim, index, out, parallel), x, index, out)) {
            super.indexSelect(x, dim, index, out);
        }
    }

    @Override
    public void fft2(Tensor x, boolean inverse, Tensor out) {
        holding(() -> Fft.fft2(x, inverse, out, parallel), x, out);
    }

    @Override
    public void layerNormBackward(
            Tensor x, Tensor weight, Tensor gradOut, double eps, Tensor dx, Tensor dWeight, Tensor dBias) {
        if (x.dtype() == DType.F32) {
            holding(
                    () -> LayerNormBackward.run(x, weight, gradOut, eps, dx, dWeight, dBias, parallel),
                    x,
                    weight,
                    gradOut,
                    dx,
                    dWeight,
                    dBias);
        } else {
            super.layerNormBackward(x, weight, gradOut, eps, dx, dWeight, dBias);
        }
    }

    @Override
    public void adamw(AdamwStep step, Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq) {
        if (!holding(
                () -> FusedAdamw.run(step, param, grad, expAvg, expAvgSq, parallel), param, grad, expAvg, expAvgSq)) {
            super.adamw(step, param, grad, expAvg, expAvgSq);
        }
    }

    /**
     * Runs a kernel that reaches the tensors' memory through raw segments, keeping the tensors, and
     * so their memory, reachable until it ends: a tensor the caller no longer references could
     * otherwise be collected mid-kernel and its memory released under the kernel's feet.
     */
    private static void holding(Runnable kernel, Tensor... tensors) {
        try {
            kernel.run();
        } finally {
            Reference.reachabilityFence(tensors);
        }
    }

    /** {@link #holding(Runnable, Tensor...)} for a kernel that may decline (returns false). */
    private static boolean holding(java.util.function.BooleanSupplier kernel, Tensor... tensors) {
        try {
            return kernel.getAsBoolean();
        } finally {
            Reference.reachabilityFence(tensors);
        }
    }
}
