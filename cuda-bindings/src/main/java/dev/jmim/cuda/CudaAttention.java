package dev.jmim.cuda;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.FusedAttention;
import dev.jmim.tensor.Tensor;

/**
 * Flash-style attention on the GPU for F32 heads of 32 or 64, keeping each row's log-sum-exp for a
 * backward that recomputes the probabilities without atomics. Two kernel families: fp32 on the CUDA
 * cores ({@code attention.cu}: one thread per query row; dV, dK and dQ in three passes), and the
 * tensor cores, what the bf16 autocast ({@code jmim.cuda.matmul=bf16}) uses ({@code
 * attention_bf16.cu}: q, k, v and the output's gradient rounded to bf16, fp32 accumulation and softmax;
 * a warp per 16 rows; dK with dV in one pass, dQ in another).
 */
final class CudaAttention implements FusedAttention {
    /** Rows a block owns, and rows of the other side per step (ROWS and TILE in the kernels). */
    private static final int ROWS = 64;

    private final CudaBackend cuda;
    private final CudaContext context;
    private final boolean tensorCores;

    CudaAttention(CudaBackend cuda, CudaContext context, boolean tensorCores) {
        this.cuda = cuda;
        this.context = context;
        this.tensorCores = tensorCores;
    }

    @Override
    public boolean supports(int headDim, DType dtype) {
        return dtype == DType.F32 && (headDim == 32 || headDim == 64);
    }

    @Override
    public Forward forward(Tensor q, Tensor k, Tensor v, double scale) {
        int[] shape = q.shape();
        for (Tensor t : new Tensor[] {q, k, v}) {
            if (t.dim() != 4
                    || !java.util.Arrays.equals(t.shape(), shape)
                    || !supports(t.size(3), t.dtype())
                    || t.device() != cuda.device()) {
                throw new IllegalArgumentException("CUDA attention takes q, k and v of one shape [B, H, N, Dh], F32,"
                        + " Dh 32 or 64, on " + cuda.device() + "; got " + t.describe());
            }
        }
        Tensor[] heads = {unitLast(q), unitLast(k), unitLast(v)};
        int batch = shape[0];
        int headCount = shape[1];
        int n = shape[2];
        int d = shape[3];
        Tensor out = Tensor.empty(DType.F32, cuda.device(), shape);
        Tensor lse = Tensor.empty(DType.F32, cuda.device(), batch, headCount, n);
        if (out.numel() > 0) {
            synchronized (cuda) {
                try (OpTimes.Span _ = cuda.timed("attention forward")) {
                    context.enter();
                    context.kernels()
                            .blocks(
                                    (tensorCores ? "attention_bf16_forward_d" : "attention_forward_d") + d,
                                    (n + ROWS - 1) / ROWS,
                                    batch * headCount,
                                    threadsPerBlock(),
                                    arguments(headCount, n, scale, heads)
                                            .pointer(CudaBackend.denseAddress(out))
                                            .pointer(CudaBackend.denseAddress(lse)));
                }
            }
        }
        return new Forward() {
            @Override
            public Tensor out() {
                return out;
            }

            @Override
            public Tensor[] backward(Tensor gradOut) {
                return CudaAttention.this.backward(heads, out, lse, gradOut.contiguous(), scale);
            }
        };
    }

    private Tensor[] backward(Tensor[] heads, Tensor out, Tensor lse, Tensor grad, double scale) {
        int[] shape = out.shape();
        int headCount = shape[1];
        int n = shape[2];
        int d = shape[3];
        long rows = (long) shape[0] * headCount * n;
        Tensor[] grads = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            grads[i] = Tensor.empty(DType.F32, cuda.device(), shape);
        }
        if (rows == 0 || d == 0) {
            return grads;
        }
        Tensor delta = Tensor.empty(DType.F32, cuda.device(), shape[0], headCount, n);
        synchronized (cuda) {
            try (OpTimes.Span _ = cuda.timed("attention backward")) {
                context.enter();
                context.kernels()
                        .elementwise(
                                (tensorCores ? "attention_bf16_row_dots_d" : "attention_row_dots_d") + d,
                                rows,
                                new Launch()
                                        .i64(rows)
                                        .pointer(CudaBackend.denseAddress(out))
                                        .pointer(CudaBackend.denseAddress(grad))
                                        .pointer(CudaBackend.denseAddress(delta)));
                if (tensorCores) {
                    tensorCoreGradients(heads, grad, lse, delta, scale, grads);
                } else {
                    String[] kernels = {"attention_dq_d", "attention_dk_d", "attention_dv_d"};
                    for (int i = 0; i < 3; i++) {
                        context.kernels()
                                .blocks(
                                        kernels[i] + d,
                                        (n + ROWS - 1) / ROWS,
                                        shape[0] * headCount,
                                        ROWS,
                                        arguments(headCount, n, scale, heads)
                                                .pointer(CudaBackend.denseAddress(grad))
                                                .pointer(CudaBackend.denseAddress(lse))
                                                .pointer(CudaBackend.denseAddress(delta))
                                                .pointer(CudaBackend.denseAddress(grads[i])));
                    }
                }
            }
        }
        delta.storage().free();
        return grads;
    }

    /** attention_bf16.cu's two passes: dK with dV over key tiles, then dQ over query tiles. */
    private void tensorCoreGradients(
            Tensor[] heads, Tensor grad, Tensor lse, Tensor delta, double scale, Tensor[] grads) {
        int[] shape = grad.shape();
        long[] strides = grad.strides();
        int d = shape[3];
        long blocks = (shape[2] + ROWS - 1) / ROWS;
        int grid = shape[0] * shape[1];
        context.kernels()
                .blocks(
                        "attention_bf16_dkdv_d" + d,
                        blocks,
                        grid,
                        threadsPerBlock(),
                        arguments(shape[1], shape[2], scale, heads)
                                .struct(CudaBackend.denseAddress(grad), strides[0], strides[1], strides[2])
                                .pointer(CudaBackend.denseAddress(lse))
                                .pointer(CudaBackend.denseAddress(delta))
                                .pointer(CudaBackend.denseAddress(grads[1]))
                                .pointer(CudaBackend.denseAddress(grads[2])));
        context.kernels()
                .blocks(
                        "attention_bf16_dq_d" + d,
                        blocks,
                        grid,
                        threadsPerBlock(),
                        arguments(shape[1], shape[2], scale, heads)
                                .struct(CudaBackend.denseAddress(grad), strides[0], strides[1], strides[2])
                                .pointer(CudaBackend.denseAddress(lse))
                                .pointer(CudaBackend.denseAddress(delta))
                                .pointer(CudaBackend.denseAddress(grads[0])));
    }

    /** A thread per row for the fp32 kernels; four warps of 16 rows each for the tensor-core ones. */
    private int threadsPerBlock() {
        return tensorCores ? 128 : ROWS;
    }

    /** heads, n, scale and the three views as {@code Heads} structs (base, batch, head and row strides). */
    private static Launch arguments(int headCount, int n, double scale, Tensor[] heads) {
        Launch launch = new Launch().i32(headCount).i32(n).f32((float) scale);
        for (Tensor t : heads) {
            long[] strides = t.strides();
            launch.struct(CudaBackend.denseAddress(t), strides[0], strides[1], strides[2]);
        }
        return launch;
    }

    /** The view itself where its last dim has unit stride, else a contiguous copy. */
    private static Tensor unitLast(Tensor t) {
        return t.strides()[3] == 1 || t.size(3) == 1 ? t : t.contiguous();
    }
}
