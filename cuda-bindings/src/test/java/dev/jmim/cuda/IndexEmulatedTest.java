package dev.jmim.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * index.cu's kernels without a GPU, run by the emulator ({@link KernelEmulator}) against the CPU backend:
 * argsort of rows up to the kernel's 4,096 keys, ties, ±0 and NaN among them, the CPU's order exactly in
 * both directions; gather exactly, with an index out of range reported at its position; index_select
 * exactly; scatter_add with
 * colliding indices within float rounding (its atomic adds may run in any order).
 */
class IndexEmulatedTest {
    private static final float[] TIES = {-1f, -0f, 0f, 1f, Float.NaN, 2.5f};

    private static KernelEmulator emulator;

    @BeforeAll
    static void build() throws Exception {
        emulator = KernelEmulator.build("index_emulator");
    }

    @ParameterizedTest(name = "[{0}, {1}] descending={2}")
    @CsvSource({"3, 1, false", "6, 100, false", "6, 100, true", "2, 4096, true", "2, 777, false"})
    void argsortGivesTheCpuOrder(int rows, int n, boolean descending, @TempDir Path dir) throws Exception {
        Random r = new Random(rows * 31L + n);
        float[] values = new float[rows * n];
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextBoolean() ? TIES[r.nextInt(TIES.length)] : (float) r.nextGaussian();
        }
        Tensor x = Tensor.of(values, rows, n);
        KernelEmulator.write(dir.resolve("x.bin"), values);
        emulator.run("argsort", dir, rows, n, descending ? 1 : 0);
        assertArrayEquals(
                x.argsort(1, descending).toLongArray(),
                KernelEmulator.readLongs(dir.resolve("out.bin"), values.length),
                "argsort [" + rows + ", " + n + "] descending=" + descending);
    }

    @Test
    void gatherGivesTheCpuValuesAndReportsABadIndex(@TempDir Path dir) throws Exception {
        int rows = 5;
        int n = 40;
        int k = 13;
        Tensor x = Tensor.randn(new Generator(3), rows, n);
        long[] index = randomIndex(new Random(4), rows * k, n);
        KernelEmulator.write(dir.resolve("x.bin"), x.toFloatArray());
        KernelEmulator.writeLongs(dir.resolve("index.bin"), index);
        emulator.run("gather", dir, rows, n, k);
        Tensor expected = x.gather(1, Tensor.of(index, rows, k));
        assertArrayEquals(
                expected.toFloatArray(), KernelEmulator.read(dir.resolve("out.bin"), rows * k), "gather values");
        assertArrayEquals(new long[] {-1}, KernelEmulator.readLongs(dir.resolve("bad.bin"), 1), "no bad index");

        index[29] = n; // one past the end, at position 29
        KernelEmulator.writeLongs(dir.resolve("index.bin"), index);
        emulator.run("gather", dir, rows, n, k);
        assertArrayEquals(new long[] {29}, KernelEmulator.readLongs(dir.resolve("bad.bin"), 1), "the bad index");
    }

    @Test
    void indexSelectGivesTheCpuValues(@TempDir Path dir) throws Exception {
        int rows = 6;
        int n = 40;
        long[] index = {39, 0, 7, 7, 12};
        Tensor x = Tensor.randn(new Generator(8), rows, n);
        KernelEmulator.write(dir.resolve("x.bin"), x.toFloatArray());
        KernelEmulator.writeLongs(dir.resolve("index.bin"), index);
        emulator.run("index_select", dir, rows, n, index.length);
        assertArrayEquals(
                x.indexSelect(1, Tensor.of(index, index.length)).toFloatArray(),
                KernelEmulator.read(dir.resolve("out.bin"), (long) rows * index.length),
                "index_select values");
        assertArrayEquals(new long[] {-1}, KernelEmulator.readLongs(dir.resolve("bad.bin"), 1), "no bad index");
    }

    @Test
    void scatterAddGivesTheCpuSums(@TempDir Path dir) throws Exception {
        int rows = 4;
        int n = 9;
        int k = 50; // more indices than columns: collisions
        Tensor src = Tensor.randn(new Generator(5), rows, k);
        long[] index = randomIndex(new Random(6), rows * k, n);
        KernelEmulator.write(dir.resolve("src.bin"), src.toFloatArray());
        KernelEmulator.writeLongs(dir.resolve("index.bin"), index);
        emulator.run("scatter_add", dir, rows, n, k);
        Tensor expected = Tensor.zeros(DType.F32, Device.CPU, rows, n).scatterAdd(1, Tensor.of(index, rows, k), src);
        KernelEmulator.assertClose(
                expected.toFloatArray(), KernelEmulator.read(dir.resolve("out.bin"), rows * n), 1e-6, "scatter_add");
        assertArrayEquals(new long[] {-1}, KernelEmulator.readLongs(dir.resolve("bad.bin"), 1), "no bad index");
    }

    private static long[] randomIndex(Random r, int count, int bound) {
        long[] index = new long[count];
        for (int i = 0; i < count; i++) {
            index[i] = r.nextInt(bound);
        }
        return index;
    }
}
