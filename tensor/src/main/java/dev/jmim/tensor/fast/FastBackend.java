package dev.jmim.tensor.fast;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.naive.NaiveBackend;

/**
 * The default CPU backend: Vector API kernels on a fixed thread partition where they exist (the
 * F32 GEMM so far), the reference loops it inherits from {@link NaiveBackend} everywhere else.
 */
public final class FastBackend extends NaiveBackend {
    private final Parallel parallel;

    public FastBackend(int threads) {
        this.parallel = new Parallel(threads);
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
    public void matmul(Tensor a, Tensor b, Tensor out) {
        if (out.dtype() == DType.F32) {
            BatchedMatmul.run(a, b, out, parallel);
        } else {
            super.matmul(a, b, out);
        }
    }
}
