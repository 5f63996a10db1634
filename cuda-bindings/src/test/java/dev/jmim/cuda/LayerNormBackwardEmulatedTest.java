package dev.jmim.cuda;

import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CUDA layer_norm backward ({@code reduce.cu}) without a GPU: its three kernels, run by the emulator
 * ({@link KernelEmulator}) with the kernel and the chunking CudaBackend picks, against the CPU backend's
 * {@code layerNormBackward}: dx, dWeight and dBias within 1e-5 of their largest magnitude (both sides
 * accumulate in double). Row lengths reach every register-held variant and the long-row one; row counts
 * give one chunk and several; with a weight and without.
 */
class LayerNormBackwardEmulatedTest {
    private static KernelEmulator emulator;

    @BeforeAll
    static void build() throws Exception {
        emulator = KernelEmulator.build("layer_norm_emulator");
    }

    @ParameterizedTest(name = "rows={0} n={1} weighted={2}")
    @CsvSource({
        "3, 1, true",
        "200, 48, true",
        "37, 300, false",
        "20, 768, true",
        "9, 1000, true",
        "5, 1500, false",
        "70, 192, false"
    })
    void theEmulatedKernelsGiveTheCpuGradients(int rows, int n, boolean weighted, @TempDir Path dir) throws Exception {
        Generator g = new Generator(rows * 31L + n);
        Tensor x = Tensor.randn(g, rows, n).mul(3).add(1);
        Tensor gradOut = Tensor.randn(g, rows, n);
        Tensor weight = weighted ? Tensor.randn(g, n) : null;
        double eps = 1e-6;
        KernelEmulator.write(dir.resolve("x.bin"), x.toFloatArray());
        KernelEmulator.write(dir.resolve("grad.bin"), gradOut.toFloatArray());
        if (weighted) {
            KernelEmulator.write(dir.resolve("weight.bin"), weight.toFloatArray());
        }
        emulator.run(dir, rows, n, eps, weighted ? 1 : 0, CudaBackend.columnChunk(rows, n));

        Tensor[] expected = x.layerNormBackward(weight, gradOut, eps);
        String[] names = {"dx", "dweight", "dbias"};
        for (int i = 0; i < 3; i++) {
            KernelEmulator.assertClose(
                    expected[i].toFloatArray(),
                    KernelEmulator.read(dir.resolve(names[i] + ".bin"), expected[i].numel()),
                    1e-5,
                    names[i]);
        }
    }
}
