package dev.jmim.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.jmim.tensor.Backends;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.ReduceOp;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * reduce.cu's kernels without a GPU, run by the emulator ({@link KernelEmulator}) against the CPU
 * backend: sum, max and min by each strategy (a warp a row, a block a row, columns in chunks of
 * CudaBackend's size) and of integers (exactly), argmax, softmax and log-softmax, layer_norm and its backward (every register-held row
 * variant and the long-row one; one chunk of rows and several; with and without affine parameters).
 * Both sides accumulate in double: reductions within 2⁻²³ of their magnitude, the rest within 1e-5 of
 * each result's largest magnitude.
 */
class ReduceEmulatedTest {
    private static KernelEmulator emulator;

    @BeforeAll
    static void build() throws Exception {
        emulator = KernelEmulator.build("reduce_emulator");
    }

    @ParameterizedTest(name = "{0} {1} [{2}, {3}]")
    @CsvSource({
        "SUM, warp, 37, 300",
        "MAX, warp, 37, 300",
        "MIN, warp, 3, 40",
        "SUM, block, 5, 5000",
        "MAX, block, 2, 4097",
        "SUM, columns, 300, 37",
        "MIN, columns, 1000, 3",
        "MAX, columns, 7, 20"
    })
    void reductionsGiveTheCpuResult(ReduceOp op, String strategy, int rows, int n, @TempDir Path dir) throws Exception {
        Tensor x = Tensor.randn(new Generator(rows * 7L + n), rows, n);
        KernelEmulator.write(dir.resolve("x.bin"), x.toFloatArray());
        boolean columns = strategy.equals("columns");
        emulator.run("reduce", dir, op.ordinal(), strategy, rows, n, CudaBackend.columnChunk(rows, n));
        Tensor expected = Tensor.empty(DType.F32, Device.CPU, columns ? 1 : rows, columns ? n : 1);
        Backends.cpu().reduce(op, x, new boolean[] {columns, !columns}, expected);
        float[] want = expected.toFloatArray();
        float[] got = KernelEmulator.read(dir.resolve("out.bin"), want.length);
        for (int i = 0; i < want.length; i++) {
            KernelEmulator.assertClose(
                    new float[] {want[i]}, new float[] {got[i]}, 0x1p-23, op + " " + strategy + " output " + i);
        }
    }

    /** reduce_integer: exact, sums wrapping past the range's ends as Java's long does. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"SUM, I64", "MAX, I64", "MIN, I64", "SUM, I32", "MAX, I32", "SUM, U8", "MIN, U8", "SUM, BOOL"})
    void integerReductionsGiveTheCpuResult(ReduceOp op, DType dtype, @TempDir Path dir) throws Exception {
        int rows = 9;
        int n = 300;
        java.util.Random r = new java.util.Random(op.ordinal() * 10L + dtype.ordinal());
        long[] values = new long[rows * n];
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextLong();
        }
        values[0] = Long.MAX_VALUE; // the first row's sum wraps
        values[1] = Long.MAX_VALUE;
        Tensor x = Tensor.of(values, rows, n).to(dtype);
        DType outType = op == ReduceOp.SUM ? DType.I64 : dtype;
        KernelEmulator.writeRaw(dir.resolve("x.bin"), x);
        emulator.run("reduce_integer", dir, op.ordinal(), dtype.ordinal(), outType.ordinal(), rows, n);
        Tensor expected = Tensor.empty(outType, Device.CPU, rows, 1);
        Backends.cpu().reduce(op, x, new boolean[] {false, true}, expected);
        assertArrayEquals(
                expected.toLongArray(),
                KernelEmulator.readRaw(dir.resolve("out.bin"), outType, rows, 1).toLongArray(),
                op + " " + dtype);
    }

    /** argmax_rows: the first maximum; NaN counts as the maximum; ties at several places. */
    @Test
    void argmaxGivesTheCpuIndex(@TempDir Path dir) throws Exception {
        int rows = 9;
        int n = 100;
        float[] values = Tensor.randn(new Generator(77), rows, n).toFloatArray();
        values[3] = Float.NaN; // row 0: NaN wins
        values[n + 10] = 5f; // row 1: a tie, the first wins
        values[n + 60] = 5f;
        values[2 * n + 99] = Float.POSITIVE_INFINITY; // row 2: at the end
        Tensor x = Tensor.of(values, rows, n);
        KernelEmulator.write(dir.resolve("x.bin"), values);
        emulator.run("argmax", dir, rows, n);
        assertArrayEquals(
                x.argmax(1, false).toLongArray(), KernelEmulator.readLongs(dir.resolve("out.bin"), rows), "argmax");
    }

    @ParameterizedTest(name = "log={0} [{1}, {2}]")
    @CsvSource({"false, 37, 300", "true, 37, 300", "false, 3, 2000", "true, 5, 1"})
    void softmaxGivesTheCpuResult(boolean log, int rows, int n, @TempDir Path dir) throws Exception {
        Tensor x = Tensor.randn(new Generator(rows + n), rows, n).mul(4);
        KernelEmulator.write(dir.resolve("x.bin"), x.toFloatArray());
        emulator.run("softmax", dir, log ? 1 : 0, rows, n);
        Tensor expected = log ? x.logSoftmax(1) : x.softmax(1);
        KernelEmulator.assertClose(
                expected.toFloatArray(),
                KernelEmulator.read(dir.resolve("out.bin"), expected.numel()),
                1e-5,
                log ? "log_softmax" : "softmax");
    }

    @ParameterizedTest(name = "[{0}, {1}] affine={2}")
    @CsvSource({"37, 300, true", "20, 768, false", "5, 1500, true", "3, 1, true"})
    void layerNormGivesTheCpuResult(int rows, int n, boolean affine, @TempDir Path dir) throws Exception {
        Generator g = new Generator(rows * 13L + n);
        Tensor x = Tensor.randn(g, rows, n).mul(3).add(1);
        Tensor weight = Tensor.randn(g, n);
        Tensor bias = Tensor.randn(g, n);
        KernelEmulator.write(dir.resolve("x.bin"), x.toFloatArray());
        KernelEmulator.write(dir.resolve("weight.bin"), weight.toFloatArray());
        KernelEmulator.write(dir.resolve("bias.bin"), bias.toFloatArray());
        emulator.run("layer_norm", dir, rows, n, 1e-6, affine ? 1 : 0);
        Tensor expected = x.layerNorm(new int[] {n}, affine ? weight : null, affine ? bias : null, 1e-6);
        KernelEmulator.assertClose(
                expected.toFloatArray(),
                KernelEmulator.read(dir.resolve("out.bin"), expected.numel()),
                1e-5,
                "layer_norm");
    }

    @ParameterizedTest(name = "[{0}, {1}] weighted={2}")
    @CsvSource({
        "3, 1, true",
        "200, 48, true",
        "37, 300, false",
        "20, 768, true",
        "9, 1000, true",
        "5, 1500, false",
        "70, 192, false"
    })
    void layerNormBackwardGivesTheCpuGradients(int rows, int n, boolean weighted, @TempDir Path dir) throws Exception {
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
        emulator.run("layer_norm_backward", dir, rows, n, eps, weighted ? 1 : 0, CudaBackend.columnChunk(rows, n));

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
