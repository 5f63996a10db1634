package dev.jmim.tensor.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhiloxTest {

    /** The three philox4x32 10 lines of Random123's kat_vectors: counter, key, expected output. */
    @ParameterizedTest(name = "ctr {0} {1} {2} {3} key {4} {5}")
    @CsvSource({
        "00000000,00000000,00000000,00000000,00000000,00000000,6627e8d5,e169c58d,bc57ac4c,9b00dbd8",
        "ffffffff,ffffffff,ffffffff,ffffffff,ffffffff,ffffffff,408f276d,41c83b0e,a20bc7c6,6d5451fd",
        "243f6a88,85a308d3,13198a2e,03707344,a4093822,299f31d0,d16cfe09,94fdcceb,5001e420,24126ea1"
    })
    void matchesTheRandom123KnownAnswers(
            String c0,
            String c1,
            String c2,
            String c3,
            String k0,
            String k1,
            String o0,
            String o1,
            String o2,
            String o3) {
        int[] out = new int[4];
        Philox.block(hex(c0), hex(c1), hex(c2), hex(c3), hex(k0), hex(k1), out);
        assertArrayEquals(new int[] {hex(o0), hex(o1), hex(o2), hex(o3)}, out, () -> Arrays.toString(out));
    }

    private static int hex(String s) {
        return Integer.parseUnsignedInt(s, 16);
    }

    @Test
    void drawsFollowTheDocumentedCounterLayout() {
        // Seed 0, stream 0: draws 0..3 are the lanes of the all-zero KAT block.
        int[] zeroBlock = {hex("6627e8d5"), hex("e169c58d"), hex("bc57ac4c"), hex("9b00dbd8")};
        for (int lane = 0; lane < 4; lane++) {
            assertEquals(zeroBlock[lane], Philox.draw(0, 0, lane), "lane " + lane);
        }
        // Any draw d: counter (lo d/4, hi d/4, lo stream, hi stream), key (lo seed, hi seed), lane d % 4.
        long seed = 0x299f31d0a4093822L;
        long stream = 0x0370734413198a2eL;
        long d = 0x0123456789ABCDEFL;
        int[] out = new int[4];
        long block = d >>> 2;
        Philox.block((int) block, (int) (block >>> 32), 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out);
        assertEquals(out[(int) (d & 3)], Philox.draw(seed, stream, d));
    }

    @Test
    void uniformIsTheTop24BitsExactly() {
        assertEquals(0f, Philox.unitFloat(0x000000FF));
        assertEquals(1f - 0x1p-24f, Philox.unitFloat(0xFFFFFFFF));
        assertEquals(0.5f, Philox.unitFloat(0x80000000));
    }

    @Test
    void sameSeedSameNumbersAndConsecutiveFillsContinueTheStream() {
        Generator g = new Generator(123);
        float[] first = Tensor.rand(g, 5).toFloatArray();
        float[] second = Tensor.rand(g, 7).toFloatArray();
        float[] whole = Tensor.rand(new Generator(123), 12).toFloatArray();
        assertArrayEquals(whole, concat(first, second));
        assertEquals(12, g.offset());
    }

    @Test
    void streamsAndSeedsAreIndependent() {
        float[] a = Tensor.rand(new Generator(5, 0), 64).toFloatArray();
        float[] b = Tensor.rand(new Generator(5, 1), 64).toFloatArray();
        float[] c = Tensor.rand(new Generator(6, 0), 64).toFloatArray();
        assertNotEquals(Arrays.toString(a), Arrays.toString(b));
        assertNotEquals(Arrays.toString(a), Arrays.toString(c));
    }

    @Test
    void normalHasUnitMomentsAndConsumesPairs() {
        Generator g = new Generator(9);
        Tensor z = Tensor.randn(g, 200_001);
        assertEquals(200_002, g.offset(), "an odd count still consumes whole Box-Muller pairs");
        double mean = z.mean().item();
        double var = z.var(new int[0], 1, false).item();
        // 200k samples: the standard error of the mean is 0.0022, of the variance 0.0032.
        assertEquals(0, mean, 0.011, "mean");
        assertEquals(1, var, 0.016, "variance");
        double fourth = z.pow(4).mean().item();
        assertEquals(3, fourth, 0.08, "fourth moment of a Gaussian");
    }

    @Test
    void normalElementsAreTheDocumentedBoxMullerPair() {
        Tensor z = Tensor.random(new Generator(77, 3), new Distribution.Normal(0, 1), DType.F64, Device.CPU, 2);
        double u1 = ((Philox.draw(77, 3, 0) >>> 8) + 1) * 0x1p-24;
        double u2 = (Philox.draw(77, 3, 1) >>> 8) * 0x1p-24;
        double r = Math.sqrt(-2 * Math.log(u1));
        assertEquals((float) (r * Math.cos(2 * Math.PI * u2)), z.toDoubleArray()[0], 0.0);
        assertEquals((float) (r * Math.sin(2 * Math.PI * u2)), z.toDoubleArray()[1], 0.0);
    }

    @Test
    void truncatedNormalStaysInBoundsWithTheRightSpread() {
        Tensor t = Tensor.truncatedNormal(new Generator(3), 0, 0.02, -0.04, 0.04, 100_000);
        double[] v = t.toDoubleArray();
        assertTrue(Arrays.stream(v).allMatch(x -> x >= -0.04 && x <= 0.04), "all within [a, b]");
        // Std of N(0, σ²) truncated at ±2σ is 0.8796σ.
        double std = Math.sqrt(t.var(new int[0], 1, false).item());
        assertEquals(0.8796 * 0.02, std, 0.0003);
    }

    @Test
    void halfTypesReceiveTheRoundedFloat() {
        float[] f32 = Tensor.random(new Generator(4), new Distribution.Uniform(-1, 1), DType.F32, Device.CPU, 16)
                .toFloatArray();
        float[] bf16 = Tensor.random(new Generator(4), new Distribution.Uniform(-1, 1), DType.BF16, Device.CPU, 16)
                .toFloatArray();
        for (int i = 0; i < 16; i++) {
            assertEquals(Tensor.of(new float[] {f32[i]}).to(DType.BF16).toFloatArray()[0], bf16[i], "element " + i);
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
