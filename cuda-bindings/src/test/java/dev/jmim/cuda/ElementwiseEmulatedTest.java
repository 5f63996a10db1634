package dev.jmim.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.tensor.AdamwStep;
import dev.jmim.tensor.Backends;
import dev.jmim.tensor.BinaryOp;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.UnaryOp;
import dev.jmim.tensor.random.Distribution;
import dev.jmim.tensor.random.Generator;
import dev.jmim.tensor.random.PhiloxState;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * elementwise.cu's F32 arithmetic, random.cu's Philox fills and optim.cu's fused AdamW without a GPU, run
 * by the emulator ({@link KernelEmulator}) against the naive CPU backend (double arithmetic, Java's
 * semantics; the fast one's GELU is accurate in absolute, not relative, terms): every unary and binary op through the
 * dense float4 kernel (1,073 elements: four-wide quarters and a tail) and the strided one (a transposed
 * view), special values included, within 4 ulps (the GELU family plus an ulp of 1 scaled by its inputs,
 * see geluSlack; the host's libm stands in for CUDA's, so this checks the kernels' dispatch, formulas,
 * special cases and indexing, not the device's math library); uniform fills bit for bit
 * and normal ones within an ulp of the CPU's; AdamW bit for bit.
 */
class ElementwiseEmulatedTest {
    private static final int ROWS = 37;
    private static final int COLS = 29;
    private static final float[] SPECIAL = {
        0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e-30f, -3e30f, 1f, -1f, 0.5f
    };

    private static KernelEmulator emulator;
    private static String cpuBefore;

    @BeforeAll
    static void build() throws Exception {
        emulator = KernelEmulator.build("elementwise_emulator");
        cpuBefore = Backends.cpu().name();
        Backends.useCpu("naive");
    }

    @AfterAll
    static void restoreTheCpuBackend() {
        if (cpuBefore != null) {
            Backends.useCpu(cpuBefore);
        }
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void everyUnaryOpMatchesTheCpu(UnaryOp op, @TempDir Path dir) throws Exception {
        Tensor x = operand(new Generator(op.ordinal()), false);
        if (op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT) {
            x = x.abs();
        }
        KernelEmulator.write(dir.resolve("x.bin"), x.toFloatArray());
        for (boolean transposed : new boolean[] {false, true}) {
            emulator.run("unary", dir, op.ordinal(), ROWS, COLS, transposed ? 1 : 0);
            Tensor in = transposed ? x.transpose(0, 1) : x;
            Tensor expected = Tensor.empty(DType.F32, Device.CPU, in.shape());
            Backends.cpu().unary(op, in, expected);
            boolean gelu = op == UnaryOp.GELU || op == UnaryOp.GELU_DERIVATIVE;
            assertWithinUlps(
                    expected,
                    dir.resolve("out.bin"),
                    4,
                    gelu ? geluSlack(in, null) : null,
                    op + (transposed ? " transposed" : " dense"));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = BinaryOp.class,
            names = {"ADD", "SUB", "MUL", "DIV", "POW", "MAXIMUM", "MINIMUM", "GELU_BACKWARD"})
    void everyBinaryArithmeticOpMatchesTheCpu(BinaryOp op, @TempDir Path dir) throws Exception {
        Generator g = new Generator(100 + op.ordinal());
        Tensor a = operand(g, false);
        Tensor b = operand(g, true); // pairs each special value with another
        if (op == BinaryOp.POW) {
            a = a.abs();
        }
        KernelEmulator.write(dir.resolve("a.bin"), a.toFloatArray());
        KernelEmulator.write(dir.resolve("b.bin"), b.toFloatArray());
        for (boolean transposed : new boolean[] {false, true}) {
            emulator.run("binary", dir, op.ordinal(), ROWS, COLS, transposed ? 1 : 0);
            Tensor left = transposed ? a.transpose(0, 1) : a;
            Tensor right = transposed ? b.transpose(0, 1) : b;
            Tensor expected = Tensor.empty(DType.F32, Device.CPU, left.shape());
            Backends.cpu().binary(op, left, right, expected);
            assertWithinUlps(
                    expected,
                    dir.resolve("out.bin"),
                    4,
                    op == BinaryOp.GELU_BACKWARD ? geluSlack(left, right) : null,
                    op + (transposed ? " transposed" : " dense"));
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
        Tensor a = typedOperand(dtype, new Generator(dtype.ordinal()), false);
        Tensor b = typedOperand(dtype, new Generator(dtype.ordinal() + 50), true);
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
                        ROWS,
                        COLS,
                        transposed ? 1 : 0);
                Tensor expected = Tensor.empty(dtype, Device.CPU, left.shape());
                Backends.cpu().unary(op, left, expected);
                boolean exact = op == UnaryOp.NEG || op == UnaryOp.ABS;
                double[] slack = op == UnaryOp.GELU || op == UnaryOp.GELU_DERIVATIVE ? geluSlack(left, null) : null;
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
                        ROWS,
                        COLS,
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
                        op == BinaryOp.GELU_BACKWARD ? geluSlack(left, right) : null,
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
            assertWithinUlps(
                    expected,
                    dir.resolve("out.bin"),
                    4,
                    op == BinaryOp.GELU_BACKWARD ? geluSlack(a, right) : null,
                    op + " with a broadcast " + kind);
        }
    }

    /** cast between every pair of dtypes: the naive backend's values (NaN as NaN, whatever its bits). */
    @ParameterizedTest
    @EnumSource(DType.class)
    void castsFromEachDtypeGiveTheNaiveBackendsValues(DType from, @TempDir Path dir) throws Exception {
        Tensor x = typedOperand(from, new Generator(200 + from.ordinal()), false);
        KernelEmulator.writeRaw(dir.resolve("x.bin"), x);
        for (DType to : DType.values()) {
            emulator.run("cast", dir, from.ordinal(), to.ordinal(), x.numel());
            assertSameValues(
                    x.to(to), KernelEmulator.readRaw(dir.resolve("out.bin"), to, x.shape()), from + " → " + to);
        }
    }

    /** Every comparison in a float, a half and two integer dtypes, with ties, NaN and the ranges' ends. */
    @ParameterizedTest
    @EnumSource(
            value = DType.class,
            names = {"F32", "BF16", "I64", "U8"})
    void comparisonsGiveTheNaiveBackendsAnswers(DType dtype, @TempDir Path dir) throws Exception {
        Tensor a = typedOperand(dtype, new Generator(300 + dtype.ordinal()), false);
        KernelEmulator.writeRaw(dir.resolve("a.bin"), a);
        // against other values (the special ones reversed), then against itself: every element a tie
        for (Tensor b : new Tensor[] {typedOperand(dtype, new Generator(400 + dtype.ordinal()), true), a}) {
            KernelEmulator.writeRaw(dir.resolve("b.bin"), b);
            for (BinaryOp op : BinaryOp.values()) {
                if (!op.isComparison()) {
                    continue;
                }
                emulator.run("compare", dir, op.ordinal(), dtype.ordinal(), a.numel());
                Tensor expected = Tensor.empty(DType.BOOL, Device.CPU, a.shape());
                Backends.cpu().binary(op, a, b, expected);
                Tensor actual = KernelEmulator.readRaw(dir.resolve("out.bin"), DType.BOOL, a.shape());
                assertSameValues(expected, actual, dtype + " " + op + (b == a ? " with itself" : ""));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void fillsGiveTheNaiveBackendsValues(DType dtype, @TempDir Path dir) throws Exception {
        for (double value : new double[] {2.5, -1, 0, Double.NaN, 1e10}) {
            emulator.run("fill", dir, dtype.ordinal(), 37, value, (long) value);
            Tensor expected = Tensor.empty(dtype, Device.CPU, 37);
            Backends.cpu().fill(expected, value);
            assertSameValues(
                    expected, KernelEmulator.readRaw(dir.resolve("out.bin"), dtype, 37), dtype + " fill " + value);
        }
    }

    /** where, for elements of every size: the chosen side's bits. */
    @ParameterizedTest
    @EnumSource(
            value = DType.class,
            names = {"F64", "F32", "BF16", "U8"})
    void whereTakesEachElementFromTheChosenSide(DType dtype, @TempDir Path dir) throws Exception {
        Tensor a = typedOperand(dtype, new Generator(500), false);
        Tensor b = typedOperand(dtype, new Generator(501), true);
        Tensor cond = Tensor.randn(new Generator(502), ROWS, COLS).gt(0);
        KernelEmulator.writeRaw(dir.resolve("cond.bin"), cond);
        KernelEmulator.writeRaw(dir.resolve("a.bin"), a);
        KernelEmulator.writeRaw(dir.resolve("b.bin"), b);
        emulator.run("where", dir, dtype.ordinal(), a.numel());
        Tensor expected = Tensor.empty(dtype, Device.CPU, a.shape());
        Backends.cpu().where(cond, a, b, expected);
        assertSameValues(expected, KernelEmulator.readRaw(dir.resolve("out.bin"), dtype, a.shape()), dtype + " where");
    }

    /** transpose_4byte, contiguous() of a transposed matrix: 32 × 32 tiles, partial ones at both edges. */
    @Test
    void theTiledTransposeCopiesTheTranspose(@TempDir Path dir) throws Exception {
        int rows = 45;
        int cols = 70;
        Tensor stored = Tensor.randn(new Generator(9), cols, rows);
        KernelEmulator.write(dir.resolve("x.bin"), stored.toFloatArray());
        emulator.run("transpose", dir, rows, cols);
        assertSameValues(
                stored.transpose(0, 1).contiguous(),
                KernelEmulator.readRaw(dir.resolve("out.bin"), DType.F32, rows, cols),
                "transpose");
    }

    /** Equal values: integers exactly, floats exactly or both NaN. */
    private static void assertSameValues(Tensor expected, Tensor actual, String what) {
        if (!expected.dtype().isFloating()) {
            assertArrayEquals(expected.toLongArray(), actual.toLongArray(), what);
            return;
        }
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertTrue(
                    Double.compare(e[i], a[i]) == 0 || (Double.isNaN(e[i]) && Double.isNaN(a[i])),
                    what + ": element " + i + " is " + a[i] + ", expected " + e[i]);
        }
    }

    /** As CudaBackendTest's GPU check: an offset that is no multiple of a Philox block, two lengths. */
    @Test
    void philoxFillsGiveTheCpuNumbers(@TempDir Path dir) throws Exception {
        Distribution[] distributions = {
            new Distribution.Uniform(-0.3, 2.5),
            new Distribution.Normal(0.5, 2),
            new Distribution.TruncatedNormal(0, 0.02, -0.04, 0.04)
        };
        double[][] parameters = {{0, -0.3, 2.5, 0, 0}, {1, 0.5, 2, 0, 0}, {2, 0, 0.02, -0.04, 0.04}};
        for (int i = 0; i < distributions.length; i++) {
            for (int n : new int[] {7, 3001}) {
                PhiloxState at = new PhiloxState(42, 7, 5);
                Tensor expected = Tensor.empty(DType.F32, Device.CPU, n);
                Backends.cpu().random(distributions[i], at, expected);
                double[] p = parameters[i];
                emulator.run("random", dir, (int) p[0], n, at.seed(), at.stream(), at.offset(), p[1], p[2], p[3], p[4]);
                assertWithinUlps(expected, dir.resolve("out.bin"), i == 0 ? 0 : 1, distributions[i] + " n=" + n);
            }
        }
    }

    @Test
    void fusedAdamwEqualsTheCompositeBitForBit(@TempDir Path dir) throws Exception {
        Generator g = new Generator(12);
        int n = 1000;
        for (double decay : new double[] {0, 0.05}) {
            AdamwStep step = new AdamwStep(1.5e-4, 0.9, 0.95, 1e-8, decay, 3);
            Tensor param = Tensor.randn(g, n);
            Tensor grad = Tensor.randn(g, n);
            Tensor m = Tensor.randn(g, n).mul(0.01);
            Tensor v = Tensor.randn(g, n).abs().mul(1e-4);
            KernelEmulator.write(dir.resolve("param.bin"), param.toFloatArray());
            KernelEmulator.write(dir.resolve("grad.bin"), grad.toFloatArray());
            KernelEmulator.write(dir.resolve("m.bin"), m.toFloatArray());
            KernelEmulator.write(dir.resolve("v.bin"), v.toFloatArray());
            AdamwStep.Factors f = step.factors();
            emulator.run(
                    "adamw",
                    dir,
                    n,
                    f.decay(),
                    f.beta1(),
                    f.oneMinusBeta1(),
                    f.beta2(),
                    f.oneMinusBeta2(),
                    f.sqrtCorrection2(),
                    f.eps(),
                    f.stepSize());
            step.composite(param, grad, m, v);
            String what = "adamw decay=" + decay;
            assertWithinUlps(param, dir.resolve("param.bin"), 0, what + " param");
            assertWithinUlps(m, dir.resolve("m.bin"), 0, what + " exp_avg");
            assertWithinUlps(v, dir.resolve("v.bin"), 0, what + " exp_avg_sq");
        }
    }

    /**
     * [ROWS, COLS] of a dtype: integers spread over its range with its ends (and small values, whose
     * powers stay in range), floats with the special values.
     */
    private static Tensor typedOperand(DType dtype, Generator g, boolean reversed) {
        if (dtype.isFloating()) {
            return operand(g, reversed).to(dtype);
        }
        long[] ends =
                switch (dtype) {
                    case I64 -> new long[] {Long.MIN_VALUE, Long.MAX_VALUE, -1, 0, 1, 2, 3};
                    case I32 -> new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 0, 1, 2, 3};
                    default -> new long[] {0, 255, 1, 2, 3, 128, 127};
                };
        long span = dtype == DType.U8 ? 256 : dtype == DType.I32 ? 1L << 32 : Long.MAX_VALUE;
        java.util.Random r = new java.util.Random(g.seed());
        long[] values = new long[ROWS * COLS];
        for (int i = 0; i < values.length; i++) {
            long v = i % 3 == 0 ? r.nextInt(7) - 3 : r.nextLong() % span;
            values[i] = dtype == DType.U8 ? Math.floorMod(v, 256) : v;
        }
        for (int i = 0; i < ends.length; i++) {
            values[i] = ends[reversed ? ends.length - 1 - i : i];
        }
        return Tensor.of(values, ROWS, COLS).to(dtype);
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

    /** Normal values, with the special values first (or first in reverse order): [ROWS, COLS]. */
    private static Tensor operand(Generator g, boolean reversed) {
        float[] values = Tensor.randn(g, ROWS * COLS).mul(3).toFloatArray();
        for (int i = 0; i < SPECIAL.length; i++) {
            values[i] = SPECIAL[reversed ? SPECIAL.length - 1 - i : i];
        }
        return Tensor.of(values, ROWS, COLS);
    }

    /**
     * Each element within {@code ulps} ulps of the expected one plus {@code slack[i]} where given (NaN
     * where NaN, infinities equal).
     */
    private static void assertWithinUlps(Tensor expected, Path file, int ulps, double[] slack, String what)
            throws Exception {
        float[] e = expected.contiguous().toFloatArray();
        float[] a = KernelEmulator.read(file, e.length);
        for (int i = 0; i < e.length; i++) {
            double allowed = ulps * Math.ulp(e[i]) + (slack == null ? 0 : slack[i]);
            boolean ok = Float.isNaN(e[i])
                    ? Float.isNaN(a[i])
                    : Float.compare(e[i], a[i]) == 0 || (Float.isFinite(e[i]) && Math.abs(a[i] - e[i]) <= allowed);
            assertTrue(ok, what + ": element " + i + " is " + a[i] + ", expected " + e[i]);
        }
    }

    private static void assertWithinUlps(Tensor expected, Path file, int ulps, String what) throws Exception {
        assertWithinUlps(expected, file, ulps, null, what);
    }

    /**
     * What the GELU family may add to its ulps: its kernels evaluate Φ and φ in float, so the result is
     * good to about an ulp of 1 times the input's magnitude (times the gradient's, for GELU_BACKWARD) where
     * the relative error grows: in the tails, and near GELU′'s root where Φ(x) and x·φ(x) cancel.
     */
    private static double[] geluSlack(Tensor x, Tensor gradient) {
        float[] xs = x.contiguous().toFloatArray();
        float[] gs = gradient == null ? null : gradient.contiguous().toFloatArray();
        double[] slack = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            slack[i] = 0x1p-23 * (1 + Math.abs(xs[i])) * (gs == null ? 1 : Math.abs(gs[i]));
        }
        return slack;
    }
}
