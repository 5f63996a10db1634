package dev.jmim.cuda;

import dev.jmim.tensor.Tensor;
import java.lang.ref.Reference;

/**
 * Row-major batched {@code out = a · b} through cuBLAS, which is column-major: the product is computed
 * as {@code outᵀ = bᵀ · aᵀ}, reading each operand in place when its last two dims are row-major or
 * transposed with a usable leading dimension and its batch dims step by one stride (0 for a broadcast
 * operand); other operands are first copied dense on the device.
 */
final class CudaMatmul {
    private CudaMatmul() {}

    /** How cuBLAS reads one operand: in place, transposed or not, with its leading dim and batch stride. */
    private record Operand(long address, boolean transpose, int leading, long batchStride, Tensor copy) {}

    static void run(CudaBackend cuda, CudaContext context, Cublas.Precision precision, Tensor a, Tensor b, Tensor out) {
        int rank = out.dim();
        int m = out.shape()[rank - 2];
        int n = out.shape()[rank - 1];
        int k = a.shape()[rank - 1];
        long batch = out.numel() / Math.max(1L, (long) m * n);
        if (out.numel() == 0) {
            return;
        }
        if (k == 0) {
            cuda.fill(out, 0);
            return;
        }
        // outᵀ (n×m) = op(b as stored) · op(a as stored): b plays cuBLAS's A, a plays its B.
        Operand first = operand(cuda, b, k, n);
        Operand second = operand(cuda, a, m, k);
        Cublas.gemm(
                context.cublas(),
                precision,
                first.transpose,
                second.transpose,
                n,
                m,
                k,
                first.address,
                first.leading,
                first.batchStride,
                second.address,
                second.leading,
                second.batchStride,
                CudaBackend.denseAddress(out),
                n,
                (long) m * n,
                Math.toIntExact(batch));
        // a dense copy's storage must not be freed (and its block reused) before the GEMM is queued
        Reference.reachabilityFence(first.copy);
        Reference.reachabilityFence(second.copy);
    }

    /**
     * A row-major [..., rows, cols] operand as cuBLAS reads it for {@code outᵀ = bᵀ·aᵀ}: stored row-major
     * (unit column stride), column-major memory holds its transpose, which is what the product needs, so
     * no transpose flag; stored column-major (unit row stride), cuBLAS must transpose it.
     */
    private static Operand operand(CudaBackend cuda, Tensor t, int rows, int cols) {
        int rank = t.dim();
        long rowStride = t.strides()[rank - 2];
        long colStride = t.strides()[rank - 1];
        long batchStride = batchStride(t);
        if (batchStride >= 0) {
            long address = CudaBackend.denseAddress(t);
            if ((colStride == 1 || cols == 1) && (rowStride >= Math.max(1, cols) || rows == 1)) {
                return new Operand(
                        address, false, (int) (rows == 1 ? Math.max(1, cols) : rowStride), batchStride, null);
            }
            if ((rowStride == 1 || rows == 1) && (colStride >= Math.max(1, rows) || cols == 1)) {
                return new Operand(address, true, (int) (cols == 1 ? Math.max(1, rows) : colStride), batchStride, null);
            }
        }
        Tensor dense = t.detach().contiguous();
        return new Operand(CudaBackend.denseAddress(dense), false, Math.max(1, cols), (long) rows * cols, dense);
    }

    /** The one stride between consecutive matrices of t's batch dims, or -1 when there is none. */
    private static long batchStride(Tensor t) {
        int batchDims = t.dim() - 2;
        long stride = -1;
        long expectedNext = -1;
        for (int d = batchDims - 1; d >= 0; d--) {
            if (t.shape()[d] == 1) {
                continue;
            }
            long s = t.strides()[d];
            if (stride < 0) {
                stride = s;
                expectedNext = s * t.shape()[d];
            } else if (s == expectedNext || (s == 0 && stride == 0)) {
                expectedNext = s * t.shape()[d];
            } else {
                return -1;
            }
        }
        long matrix = (long) t.shape()[t.dim() - 2] * t.shape()[t.dim() - 1];
        return stride < 0 ? matrix : stride;
    }
}
