package dev.jmim.tensor.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.naive.NaiveBackend;
import dev.jmim.tensor.random.Generator;
import org.junit.jupiter.api.Test;

/**
 * The fast FFT against the textbook F64 DFT of the reference backend, on generated sizes: powers
 * of two, small primes, 28 and 224 (2⁵·7, PixMIM's size), 13·7 = 91 (mixed radix with a large
 * factor) and the primes 97 and 211 (Bluestein), with batch dims, F32 and F64, forward and
 * inverse, on 1 and 2 threads (equal bits). Tolerance: |Δ| ≤ 2·ulp(ref) + 10⁻¹²·max|ref| for F32
 * (both compute in double and round once) and 10⁻¹¹·max|ref| for F64.
 */
class FftTest {
    private static final int[] SIZES = {1, 2, 3, 4, 5, 7, 8, 13, 28, 32, 91, 97, 211};
    private static final FastBackend ONE_THREAD = new FastBackend(1);
    private static final FastBackend TWO_THREADS = new FastBackend(2);
    private static final NaiveBackend REFERENCE = new NaiveBackend();

    @Test
    void fastTransformsMatchTheTextbookDft() {
        qt().withFixedSeed(41L)
                .withExamples(50)
                .forAll(
                        integers().between(0, SIZES.length - 1),
                        integers().between(0, SIZES.length - 1),
                        integers().between(0, 7))
                .checkAssert((hi, wi, flags) -> {
                    int h = SIZES[hi];
                    int w = SIZES[wi];
                    int batch = 1 + (flags & 1) * 2;
                    DType dtype = (flags & 2) == 2 ? DType.F64 : DType.F32;
                    boolean inverse = (flags & 4) == 4;
                    compare(
                            Tensor.randn(new Generator(h * 1000L + w), batch, h, w, 2)
                                    .to(dtype),
                            inverse);
                });
    }

    @Test
    void pixmimsSizeMatchesTheTextbookDft() {
        compare(Tensor.rand(new Generator(7), 1, 224, 224, 2), false);
    }

    @Test
    void theInverseUndoesTheTransform() {
        Tensor x = Tensor.randn(new Generator(3), 2, 3, 28, 97, 2).to(DType.F64);
        double[] back = x.fft2().ifft2().toDoubleArray();
        double[] original = x.toDoubleArray();
        for (int i = 0; i < original.length; i++) {
            assertEquals(original[i], back[i], 1e-12, "element " + i);
        }
    }

    @Test
    void anImpulseHasAFlatSpectrumAndAConstantOnlyTheDcTerm() {
        double[] values = new double[5 * 6 * 2];
        values[0] = 1;
        Tensor impulse = Tensor.of(values, 5, 6, 2);
        double[] flat = impulse.fft2().toDoubleArray();
        for (int i = 0; i < flat.length; i += 2) {
            assertEquals(1, flat[i], 1e-15);
            assertEquals(0, flat[i + 1], 1e-15);
        }
        double[] dc = Tensor.ones(5, 6).toComplex().fft2().toDoubleArray();
        assertEquals(30, dc[0], 1e-5);
        for (int i = 1; i < dc.length; i++) {
            assertEquals(0, dc[i], 1e-5, "element " + i);
        }
    }

    @Test
    void aRealImageMustBeMadeComplexFirst() {
        String message = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, 32, 32)
                        .fft2())
                .getMessage();
        assertTrue(message.contains("[3,32,32]") && message.contains("toComplex()"), message);
    }

    private static void compare(Tensor x, boolean inverse) {
        Tensor[] outs = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            outs[i] = Tensor.empty(x.dtype(), Device.CPU, x.shape());
        }
        ONE_THREAD.fft2(x, inverse, outs[0]);
        TWO_THREADS.fft2(x, inverse, outs[1]);
        REFERENCE.fft2(x, inverse, outs[2]);
        double[] fast = outs[0].toDoubleArray();
        double[] ref = outs[2].toDoubleArray();
        assertArrayEquals(fast, outs[1].toDoubleArray(), "1 and 2 threads must give the same bits");
        double max = 0;
        for (double v : ref) {
            max = Math.max(max, Math.abs(v));
        }
        boolean f32 = x.dtype() == DType.F32;
        for (int i = 0; i < ref.length; i++) {
            double allowed = f32 ? 2 * Math.ulp((float) ref[i]) + 1e-12 * max : 1e-11 * max;
            if (Math.abs(fast[i] - ref[i]) > allowed) {
                throw new AssertionError((inverse ? "ifft2" : "fft2") + " of " + x.dtype() + " "
                        + java.util.Arrays.toString(x.shape()) + ": element " + i + " fast " + fast[i] + " reference "
                        + ref[i] + " (allowed ±" + allowed + ")");
            }
        }
    }
}
