package dev.jmim.cuda;

import dev.jmim.tensor.Backends;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.FusedAttention;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Both attention kernel families without a GPU, run by the emulator ({@link KernelEmulator}: CUDA threads
 * as host threads; the tensor cores' MMA built from the PTX ISA's fragment layout) with the layouts
 * CudaAttention gives them, against the CPU backend's fp32 attention on the same bf16-rounded q, k, v and
 * output gradient. fp32 ({@code attention.cu}) must match within 1e-5 of each result's largest magnitude;
 * the tensor cores ({@code attention_bf16.cu}) round P and dS to bf16, so within 1.5% (they come within
 * 0.2–0.4%; a wrong fragment index or a missed rescale is off by tens of percent). The cases of the GPU
 * test: one key (dq and dk zero), a partial tile, several tiles; and with views, q, k, v as the strided
 * views of a packed [B, N, 3, H, Dh] qkv, the output's gradient as merged heads and the gradients written
 * into one packed qkv gradient, as a ViT's backward asks.
 */
class AttentionEmulatedTest {
    private static KernelEmulator emulator;

    @BeforeAll
    static void build() throws Exception {
        emulator = KernelEmulator.build("attention_emulator");
    }

    @ParameterizedTest(name = "{0} B={1} H={2} N={3} Dh={4} views={5}")
    @CsvSource({
        "fp32, 2, 3, 1, 32, false",
        "fp32, 2, 3, 50, 64, true",
        "fp32, 1, 2, 197, 32, true",
        "fp32, 3, 2, 65, 64, false",
        "bf16, 2, 3, 1, 32, false",
        "bf16, 2, 3, 50, 64, true",
        "bf16, 1, 2, 197, 32, true",
        "bf16, 3, 2, 65, 64, false",
        "bf16, 1, 1, 130, 64, true"
    })
    void theEmulatedKernelsGiveTheCpuAttention(
            String family, int b, int h, int n, int d, boolean views, @TempDir Path dir) throws Exception {
        Generator g = new Generator(b * 1000L + n);
        // bf16 values held as F32: the tensor-core kernels' own rounding of their inputs then changes nothing
        Tensor values = (views ? Tensor.randn(g, b, n, 3, h, d) : Tensor.randn(g, 3, b, h, n, d))
                .to(DType.BF16)
                .to(DType.F32);
        Tensor gradStored = (views ? Tensor.randn(g, b, n, h, d) : Tensor.randn(g, b, h, n, d))
                .to(DType.BF16)
                .to(DType.F32);
        double scale = Math.pow(d, -0.5);
        KernelEmulator.write(dir.resolve("qkv.bin"), values.toFloatArray());
        KernelEmulator.write(dir.resolve("grad.bin"), gradStored.toFloatArray());
        emulator.run(dir, family, b, h, n, d, (float) scale, views ? 1 : 0);

        Tensor[] heads = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            heads[i] = views ? values.select(2, i).transpose(1, 2) : values.select(0, i);
        }
        Tensor gradOut = views ? gradStored.transpose(1, 2) : gradStored;
        FusedAttention cpu = Backends.cpu()
                .fusedAttention()
                .orElseThrow(() -> new AssertionError("the CPU backend offers no fused attention to compare with"));
        FusedAttention.Forward forward = cpu.forward(heads[0], heads[1], heads[2], scale);
        Tensor[] expected = forward.backward(gradOut);
        double tolerance = family.equals("bf16") ? 0.015 : 1e-5;
        long count = (long) b * h * n * d;
        Tensor out = Tensor.of(KernelEmulator.read(dir.resolve("out.bin"), count), b, n, h, d)
                .transpose(1, 2);
        KernelEmulator.assertClose(
                forward.out().contiguous().toFloatArray(), out.contiguous().toFloatArray(), tolerance, "out");
        Tensor packed =
                views ? Tensor.of(KernelEmulator.read(dir.resolve("dqkv.bin"), 3 * count), b, n, 3, h, d) : null;
        String[] names = {"dq", "dk", "dv"};
        for (int i = 0; i < 3; i++) {
            Tensor actual = views
                    ? packed.select(2, i).transpose(1, 2)
                    : Tensor.of(KernelEmulator.read(dir.resolve(names[i] + ".bin"), count), b, h, n, d);
            KernelEmulator.assertClose(
                    expected[i].toFloatArray(), actual.contiguous().toFloatArray(), tolerance, names[i]);
        }
    }
}
