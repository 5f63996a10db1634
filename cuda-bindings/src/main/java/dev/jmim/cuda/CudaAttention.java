package dev.jmim.cuda;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.FusedAttention;
import dev.jmim.tensor.Tensor;
import java.util.Arrays;

/**
 * Flash-style attention on the GPU for F32 heads of 32 or 64, keeping each row's log-sum-exp for a
 * backward that recomputes the probabilities without atomics. Two kernel families: fp32 on the CUDA
 * cores ({@code attention.cu}: one thread per query row; dV, dK and dQ in three passes), and the
 * tensor cores, what the bf16 autocast ({@code jmim.cuda.matmul=bf16}) uses ({@code
 * attention_bf16.cu}: q, k, v and the output's gradient rounded to bf16, fp32 accumulation and softmax;
 * a warp per 16 rows; dK with dV in one pass, dQ in another). No copies around the kernels: q, k, v
 * and the output's gradient are read in place where their rows have unit stride, the output is stored in
 * [B, N, H, Dh] order (merging the heads is a view), and {@link Forward#backwardInto} writes the
 * gradients into the caller's views (a packed qkv gradient).
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
                    || !Arrays.equals(t.shape(), shape)
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
        // rows stored in [B, N, H, Dh] order: merging the heads into [B, N, H·Dh], as every caller does
        // next, is then a view, and so is its gradient on the way back
        Tensor out =
                Tensor.empty(DType.F32, cuda.device(), batch, n, headCount, d).transpose(1, 2);
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
                                            .struct(view(out))
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
                Tensor[] grads = new Tensor[3];
                for (int i = 0; i < 3; i++) {
                    grads[i] = Tensor.empty(DType.F32, cuda.device(), shape);
                }
                backwardInto(gradOut, grads[0], grads[1], grads[2]);
                return grads;
            }

            @Override
            public void backwardInto(Tensor gradOut, Tensor dq, Tensor dk, Tensor dv) {
                for (Tensor t : new Tensor[] {gradOut, dq, dk, dv}) {
                    if (!Arrays.equals(t.shape(), shape) || t.dtype() != DType.F32 || t.device() != cuda.device()) {
                        throw new IllegalArgumentException("CUDA attention's backward takes the output's gradient"
                                + " and dq, dk, dv of the output's shape " + Arrays.toString(shape) + ", F32, on "
                                + cuda.device() + "; got " + t.describe());
                    }
                }
                Tensor[] grads = {dq, dk, dv};
                for (Tensor t : grads) {
                    if (t.stride(3) != 1) {
                        throw new IllegalArgumentException("CUDA attention writes gradient rows of unit stride along"
                                + " Dh; got " + t.describe() + " (pass a contiguous tensor or a view of one)");
                    }
                }
                CudaAttention.this.backward(heads, out, lse, unitLast(gradOut), scale, grads);
            }
        };
    }

    /**
     * delta = rowsum(dO·O), then the gradient passes, each writing its rows into its view of {@code
     * grads}: dQ, dK and dV in three (fp32), or dK with dV, then dQ (tensor cores).
     */
    private void backward(Tensor[] heads, Tensor out, Tensor lse, Tensor grad, double scale, Tensor[] grads) {
        int[] shape = out.shape();
        int headCount = shape[1];
        int n = shape[2];
        int d = shape[3];
        long rows = (long) shape[0] * headCount * n;
        if (rows == 0 || d == 0) {
            return;
        }
        Tensor delta = Tensor.empty(DType.F32, cuda.device(), shape[0], headCount, n);
        long blocks = (n + ROWS - 1) / ROWS;
        int grid = shape[0] * headCount;
        synchronized (cuda) {
            try (OpTimes.Span _ = cuda.timed("attention backward")) {
                context.enter();
                context.kernels()
                        .elementwise(
                                (tensorCores ? "attention_bf16_row_dots_d" : "attention_row_dots_d") + d,
                                rows,
                                new Launch()
                                        .i64(rows)
                                        .i32(headCount)
                                        .i32(n)
                                        .struct(view(out))
                                        .struct(view(grad))
                                        .pointer(CudaBackend.denseAddress(delta)));
                if (tensorCores) {
                    context.kernels()
                            .blocks(
                                    "attention_bf16_dkdv_d" + d,
                                    blocks,
                                    grid,
                                    threadsPerBlock(),
                                    gradientArguments(heads, grad, lse, delta, scale)
                                            .struct(view(grads[1]))
                                            .struct(view(grads[2])));
                    context.kernels()
                            .blocks(
                                    "attention_bf16_dq_d" + d,
                                    blocks,
                                    grid,
                                    threadsPerBlock(),
                                    gradientArguments(heads, grad, lse, delta, scale)
                                            .struct(view(grads[0])));
                } else {
                    String[] kernels = {"attention_dq_d", "attention_dk_d", "attention_dv_d"};
                    for (int i = 0; i < 3; i++) {
                        context.kernels()
                                .blocks(
                                        kernels[i] + d,
                                        blocks,
                                        grid,
                                        ROWS,
                                        gradientArguments(heads, grad, lse, delta, scale)
                                                .struct(view(grads[i])));
                    }
                }
            }
        }
        delta.storage().free();
    }

    /** The passes' common arguments: heads, n, scale, q, k, v and the output's gradient, lse and delta. */
    private static Launch gradientArguments(Tensor[] heads, Tensor grad, Tensor lse, Tensor delta, double scale) {
        int[] shape = grad.shape();
        return arguments(shape[1], shape[2], scale, heads)
                .struct(view(grad))
                .pointer(CudaBackend.denseAddress(lse))
                .pointer(CudaBackend.denseAddress(delta));
    }

    /** A thread per row for the fp32 kernels; four warps of 16 rows each for the tensor-core ones. */
    private int threadsPerBlock() {
        return tensorCores ? 128 : ROWS;
    }

    /** heads, n, scale and the three views as {@code Heads} structs. */
    private static Launch arguments(int headCount, int n, double scale, Tensor[] heads) {
        Launch launch = new Launch().i32(headCount).i32(n).f32((float) scale);
        for (Tensor t : heads) {
            launch.struct(view(t));
        }
        return launch;
    }

    /** A [B, H, N, Dh] view as attention.cuh's {@code HeadsOf}: its first element, batch, head and row strides. */
    private static long[] view(Tensor t) {
        long[] strides = t.strides();
        return new long[] {CudaBackend.denseAddress(t), strides[0], strides[1], strides[2]};
    }

    /** The view itself where its last dim has unit stride, else a contiguous copy. */
    private static Tensor unitLast(Tensor t) {
        return t.strides()[3] == 1 || t.size(3) == 1 ? t : t.contiguous();
    }
}
