package dev.jmim.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.tensor.Backends;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the emulated elementwise tests share: the harness, built once, with the naive backend as the CPU
 * (the reference: double arithmetic) while they run; their operands; their comparisons.
 */
abstract class EmulatedValues {
    static final int ROWS = 37;
    static final int COLS = 29;
    private static final float[] SPECIAL = {
        0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e-30f, -3e30f, 1f, -1f, 0.5f
    };

    static KernelEmulator emulator;
    private static String cpuBefore;

    @BeforeAll
    static void buildAndUseTheNaiveCpu() throws Exception {
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

    /** Normal values, with the special values first (or first in reverse order): [ROWS, COLS]. */
    static Tensor operand(Generator g, boolean reversed) {
        float[] values = Tensor.randn(g, ROWS * COLS).mul(3).toFloatArray();
        for (int i = 0; i < SPECIAL.length; i++) {
            values[i] = SPECIAL[reversed ? SPECIAL.length - 1 - i : i];
        }
        return Tensor.of(values, ROWS, COLS);
    }

    /**
     * [ROWS, COLS] of a dtype: integers spread over its range with its ends (and small values, whose
     * powers stay in range), floats with the special values.
     */
    static Tensor typedOperand(DType dtype, Generator g, boolean reversed) {
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
     * Each element within {@code ulps} ulps of the expected one plus {@code slack[i]} where given (NaN
     * where NaN, infinities equal).
     */
    static void assertWithinUlps(Tensor expected, Path file, int ulps, double[] slack, String what) throws Exception {
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

    static void assertWithinUlps(Tensor expected, Path file, int ulps, String what) throws Exception {
        assertWithinUlps(expected, file, ulps, null, what);
    }

    /**
     * What the GELU family may add to its ulps: its kernels evaluate Φ and φ in float, so the result is
     * good to about an ulp of 1 times the input's magnitude (times the gradient's, for GELU_BACKWARD) where
     * the relative error grows: in the tails, and near GELU′'s root where Φ(x) and x·φ(x) cancel.
     */
    static double[] geluSlack(Tensor x, Tensor gradient) {
        float[] xs = x.contiguous().toFloatArray();
        float[] gs = gradient == null ? null : gradient.contiguous().toFloatArray();
        double[] slack = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            slack[i] = 0x1p-23 * (1 + Math.abs(xs[i])) * (gs == null ? 1 : Math.abs(gs[i]));
        }
        return slack;
    }

    /** Equal values: integers exactly, floats exactly or both NaN. */
    static void assertSameValues(Tensor expected, Tensor actual, String what) {
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
}
