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
 * The tensor-core attention ({@code attention_bf16.cu}) without a GPU: its kernels run by the emulator
 * ({@link KernelEmulator}: CUDA threads as host threads, the MMA built from the PTX ISA's fragment
 * layout), against the CPU backend's fp32 attention on the same bf16-rounded q, k, v and output gradient.
 * What differs is the kernels' rounding of P and dS to bf16, so each result must lie within 1.5% of its
 * largest magnitude (the emulated kernels come within 0.2–0.4%; a wrong fragment index or a missed
 * rescale is off by tens of percent). The cases of the GPU test: one key (where dq and dk are zero), a
 * partial tile, several tiles, and q, k, v as the strided views a ViT makes of its qkv projection.
 */
class AttentionBf16EmulatedTest {
    private static KernelEmulator emulator;

    @BeforeAll
    static void build() throws Exception {
        emulator = KernelEmulator.build("attention_emulator");
    }

    @ParameterizedTest(name = "B={0} H={1} N={2} Dh={3} views={4}")
    @CsvSource({
        "2, 3, 1, 32, false",
        "2, 3, 50, 64, true",
        "1, 2, 197, 32, true",
        "3, 2, 65, 64, false",
        "1, 1, 130, 64, true"
    })
    void theEmulatedKernelsGiveTheCpuAttentionWithinBf16Rounding(
            int b, int h, int n, int d, boolean views, @TempDir Path dir) throws Exception {
        Generator g = new Generator(b * 1000L + n);
        // bf16 values held as F32: the kernels' own rounding of the inputs then changes nothing
        Tensor values = (views ? Tensor.randn(g, b, n, 3, h, d) : Tensor.randn(g, 3, b, h, n, d))
                .to(DType.BF16)
                .to(DType.F32);
        Tensor gradOut = Tensor.randn(g, b, h, n, d).to(DType.BF16).to(DType.F32);
        double scale = Math.pow(d, -0.5);
        KernelEmulator.write(dir.resolve("qkv.bin"), values.toFloatArray());
        KernelEmulator.write(dir.resolve("grad.bin"), gradOut.toFloatArray());
        emulator.run(dir, b, h, n, d, (float) scale, views ? 1 : 0);

        Tensor[] heads = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            heads[i] = views ? values.select(2, i).permute(0, 2, 1, 3) : values.select(0, i);
        }
        FusedAttention cpu = Backends.cpu()
                .fusedAttention()
                .orElseThrow(() -> new AssertionError("the CPU backend offers no fused attention to compare with"));
        FusedAttention.Forward forward = cpu.forward(heads[0], heads[1], heads[2], scale);
        Tensor[] grads = forward.backward(gradOut);
        Tensor out = forward.out().contiguous();
        KernelEmulator.assertClose(
                out.toFloatArray(), KernelEmulator.read(dir.resolve("out.bin"), out.numel()), 0.015, "out");
        String[] names = {"dq", "dk", "dv"};
        for (int i = 0; i < 3; i++) {
            KernelEmulator.assertClose(
                    grads[i].toFloatArray(),
                    KernelEmulator.read(dir.resolve(names[i] + ".bin"), grads[i].numel()),
                    0.015,
                    names[i]);
        }
    }
}
