package dev.jmim.cuda;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.FusedAttention;
import dev.jmim.tensor.Tensor;

/**
 * Flash-style attention on the GPU ({@code attention.cu}) for F32 heads of 32 or 64: one thread per
 * query row over key tiles in shared memory, keeping each row's log-sum-exp; the backward recomputes the
 * probabilities in three passes (dV and dK over keys, dQ over queries) without atomics.
 */
final class CudaAttention implements FusedAttention {
    /** Rows a block owns, one per thread (ROWS in attention.cu). */
    private static final int ROWS = 64;

    private final CudaBackend cuda;
    private final CudaContext context;

    CudaAttention(CudaBackend cuda, CudaContext context) {
        this.cuda = cuda;
        this.context = context;
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
                                    "attention_forward_d" + d,
                                    (n + ROWS - 1) / ROWS,
                                    batch * headCount,
                                    ROWS,
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
                                "attention_row_dots_d" + d,
                                rows,
                                new Launch()
                                        .i64(rows)
                                        .pointer(CudaBackend.denseAddress(out))
                                        .pointer(CudaBackend.denseAddress(grad))
                                        .pointer(CudaBackend.denseAddress(delta)));
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
        delta.storage().free();
        return grads;
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
