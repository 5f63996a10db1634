package dev.jmim.tensor.fast;

import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.Shapes;
import dev.jmim.tensor.Tensor;

/** [..., M, K] @ [..., K, N] → dense [..., M, N]: one {@link Gemm} per batch element, batch dims by stride. */
final class BatchedMatmul {
    private BatchedMatmul() {}

    static void run(Tensor a, Tensor b, Tensor out, Parallel parallel) {
        int rank = out.dim();
        int m = out.size(-2);
        int n = out.size(-1);
        int k = a.size(-1);
        int[] batchShape = java.util.Arrays.copyOf(out.shape(), rank - 2);
        long batches = Shapes.numel(batchShape);
        int[] index = new int[rank - 2];
        for (long batch = 0; batch < batches; batch++) {
            long aOffset = a.offset();
            long bOffset = b.offset();
            long cOffset = out.offset();
            for (int d = 0; d < index.length; d++) {
                aOffset += index[d] * a.stride(d);
                bOffset += index[d] * b.stride(d);
                cOffset += index[d] * out.stride(d);
            }
            Gemm.multiply(
                    m,
                    n,
                    k,
                    new Gemm.Matrix(segment(a), aOffset, a.stride(-2), a.stride(-1)),
                    new Gemm.Matrix(segment(b), bOffset, b.stride(-2), b.stride(-1)),
                    segment(out),
                    cOffset,
                    out.stride(-2),
                    parallel);
            for (int d = index.length - 1; d >= 0; d--) {
                if (++index[d] < batchShape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
    }

    private static java.lang.foreign.MemorySegment segment(Tensor t) {
        return ((HostStorage) t.storage()).segment();
    }
}
