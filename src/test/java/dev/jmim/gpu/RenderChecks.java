package dev.jmim.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * What the tests of a rasteriser in float share: random scene values, and how its output is held to the
 * host's in double — a pixel whose α or transmittance sits at a cut-off (1/255, 1e-4) may fall on the
 * other side, so most elements must agree closely and none may be far off.
 */
public final class RenderChecks {
    private RenderChecks() {}

    /** F32 values uniform in [lo, hi) of a shape. */
    public static Tensor uniform(SplittableRandom r, double lo, double hi, int... shape) {
        int count = 1;
        for (int s : shape) {
            count *= s;
        }
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return Tensor.of(values, shape);
    }

    /**
     * Most elements (all but one in a thousand) within {@code typical} of the expected ones, relative to
     * the expected tensor's largest magnitude; none beyond {@code worst}.
     */
    public static void assertClose(Tensor expected, Tensor actual, double typical, double worst, String what) {
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        double scale = 1e-12;
        for (double v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        int off = 0;
        double largest = 0;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs(a[i] - e[i]) / scale;
            assertTrue(
                    d <= worst, what + ": element " + i + " is " + a[i] + ", host " + e[i] + " (scale " + scale + ")");
            off += d > typical ? 1 : 0;
            largest = Math.max(largest, d);
        }
        System.out.printf(
                "%s: largest difference %.2e of the largest magnitude, %d of %d beyond %.0e%n",
                what, largest, off, e.length, typical);
        assertTrue(off <= e.length / 1000, what + ": " + off + " of " + e.length + " elements beyond " + typical);
    }
}
