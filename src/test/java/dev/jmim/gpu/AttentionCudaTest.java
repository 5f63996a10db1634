package dev.jmim.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.autograd.Autograd;
import dev.jmim.autograd.FusedOps;
import dev.jmim.cuda.Cublas;
import dev.jmim.cuda.CudaBackend;
import dev.jmim.tensor.Backends;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.FusedAttention;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The GPU's flash-style attention against the composite on the CPU (batched matmuls around a softmax,
 * computed in double by the naive backend's rules where the CPU backend is the fast one, float here):
 * the output and the gradients of q, k and v, for sequence lengths of one row, one partial tile, several
 * tiles, and q, k, v as the strided views a ViT makes of its qkv projection; and the tensor-core kernel
 * (bf16 inputs, fp32 accumulation) within bf16's rounding of P and dS. Skipped, with the reason, where no
 * GPU is.
 */
class AttentionCudaTest {
    private static final Device GPU = Device.cuda(0);

    @ParameterizedTest(name = "{0} B={1} H={2} N={3} Dh={4} views={5}")
    @CsvSource({
        "FP32, 2, 3, 1, 32, false",
        "FP32, 2, 3, 50, 64, true",
        "FP32, 1, 2, 197, 32, true",
        "FP32, 3, 2, 65, 64, false",
        "FP32, 1, 1, 130, 64, true",
        "BF16, 2, 3, 1, 32, false",
        "BF16, 2, 3, 50, 64, true",
        "BF16, 1, 2, 197, 32, true",
        "BF16, 3, 2, 65, 64, false",
        "BF16, 1, 1, 130, 64, true"
    })
    void theKernelGivesTheCompositesOutputAndGradients(
            Cublas.Precision precision, int b, int h, int n, int d, boolean views) {
        GpuAvailability.assumeAGpu();
        boolean bf16 = precision == Cublas.Precision.BF16;
        Generator g = new Generator(b * 1000L + n);
        // as views: q, k and v are select()s of one permuted [B, N, 3, H, Dh] tensor, as a ViT makes them
        Tensor values = views ? Tensor.randn(g, b, n, 3, h, d) : Tensor.randn(g, 3, b, h, n, d);
        Tensor gradOut = Tensor.randn(g, b, h, n, d);
        if (bf16) { // bf16 values held as F32, so that the kernel's rounding of its inputs changes nothing
            values = values.to(DType.BF16).to(DType.F32);
            gradOut = gradOut.to(DType.BF16).to(DType.F32);
        }
        // the tensor cores round P and dS to bf16 for their products: 0.2-0.4% in the emulator
        double tolerance = bf16 ? 1.5e-2 : 1e-4;
        double scale = Math.pow(d, -0.5);

        Tensor cpuLeaf = Autograd.requiresGrad(values.clone());
        Tensor cpuOut = attention(heads(cpuLeaf, views), scale);
        Autograd.backward(cpuOut, gradOut);
        Tensor[] cpuGrads = heads(Autograd.grad(cpuLeaf), views);

        // the kernel itself, on the same (strided) views
        CudaBackend cuda = (CudaBackend) Backends.forDevice(GPU);
        FusedAttention kernel = cuda.attention(precision);
        Tensor[] onGpu = heads(values.to(GPU), views);
        FusedAttention.Forward forward = kernel.forward(onGpu[0], onGpu[1], onGpu[2], scale);
        Tensor[] grads = forward.backward(gradOut.to(GPU));
        compare(cpuOut.detach(), forward.out(), "out", tolerance);
        String[] names = {"dq", "dk", "dv"};
        for (int i = 0; i < 3; i++) {
            compare(cpuGrads[i], grads[i], names[i], tolerance);
        }

        // and through FusedOps on the GPU, as a model calls it, where this is the backend's kernel
        if (bf16 != (cuda.matmulPrecision() == Cublas.Precision.BF16)) {
            return;
        }
        Tensor gpuLeaf = Autograd.requiresGrad(values.to(GPU));
        Tensor gpuOut = attention(heads(gpuLeaf, views), scale);
        Autograd.backward(gpuOut, gradOut.to(GPU));
        compare(cpuOut.detach(), gpuOut.detach(), "out through FusedOps", tolerance);
        Tensor[] gpuGrads = heads(Autograd.grad(gpuLeaf), views);
        for (int i = 0; i < 3; i++) {
            compare(cpuGrads[i], gpuGrads[i], names[i] + " through FusedOps", tolerance);
        }
    }

    private static Tensor attention(Tensor[] qkv, double scale) {
        return FusedOps.attention(qkv[0], qkv[1], qkv[2], scale);
    }

    /** q, k, v [B, H, N, Dh] of a [3, B, H, N, Dh] tensor, or strided views of a [B, N, 3, H, Dh] one. */
    private static Tensor[] heads(Tensor t, boolean views) {
        Tensor stacked = views ? t.permute(2, 0, 3, 1, 4) : t;
        return new Tensor[] {stacked.select(0, 0), stacked.select(0, 1), stacked.select(0, 2)};
    }

    /** Within tolerance times the largest magnitude of the expected tensor, element by element. */
    private static void compare(Tensor expected, Tensor actual, String what, double tolerance) {
        double[] e = expected.toDoubleArray();
        double[] a = actual.to(Device.CPU).to(DType.F64).toDoubleArray();
        double scale = 1e-12;
        for (double v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - e[i]));
        }
        System.out.printf("%s: largest difference %.2e of the largest magnitude%n", what, worst / scale);
        assertTrue(worst <= tolerance * scale, what + ": off by " + worst + " (largest " + scale + ")");
    }
}
