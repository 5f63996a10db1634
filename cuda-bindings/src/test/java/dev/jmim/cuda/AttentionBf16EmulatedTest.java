package dev.jmim.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmim.tensor.Backends;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.FusedAttention;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tensor-core attention ({@code attention_bf16.cu}) without a GPU: its kernels, compiled by g++
 * against the emulator in {@code src/test/cuda} (CUDA threads as host threads, the MMA built from the PTX
 * ISA's fragment layout), against the CPU backend's fp32 attention on the same bf16-rounded q, k, v and
 * output gradient. What differs is the kernels' rounding of P and dS to bf16, so each result must lie
 * within 1.5% of its largest magnitude (the emulated kernels come within 0.2–0.4%; a wrong fragment index
 * or a missed mask is off by tens of percent). The cases of the GPU test: one key, a partial tile, several
 * tiles, and q, k, v as the strided views a ViT makes of its qkv projection.
 */
class AttentionBf16EmulatedTest {
    private static final Path CUDA = Path.of("src/main/cuda");
    private static final Path EMULATOR = Path.of("src/test/cuda");
    private static final double TOLERANCE = 0.015;

    private static Path binary;

    @BeforeAll
    static void build() throws Exception {
        assumeTrue(onPath("g++"), "skipped: no g++ on the PATH to build the kernel emulator");
        binary = Path.of("target/emulator/attention_emulator").toAbsolutePath();
        Files.createDirectories(binary.getParent());
        run(List.of(
                "g++",
                "-std=c++20",
                "-O2",
                "-pthread",
                "-fno-strict-aliasing",
                "-DJMIM_EMULATE",
                "-I",
                CUDA.toString(),
                "-I",
                EMULATOR.toString(),
                EMULATOR.resolve("attention_emulator.cpp").toString(),
                EMULATOR.resolve("emulator.cpp").toString(),
                "-o",
                binary.toString()));
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
        write(dir.resolve("qkv.bin"), values.toFloatArray());
        write(dir.resolve("grad.bin"), gradOut.toFloatArray());
        run(List.of(
                binary.toString(),
                dir.toString(),
                "" + b,
                "" + h,
                "" + n,
                "" + d,
                Float.toString((float) scale),
                views ? "1" : "0"));

        Tensor[] heads = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            heads[i] = views ? values.select(2, i).permute(0, 2, 1, 3) : values.select(0, i);
        }
        FusedAttention cpu = Backends.cpu()
                .fusedAttention()
                .orElseThrow(() -> new AssertionError("the CPU backend offers no fused attention to compare with"));
        FusedAttention.Forward forward = cpu.forward(heads[0], heads[1], heads[2], scale);
        Tensor[] grads = forward.backward(gradOut);
        compare(forward.out(), read(dir.resolve("out.bin"), forward.out().numel()), "out");
        String[] names = {"dq", "dk", "dv"};
        for (int i = 0; i < 3; i++) {
            compare(grads[i], read(dir.resolve(names[i] + ".bin"), grads[i].numel()), names[i]);
        }
    }

    private static void compare(Tensor expected, float[] actual, String name) {
        float[] want = expected.contiguous().toFloatArray();
        assertEquals(want.length, actual.length, name + ": element count");
        double largest = 0;
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            largest = Math.max(largest, Math.abs(want[i]));
            worst = Math.max(worst, Math.abs(want[i] - actual[i]));
            assertTrue(Float.isFinite(actual[i]), name + "[" + i + "] = " + actual[i]);
        }
        double allowed = TOLERANCE * largest + 1e-6;
        assertTrue(
                worst <= allowed,
                name + ": largest difference " + worst + " against the CPU, allowed " + allowed + " (1.5% of " + largest
                        + ")");
    }

    private static void write(Path file, float[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        Files.write(file, bytes.array());
    }

    private static float[] read(Path file, long count) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(values);
        assertEquals(count, values.length, file + ": float count");
        return values;
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(command))
                .redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), command.getFirst() + " timed out");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + log);
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String folder : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(folder, tool))) {
                return true;
            }
        }
        return false;
    }
}
