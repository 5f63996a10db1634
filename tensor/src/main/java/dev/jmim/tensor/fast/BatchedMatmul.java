package dev.jmim.tensor.fast;

import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.Shapes;
import dev.jmim.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * [..., M, K] @ [..., K, N] (+ a bias row) → dense [..., M, N]: one {@link Gemm} per batch element, batch dims by
 * stride. Many small GEMMs (attention's per-head products) are split across threads by batch
 * element; large ones split their rows.
 */
final class BatchedMatmul {
    private BatchedMatmul() {}

    /** Below this many multiply-adds per batch element, threads split the batch, not each GEMM. */
    private static final long SMALL_GEMM = 1L << 20;

    /** out = a·b, plus bias (a dense F32 [N], or null) on every row. */
    static void run(Tensor a, Tensor b, Tensor bias, Tensor out, Parallel parallel) {
        int rank = out.dim();
        int m = out.size(-2);
        int n = out.size(-1);
        int k = a.size(-1);
        int[] batchShape = java.util.Arrays.copyOf(out.shape(), rank - 2);
        long batches = Shapes.numel(batchShape);
        MemorySegment biasRow =
                bias == null ? null : HostStorage.segmentOf(bias).asSlice(bias.offset() * 4, n * 4L);
        boolean splitBatch = batches >= parallel.threads() && (long) m * n * k < SMALL_GEMM;
        int parts = splitBatch ? (int) Math.min(batches, (long) Parallel.PARTS_PER_THREAD * parallel.threads()) : 1;
        // A GEMM started inside a part runs on that part's thread (Parallel runs nested calls
        // inline); each output element is still computed by one thread in one order.
        parallel.run(parts, part -> {
            for (long batch = batches * part / parts; batch < batches * (part + 1) / parts; batch++) {
                multiplyOne(a, b, biasRow, out, batch, batchShape, m, n, k, parallel);
            }
        });
    }

    private static void multiplyOne(
            Tensor a,
            Tensor b,
            MemorySegment bias,
            Tensor out,
            long batch,
            int[] batchShape,
            int m,
            int n,
            int k,
            Parallel parallel) {
        long aOffset = a.offset();
        long bOffset = b.offset();
        long cOffset = out.offset();
        long rest = batch;
        for (int d = batchShape.length - 1; d >= 0; d--) {
            long index = rest % batchShape[d];
            rest /= batchShape[d];
            aOffset += index * a.stride(d);
            bOffset += index * b.stride(d);
            cOffset += index * out.stride(d);
        }
        Gemm.multiply(
                m,
                n,
                k,
                new Gemm.Matrix(HostStorage.segmentOf(a), aOffset, a.stride(-2), a.stride(-1)),
                new Gemm.Matrix(HostStorage.segmentOf(b), bOffset, b.stride(-2), b.stride(-1)),
                bias,
                new Gemm.Matrix(HostStorage.segmentOf(out), cOffset, out.stride(-2), 1),
                parallel);
    }
}
