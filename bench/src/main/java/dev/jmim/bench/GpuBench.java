package dev.jmim.bench;

import dev.jmim.autograd.Autograd;
import dev.jmim.autograd.FusedOps;
import dev.jmim.cuda.Cublas;
import dev.jmim.cuda.CudaBackend;
import dev.jmim.tensor.Backends;
import dev.jmim.tensor.BinaryOp;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.ReduceOp;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.UnaryOp;
import dev.jmim.tensor.random.Distribution;
import dev.jmim.tensor.random.Generator;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The CUDA backend on one GPU, timed with CUDA events (median of several
 * timed batches after a warm-up). GEMMs through cuBLAS at fp32, TF32 and bf16 as TFLOP/s; then a
 * device-to-device copy as the bandwidth ceiling and each memory-bound kernel as GB/s of the bytes it
 * must move and as a share of that ceiling. Outputs are allocated once, so kernels are timed without
 * allocation. {@code bench/gpu/torch_peers.py} prints PyTorch's figures for the same list.
 */
@Command(
        name = "GpuBench",
        mixinStandardHelpOptions = true,
        description = "CUDA backend: cuBLAS GEMMs and memory-bound kernels, timed with CUDA events.")
public final class GpuBench implements Callable<Integer> {
    @Option(
            names = "--elements",
            defaultValue = "67108864",
            description = "floats per tensor for the memory-bound kernels, a multiple of 1024 (default"
                    + " ${DEFAULT-VALUE}: 256 MiB)")
    int elements;

    @Option(names = "--repeats", defaultValue = "20", description = "runs per timed batch (default ${DEFAULT-VALUE})")
    int repeats;

    @Option(
            names = "--part",
            defaultValue = "all",
            description = "all, gemm, memory or attention (default ${DEFAULT-VALUE})")
    String part;

    private record Gemm(int m, int k, int n) {}

    /** GEMM shapes: squares, and ViT-B/16's qkv, fc1 and fc2 at 224 px × batch 64 (12,608 tokens). */
    private static final List<Gemm> GEMMS = List.of(
            new Gemm(4096, 4096, 4096),
            new Gemm(8192, 8192, 8192),
            new Gemm(12608, 768, 2304),
            new Gemm(12608, 768, 3072),
            new Gemm(12608, 3072, 768));

    public static void main(String[] args) {
        System.exit(new CommandLine(new GpuBench())
                .setExecutionExceptionHandler((e, command, parsed) -> {
                    System.err.println("GpuBench: " + e.getMessage()); // one line: no GPU, bad option, ...
                    return 1;
                })
                .execute(args));
    }

    @Override
    public Integer call() {
        if (elements < 1024
                || elements % 1024 != 0
                || repeats < 1
                || !List.of("all", "gemm", "memory", "attention").contains(part)) {
            throw new IllegalArgumentException("--elements must be a positive multiple of 1024, --repeats >= 1 and"
                    + " --part all, gemm, memory or attention; got elements=" + elements + " repeats=" + repeats
                    + " part="
                    + part);
        }
        Device gpu = Device.cuda(0);
        CudaBackend cuda = (CudaBackend) Backends.forDevice(gpu);
        System.out.println("jmim CUDA backend on " + cuda.describe());
        Generator g = new Generator(5);
        for (Gemm s : part.equals("all") || part.equals("gemm") ? GEMMS : List.<Gemm>of()) {
            Tensor a = Tensor.randn(g, s.m, s.k).to(gpu);
            Tensor b = Tensor.randn(g, s.k, s.n).to(gpu);
            Tensor a16 = a.to(DType.BF16);
            Tensor b16 = b.to(DType.BF16);
            Tensor c = Tensor.zeros(DType.F32, gpu, s.m, s.n);
            for (Cublas.Precision p : Cublas.Precision.values()) {
                Tensor x = p == Cublas.Precision.BF16 ? a16 : a;
                Tensor y = p == Cublas.Precision.BF16 ? b16 : b;
                double ms = medianMillis(cuda, () -> cuda.matmul(x, y, c, p));
                System.out.printf(
                        "gemm %-5s M=%d K=%d N=%d  %.3f ms  %.1f TFLOP/s%n",
                        p, s.m, s.k, s.n, ms, 2.0 * s.m * s.n * s.k / ms / 1e9);
            }
            for (Tensor t : new Tensor[] {a, b, a16, b16, c}) {
                t.storage().free();
            }
        }
        if (part.equals("all") || part.equals("memory")) {
            memoryBound(cuda, gpu, g);
        }
        if (part.equals("all") || part.equals("attention")) {
            attention(cuda, gpu, g);
        }
        return 0;
    }

    /**
     * Attention two ways, forward and forward + backward: the composite (softmax(q·d^−½·kᵀ)·v: cuBLAS
     * batched GEMMs around the softmax kernel, the fused softmax backward) and the flash-style kernel
     * that jmim's ViT runs ({@code FusedOps.attention}), at MAE ViT-B's shapes: the
     * decoder (197 tokens, 16 heads of 32), the encoder's visible tokens (50, 12 × 64) and the unmasked
     * ViT-B/16 (197, 12 × 64). The matmul precision is the backend's ({@code -Djmim.cuda.matmul}).
     */
    private void attention(CudaBackend cuda, Device gpu, Generator g) {
        int[][] shapes = {{256, 16, 197, 32}, {256, 12, 50, 64}, {64, 12, 197, 64}};
        for (int[] s : shapes) {
            Tensor[] qkv = new Tensor[3];
            for (int i = 0; i < 3; i++) {
                qkv[i] = Tensor.random(g, new Distribution.Normal(0, 1), DType.F32, gpu, s);
            }
            Tensor gradOut = Tensor.random(g, new Distribution.Normal(0, 1), DType.F32, gpu, s);
            double scale = Math.pow(s[3], -0.5);
            for (boolean fused : new boolean[] {false, true}) {
                Attention attention = fused
                        ? (q, k, v) -> FusedOps.attention(q, k, v, scale)
                        : (q, k, v) -> FusedOps.softmax(q.mul(scale).matmul(k.mT()), -1)
                                .matmul(v);
                double forward = medianMillis(cuda, () -> {
                    try (Scope _ = Scope.open()) {
                        attention.of(qkv[0], qkv[1], qkv[2]);
                    }
                });
                double both = medianMillis(cuda, () -> {
                    try (Scope _ = Scope.open()) {
                        Tensor[] leaves = new Tensor[3];
                        for (int i = 0; i < 3; i++) {
                            leaves[i] = Autograd.requiresGrad(qkv[i].detach());
                        }
                        Autograd.backward(attention.of(leaves[0], leaves[1], leaves[2]), gradOut);
                        for (Tensor leaf : leaves) {
                            Autograd.zeroGrad(leaf);
                        }
                    }
                });
                System.out.printf(
                        "attention %s %-9s B=%d H=%d N=%d Dh=%d  forward %.3f ms  forward+backward %.3f ms%n",
                        cuda.matmulPrecision(), fused ? "fused" : "composite", s[0], s[1], s[2], s[3], forward, both);
            }
        }
    }

    private interface Attention {
        Tensor of(Tensor q, Tensor k, Tensor v);
    }

    private void memoryBound(CudaBackend cuda, Device gpu, Generator g) {
        int width = 1024;
        int rows = elements / width;
        Tensor a = Tensor.randn(g, rows, width).to(gpu);
        Tensor b = Tensor.randn(g, rows, width).to(gpu);
        Tensor out = Tensor.zeros(DType.F32, gpu, rows, width);
        Tensor half = Tensor.zeros(DType.BF16, gpu, rows, width);
        Tensor bias = Tensor.randn(g, width).to(gpu).expand(rows, width);
        Tensor scalar = Tensor.scalar(0.5f).to(gpu).expand(rows, width);
        Tensor weight = Tensor.randn(g, width).to(gpu);
        Tensor rowSums = Tensor.zeros(DType.F32, gpu, rows, 1);
        Tensor colSums = Tensor.zeros(DType.F32, gpu, 1, width);
        int side = (int) Math.sqrt(elements);
        Tensor square = Tensor.randn(g, side, side).to(gpu);
        Tensor squareOut = Tensor.zeros(DType.F32, gpu, side, side);
        double n = elements * 4.0;
        double copyMs = medianMillis(cuda, () -> cuda.copy(a, out));
        double ceiling = 2 * n / copyMs / 1e6;
        System.out.printf("baseline copy (cuMemcpyDtoD)  %.1f GB/s%n", ceiling);
        record Kernel(String name, double bytes, Runnable body) {}
        for (Kernel k : List.of(
                new Kernel("add", 3 * n, () -> cuda.binary(BinaryOp.ADD, a, b, out)),
                new Kernel("bias add (broadcast row)", 2 * n, () -> cuda.binary(BinaryOp.ADD, a, bias, out)),
                new Kernel("scalar mul", 2 * n, () -> cuda.binary(BinaryOp.MUL, a, scalar, out)),
                new Kernel("exp", 2 * n, () -> cuda.unary(UnaryOp.EXP, a, out)),
                new Kernel("gelu", 2 * n, () -> cuda.unary(UnaryOp.GELU, a, out)),
                new Kernel("cast f32→bf16", 1.5 * n, () -> cuda.copy(a, half)),
                new Kernel(
                        "sum rows [N,1024]→[N,1]",
                        n,
                        () -> cuda.reduce(ReduceOp.SUM, a, new boolean[] {false, true}, rowSums)),
                new Kernel(
                        "sum columns [N,1024]→[1,1024]",
                        n,
                        () -> cuda.reduce(ReduceOp.SUM, a, new boolean[] {true, false}, colSums)),
                new Kernel("softmax rows of 1024", 2 * n, () -> cuda.softmax(a, false, out)),
                new Kernel("layer_norm rows of 1024", 2 * n, () -> cuda.layerNorm(a, weight, weight, 1e-6, out)),
                new Kernel(
                        "transpose copy (square)", 2.0 * side * side * 4, () -> cuda.copy(square.mT(), squareOut)))) {
            double ms = medianMillis(cuda, k.body);
            double gbs = k.bytes / ms / 1e6;
            System.out.printf("%-32s %.3f ms  %.1f GB/s  %.0f%% of copy%n", k.name, ms, gbs, 100 * gbs / ceiling);
        }
    }

    /**
     * Median, over 5 timed batches, of the device milliseconds one run takes; after a second of warm-up
     * (the JIT compiles the launch path) and a measure of the host time one call takes to queue its
     * work, printed when it is over a tenth of the device time (then the figure is host-bound).
     */
    private double medianMillis(CudaBackend cuda, Runnable body) {
        long warm = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < warm) {
            cuda.millis(body, repeats);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < repeats; i++) {
            body.run();
        }
        double hostMs = (System.nanoTime() - t0) / 1e6 / repeats;
        cuda.synchronize();
        double[] batches = new double[5];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = cuda.millis(body, repeats) / repeats;
        }
        Arrays.sort(batches);
        double median = batches[batches.length / 2];
        if (hostMs > median / 10) {
            System.out.printf("  (host: %.1f µs to queue one call)%n", hostMs * 1e3);
        }
        return median;
    }
}
