package dev.jmim.cuda;

import dev.jmim.tensor.Backends;
import dev.jmim.tensor.BinaryOp;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * elementwise.cu's kernels that move and convert values, without a GPU, run by the emulator ({@link
 * KernelEmulator}) against the naive CPU backend: casts between every pair of dtypes, every comparison,
 * where for every element size, fill in every dtype and the tiled transpose — all exactly.
 */
class ElementwiseDataEmulatedTest extends EmulatedValues {
    /** cast between every pair of dtypes: the naive backend's values (NaN as NaN, whatever its bits). */
    @ParameterizedTest
    @EnumSource(DType.class)
    void castsFromEachDtypeGiveTheNaiveBackendsValues(DType from, @TempDir Path dir) throws Exception {
        Tensor x = EmulatedValues.typedOperand(from, new Generator(200 + from.ordinal()), false);
        KernelEmulator.writeRaw(dir.resolve("x.bin"), x);
        for (DType to : DType.values()) {
            emulator.run("cast", dir, from.ordinal(), to.ordinal(), x.numel());
            EmulatedValues.assertSameValues(
                    x.to(to), KernelEmulator.readRaw(dir.resolve("out.bin"), to, x.shape()), from + " → " + to);
        }
    }

    /** Every comparison in a float, a half and two integer dtypes, with ties, NaN and the ranges' ends. */
    @ParameterizedTest
    @EnumSource(
            value = DType.class,
            names = {"F32", "BF16", "I64", "U8"})
    void comparisonsGiveTheNaiveBackendsAnswers(DType dtype, @TempDir Path dir) throws Exception {
        Tensor a = EmulatedValues.typedOperand(dtype, new Generator(300 + dtype.ordinal()), false);
        KernelEmulator.writeRaw(dir.resolve("a.bin"), a);
        // against other values (the special ones reversed), then against itself: every element a tie
        for (Tensor b :
                new Tensor[] {EmulatedValues.typedOperand(dtype, new Generator(400 + dtype.ordinal()), true), a}) {
            KernelEmulator.writeRaw(dir.resolve("b.bin"), b);
            for (BinaryOp op : BinaryOp.values()) {
                if (!op.isComparison()) {
                    continue;
                }
                emulator.run("compare", dir, op.ordinal(), dtype.ordinal(), a.numel());
                Tensor expected = Tensor.empty(DType.BOOL, Device.CPU, a.shape());
                Backends.cpu().binary(op, a, b, expected);
                Tensor actual = KernelEmulator.readRaw(dir.resolve("out.bin"), DType.BOOL, a.shape());
                EmulatedValues.assertSameValues(expected, actual, dtype + " " + op + (b == a ? " with itself" : ""));
            }
        }
    }

    /** where, for elements of every size: the chosen side's bits. */
    @ParameterizedTest
    @EnumSource(
            value = DType.class,
            names = {"F64", "F32", "BF16", "U8"})
    void whereTakesEachElementFromTheChosenSide(DType dtype, @TempDir Path dir) throws Exception {
        Tensor a = EmulatedValues.typedOperand(dtype, new Generator(500), false);
        Tensor b = EmulatedValues.typedOperand(dtype, new Generator(501), true);
        Tensor cond = Tensor.randn(new Generator(502), EmulatedValues.ROWS, EmulatedValues.COLS)
                .gt(0);
        KernelEmulator.writeRaw(dir.resolve("cond.bin"), cond);
        KernelEmulator.writeRaw(dir.resolve("a.bin"), a);
        KernelEmulator.writeRaw(dir.resolve("b.bin"), b);
        emulator.run("where", dir, dtype.ordinal(), a.numel());
        Tensor expected = Tensor.empty(dtype, Device.CPU, a.shape());
        Backends.cpu().where(cond, a, b, expected);
        EmulatedValues.assertSameValues(
                expected, KernelEmulator.readRaw(dir.resolve("out.bin"), dtype, a.shape()), dtype + " where");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void fillsGiveTheNaiveBackendsValues(DType dtype, @TempDir Path dir) throws Exception {
        for (double value : new double[] {2.5, -1, 0, Double.NaN, 1e10}) {
            emulator.run("fill", dir, dtype.ordinal(), 37, value, (long) value);
            Tensor expected = Tensor.empty(dtype, Device.CPU, 37);
            Backends.cpu().fill(expected, value);
            EmulatedValues.assertSameValues(
                    expected, KernelEmulator.readRaw(dir.resolve("out.bin"), dtype, 37), dtype + " fill " + value);
        }
    }

    /** transpose_4byte, contiguous() of a transposed matrix: 32 × 32 tiles, partial ones at both edges. */
    @Test
    void theTiledTransposeCopiesTheTranspose(@TempDir Path dir) throws Exception {
        int rows = 45;
        int cols = 70;
        Tensor stored = Tensor.randn(new Generator(9), cols, rows);
        KernelEmulator.write(dir.resolve("x.bin"), stored.toFloatArray());
        emulator.run("transpose", dir, rows, cols);
        EmulatedValues.assertSameValues(
                stored.transpose(0, 1).contiguous(),
                KernelEmulator.readRaw(dir.resolve("out.bin"), DType.F32, rows, cols),
                "transpose");
    }
}
