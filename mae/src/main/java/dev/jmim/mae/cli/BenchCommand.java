package dev.jmim.mae.cli;

import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.fast.FastBackend;
import dev.jmim.tensor.random.Generator;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jmim bench}: micro-benchmarks that print figures, for comparison with other libraries. */
@Command(
        name = "bench",
        description = "Benchmarks that print figures.",
        subcommands = {BenchCommand.GemmBench.class, MemoryBench.class, SplattingBench.class, MaeStepBench.class})
public final class BenchCommand {

    /** {@code jmim bench gemm}: F32 C = A·B on the fast backend; GFLOP/s as the last line. */
    @Command(name = "gemm", description = "F32 matrix multiply C[M,N] = A[M,K]·B[K,N]; prints GFLOP/s last.")
    static final class GemmBench implements Callable<Integer> {
        @Option(names = "--m", defaultValue = "1024", description = "rows of A and C (default ${DEFAULT-VALUE})")
        int m;

        @Option(names = "--n", defaultValue = "1024", description = "columns of B and C (default ${DEFAULT-VALUE})")
        int n;

        @Option(names = "--k", defaultValue = "1024", description = "inner dimension (default ${DEFAULT-VALUE})")
        int k;

        @Option(names = "--threads", description = "CPU threads (default: all available processors)")
        Integer threads;

        @Option(names = "--seconds", defaultValue = "3", description = "timed duration (default ${DEFAULT-VALUE})")
        double seconds;

        @Option(names = "--transpose-a", description = "read A from a transposed [K, M] tensor")
        boolean transposeA;

        @Option(names = "--transpose-b", description = "read B from a transposed [N, K] tensor")
        boolean transposeB;

        @Override
        public Integer call() {
            if (m < 1 || n < 1 || k < 1 || seconds <= 0) {
                throw new IllegalArgumentException("--m, --n, --k must be >= 1 and --seconds > 0; got m=" + m + " n="
                        + n + " k=" + k + " seconds=" + seconds);
            }
            int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
            FastBackend backend = new FastBackend(t);
            Generator g = new Generator(1);
            Tensor a = transposeA ? Tensor.randn(g, k, m).mT() : Tensor.randn(g, m, k);
            Tensor b = transposeB ? Tensor.randn(g, n, k).mT() : Tensor.randn(g, k, n);
            Tensor c = Tensor.zeros(m, n);
            double flops = 2.0 * m * n * k;
            long warmupEnd = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < warmupEnd) {
                backend.matmul(a, b, c);
            }
            double[] times = new double[100_000];
            int count = 0;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while ((System.nanoTime() < end || count < 5) && count < times.length) {
                long t0 = System.nanoTime();
                backend.matmul(a, b, c);
                times[count++] = (System.nanoTime() - t0) / 1e9;
            }
            double[] sorted = Arrays.copyOf(times, count);
            Arrays.sort(sorted);
            System.out.printf(
                    "jmim gemm M=%d K=%d N=%d%s%s threads=%d runs=%d best %.1f GFLOP/s median %.1f GFLOP/s%n",
                    m,
                    k,
                    n,
                    transposeA ? " Aᵀ" : "",
                    transposeB ? " Bᵀ" : "",
                    t,
                    count,
                    flops / sorted[0] / 1e9,
                    flops / sorted[count / 2] / 1e9);
            System.out.printf("%.1f GFLOP/s%n", flops / sorted[count / 2] / 1e9);
            return 0;
        }
    }
}
