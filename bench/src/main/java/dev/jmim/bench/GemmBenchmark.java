package dev.jmim.bench;

import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.fast.FastBackend;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * F32 GEMM C[M,N] = A[M,K]·B[K,N] on the fast backend, in the layouts training uses: A·B (forward),
 * A·Bᵀ (input gradient), Aᵀ·B (weight gradient). GFLOP/s = 2·M·N·K / time.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GemmBenchmark extends KernelBenchmark {
    /** M x K x N. */
    @Param({"1024x1024x1024", "8192x192x576", "8192x192x768", "8192x768x192"})
    public String shape;

    @Param({"AB", "ABt", "AtB"})
    public String layout;

    private FastBackend backend;
    private Tensor a;
    private Tensor b;
    private Tensor c;

    @Setup
    public void setUp() {
        int[] mkn = Operands.shape(shape);
        int m = mkn[0];
        int k = mkn[1];
        int n = mkn[2];
        backend = new FastBackend(threads);
        a = layout.equals("AtB") ? Operands.randn(1, k, m).mT() : Operands.randn(1, m, k);
        b = layout.equals("ABt") ? Operands.randn(2, n, k).mT() : Operands.randn(2, k, n);
        c = Tensor.zeros(m, n);
    }

    @Benchmark
    public Tensor matmul() {
        backend.matmul(a, b, c);
        return c;
    }
}
