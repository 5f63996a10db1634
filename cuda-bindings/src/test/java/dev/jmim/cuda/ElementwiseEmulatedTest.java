package dev.jmim.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.tensor.Backends;
import dev.jmim.tensor.BinaryOp;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.UnaryOp;
import dev.jmim.tensor.random.Generator;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * elementwise.cu's arithmetic without a GPU, run by the emulator ({@link KernelEmulator}) against the naive
 * CPU backend (double arithmetic, Java's semantics; the fast one's GELU is accurate in absolute, not
 * relative, terms): every F32 unary and binary op through the dense float4 kernel (1,073 elements:
 * four-wide quarters and a tail), the strided one (a transposed view) and the row-broadcast one, special
 * values included, within 4 ulps (the GELU family plus an ulp of 1 scaled by its inputs, see {@link
 * EmulatedValues#geluSlack}; the host's libm stands in for CUDA's, so this checks the kernels' dispatch,
 * formulas, special cases and indexing, not the device's math library); and every other dtype's kernels.
 */
class ElementwiseEmulatedTest extends EmulatedValues {
    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void everyUnaryOpMatchesTheCpu(UnaryOp op, @TempDir Path dir) throws Exception {
        Tensor x = EmulatedValues.operand(new Generator(op.ordinal()), false);
        if (op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT) {
            x = x.abs();
        }
        KernelEmulator.write(dir.resolve("x.bin"), x.toFloatArray());
        for (boolean transposed : new boolean[] {false, true}) {
            emulator.run("unary", dir, op.ordinal(), EmulatedValues.ROWS, EmulatedValues.COLS, transposed ? 1 : 0);
            Tensor in = transposed ? x.transpose(0, 1) : x;
            Tensor expected = Tensor.empty(DType.F32, Device.CPU, in.shape());
            Backends.cpu().unary(op, in, expected);
            boolean gelu = op == UnaryOp.GELU || op == UnaryOp.GELU_DERIVATIVE;
            EmulatedValues.assertWithinUlps(
                    expected,
                    dir.resolve("out.bin"),
                    4,
                    gelu ? EmulatedValues.geluSlack(in, null) : null,
                    op + (transposed ? " transposed" : " dense"));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = BinaryOp.class,
            names = {"ADD", "SUB", "MUL", "DIV", "POW", "MAXIMUM", "MINIMUM", "GELU_BACKWARD"})
    void everyBinaryArithmeticOpMatchesTheCpu(BinaryOp op, @TempDir Path dir) throws Exception {
        Generator g = new Generator(100 + op.ordinal());
        Tensor a = EmulatedValues.operand(g, false);
        Tensor b = EmulatedValues.operand(g, true); // pairs each special value with another
        if (op == BinaryOp.POW) {
            a = a.abs();
        }
        KernelEmulator.write(dir.resolve("a.bin"), a.toFloatArray());
        KernelEmulator.write(dir.resolve("b.bin"), b.toFloatArray());
        for (boolean transposed : new boolean[] {false, true}) {
            emulator.run("binary", dir, op.ordinal(), EmulatedValues.ROWS, EmulatedValues.COLS, transposed ? 1 : 0);
            Tensor left = transposed ? a.transpose(0, 1) : a;
            Tensor right = transposed ? b.transpose(0, 1) : b;
            Tensor expected = Tensor.empty(DType.F32, Device.CPU, left.shape());
            Backends.cpu().binary(op, left, right, expected);
            EmulatedValues.assertWithinUlps(
                    expected,
                    dir.resolve("out.bin"),
                    4,
                    op == BinaryOp.GELU_BACKWARD ? EmulatedValues.geluSlack(left, right) : null,
                    op + (transposed ? " transposed" : " dense"));
        }
    }

    /**
     * The row-broadcast kernel (a bias added to every row, a per-row scale): every arithmetic op, a
     * broadcast row and a broadcast column.
     */
    @ParameterizedTest
    @EnumSource(
            value = BinaryOp.class,
            names = {"ADD", "SUB", "MUL", "DIV", "POW", "MAXIMUM", "MINIMUM", "GELU_BACKWARD"})
    void theRowBroadcastKernelMatchesTheCpu(BinaryOp op, @TempDir Path dir) throws Exception {
        int rows = 37;
        int cols = 32;
        Generator g = new Generator(600 + op.ordinal());
        Tensor a = Tensor.randn(g, rows, cols).mul(3);
        if (op == BinaryOp.POW) {
            a = a.abs();
        }
        KernelEmulator.write(dir.resolve("a.bin"), a.toFloatArray());
        for (String kind : new String[] {"row", "column"}) {
            Tensor b = kind.equals("row") ? Tensor.randn(g, 1, cols) : Tensor.randn(g, rows, 1);
            KernelEmulator.write(dir.resolve("b.bin"), b.toFloatArray());
            emulator.run("binary_rows", dir, op.ordinal(), rows, cols, kind);
            Tensor right = b.expand(rows, cols);
            Tensor expected = Tensor.empty(DType.F32, Device.CPU, rows, cols);
            Backends.cpu().binary(op, a, right, expected);
            EmulatedValues.assertWithinUlps(
                    expected,
                    dir.resolve("out.bin"),
                    4,
                    op == BinaryOp.GELU_BACKWARD ? EmulatedValues.geluSlack(a, right) : null,
                    op + " with a broadcast " + kind);
        }
    }

    /**
     * unary_any and binary_any, the kernels of every dtype but F32, against the naive backend (whose
     * arithmetic they follow): integers exactly, their ranges' ends included (sums wrap, powers saturate,
     * −MIN is MIN; powers see assertIntegerPowers); floats as its double arithmetic rounds them,
     * exactly for the exact operations and within a unit of the dtype's last place for the library
     * functions (four of double's for F64).
     */
    @ParameterizedTest
    @EnumSource(
            value = DType.class,
            names = {"F64", "BF16", "F16", "I64", "I32", "U8"})
    void otherDtypesFollowTheNaiveBackend(DType dtype, @TempDir Path dir) throws Exception {
        Tensor a = EmulatedValues.typedOperand(dtype, new Generator(dtype.ordinal()), false);
        Tensor b = EmulatedValues.typedOperand(dtype, new Generator(dtype.ordinal() + 50), true);
        KernelEmulator.writeRaw(dir.resolve("x.bin"), a);
        KernelEmulator.writeRaw(dir.resolve("a.bin"), a);
        KernelEmulator.writeRaw(dir.resolve("b.bin"), b);
        for (boolean transposed : new boolean[] {false, true}) {
            Tensor left = transposed ? a.transpose(0, 1) : a;
            Tensor right = transposed ? b.transpose(0, 1) : b;
            String layout = transposed ? " transposed" : " dense";
            for (UnaryOp op : UnaryOp.values()) {
                if (!dtype.isFloating() && !op.keepsIntegers()) {
                    continue;
                }
                emulator.run(
                        "unary_any",
                        dir,
                        op.ordinal(),
                        dtype.ordinal(),
                        dtype.ordinal(),
                        EmulatedValues.ROWS,
                        EmulatedValues.COLS,
                        transposed ? 1 : 0);
                Tensor expected = Tensor.empty(dtype, Device.CPU, left.shape());
                Backends.cpu().unary(op, left, expected);
                boolean exact = op == UnaryOp.NEG || op == UnaryOp.ABS;
                double[] slack = op == UnaryOp.GELU || op == UnaryOp.GELU_DERIVATIVE
                        ? EmulatedValues.geluSlack(left, null)
                        : null;
                assertSame(expected, dir.resolve("out.bin"), exact, slack, dtype + " " + op + layout);
            }
            for (BinaryOp op : BinaryOp.values()) {
                boolean floatOnly = op == BinaryOp.DIV || op == BinaryOp.GELU_BACKWARD;
                if (op.isComparison() || (floatOnly && !dtype.isFloating())) {
                    continue;
                }
                emulator.run(
                        "binary_any",
                        dir,
                        op.ordinal(),
                        dtype.ordinal(),
                        dtype.ordinal(),
                        EmulatedValues.ROWS,
                        EmulatedValues.COLS,
                        transposed ? 1 : 0);
                Tensor expected = Tensor.empty(dtype, Device.CPU, left.shape());
                Backends.cpu().binary(op, left, right, expected);
                if (op == BinaryOp.POW && !dtype.isFloating()) {
                    assertIntegerPowers(left, right, expected, dir.resolve("out.bin"), dtype + " POW" + layout);
                    continue;
                }
                boolean exact = op != BinaryOp.POW && op != BinaryOp.GELU_BACKWARD;
                assertSame(
                        expected,
                        dir.resolve("out.bin"),
                        exact,
                        op == BinaryOp.GELU_BACKWARD ? EmulatedValues.geluSlack(left, right) : null,
                        dtype + " " + op + layout);
            }
        }
    }

    /**
     * Integer powers are (long) pow(x, y) in double, as Java computes them: equal, except where |x^y|
     * lies in [2^53, 2^63), whose last bits two pow implementations, each within an ulp, may round apart.
     */
    private static void assertIntegerPowers(Tensor x, Tensor y, Tensor expected, Path file, String what)
            throws Exception {
        long[] xs = x.contiguous().toLongArray();
        long[] ys = y.contiguous().toLongArray();
        long[] e = expected.toLongArray();
        long[] a =
                KernelEmulator.readRaw(file, expected.dtype(), expected.shape()).toLongArray();
        for (int i = 0; i < e.length; i++) {
            double power = Math.abs(Math.pow(xs[i], ys[i]));
            boolean inexact = power >= 0x1p53 && power < 0x1p63;
            assertTrue(inexact || e[i] == a[i], what + ": element " + i + " is " + a[i] + ", expected " + e[i]);
        }
    }

    /**
     * The kernel's elements against the expected ones: equal (integers always, floats where {@code
     * exact}), or within a unit of the dtype's last place, plus the GELU family's slack (for F32) scaled
     * to the dtype.
     */
    private static void assertSame(Tensor expected, Path file, boolean exact, double[] slack, String what)
            throws Exception {
        DType dtype = expected.dtype();
        Tensor actual = KernelEmulator.readRaw(file, dtype, expected.shape());
        if (!dtype.isFloating()) {
            assertArrayEquals(expected.toLongArray(), actual.toLongArray(), what);
            return;
        }
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        int mantissa =
                switch (dtype) {
                    case F64 -> 52;
                    case BF16 -> 7;
                    default -> 10;
                };
        for (int i = 0; i < e.length; i++) {
            // Java's Math functions may be 1-2.5 ulps from the truth: for F64, as many units as F32's test
            double unit = Math.scalb(Math.ulp(1.0), 52 - mantissa) * Math.abs(e[i]) * (dtype == DType.F64 ? 4 : 1);
            double allowed = exact ? 0 : unit + (slack == null ? 0 : slack[i] * Math.scalb(1.0, 23 - mantissa));
            boolean ok = Double.isNaN(e[i])
                    ? Double.isNaN(a[i])
                    : Double.compare(e[i], a[i]) == 0 || (Double.isFinite(e[i]) && Math.abs(a[i] - e[i]) <= allowed);
            assertTrue(ok, what + ": element " + i + " is " + a[i] + ", expected " + e[i]);
        }
    }
}
