package dev.jmim.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    /** Independent oracle: the nearer of the two bf16 neighbours, compared exactly in double; ties to even. */
    private static short bf16Oracle(float f) {
        int bits = Float.floatToRawIntBits(f);
        short down = (short) (bits >>> 16);
        short up = (short) (down + 1);
        double lo = HalfFloats.bf16ToFloat(down);
        double hi = HalfFloats.bf16ToFloat(up);
        double dLo = Math.abs(f - lo);
        double dHi = Double.isInfinite(hi) && !Double.isInfinite(f)
                ? Math.abs(f - 0x1p128 * Math.signum(f))
                : Math.abs(f - hi);
        if (dLo < dHi) {
            return down;
        }
        if (dHi < dLo) {
            return up;
        }
        return (down & 1) == 0 ? down : up;
    }

    @Test
    void bf16RoundsToNearestEvenOnAMillionRandomFloats() {
        SplittableRandom random = new SplittableRandom(2024);
        for (int i = 0; i < 1_000_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (Float.isNaN(f)) {
                continue;
            }
            short expected = bf16Oracle(f);
            short got = HalfFloats.floatToBf16(f);
            if (expected != got) {
                throw new AssertionError("bf16(" + f + " = 0x" + Integer.toHexString(Float.floatToRawIntBits(f))
                        + "): expected 0x" + Integer.toHexString(expected & 0xFFFF) + " got 0x"
                        + Integer.toHexString(got & 0xFFFF));
            }
        }
    }

    @Test
    void bf16TiesGoToEven() {
        // 1 + 2^-8 lies exactly between bf16 1.0 (0x3F80) and 1.0078125 (0x3F81): even is 0x3F80.
        assertEquals(0x3F80, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F808000)) & 0xFFFF);
        // 0x3F818000 lies between 0x3F81 and 0x3F82: even is 0x3F82.
        assertEquals(0x3F82, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F818000)) & 0xFFFF);
        // Just above the tie rounds up.
        assertEquals(0x3F81, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F808001)) & 0xFFFF);
    }

    @Test
    void bf16KeepsSpecialValues() {
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.NaN))));
        // A NaN whose payload lives only in the low bits must stay NaN, not turn into infinity.
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x7F800001)))));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.POSITIVE_INFINITY)));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.MAX_VALUE)));
        assertEquals(-0.0f, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(-0.0f)));
        assertEquals(0x0001, HalfFloats.floatToBf16(Float.intBitsToFloat(0x00010000)) & 0xFFFF, "smallest subnormal");
    }

    @Test
    void f16RoundsToNearestEvenAtKnownPoints() {
        assertEquals(65504f, HalfFloats.f16ToFloat(HalfFloats.floatToF16(65504f)), "largest finite");
        assertEquals(
                Float.POSITIVE_INFINITY, HalfFloats.f16ToFloat(HalfFloats.floatToF16(65520f)), "tie above max → inf");
        assertEquals(65504f, HalfFloats.f16ToFloat(HalfFloats.floatToF16(65519f)), "below the tie → max");
        assertEquals(0x1p-24f, HalfFloats.f16ToFloat(HalfFloats.floatToF16(0x1p-24f)), "smallest subnormal");
        assertEquals(
                0f, HalfFloats.f16ToFloat(HalfFloats.floatToF16(0x1p-25f)), "half the smallest subnormal ties to 0");
        // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to even gives 1.
        assertEquals(1f, HalfFloats.f16ToFloat(HalfFloats.floatToF16(1f + 0x1p-11f)));
        assertEquals(1f + 0x1p-9f, HalfFloats.f16ToFloat(HalfFloats.floatToF16(1f + 0x1p-10f + 0x1p-11f)));
    }

    @Test
    void tensorsStoreHalfTypesWithTheSameRounding() {
        float[] values = {1f + 0x1p-11f, 3.14159f, -2.5e-3f, 70000f};
        Tensor f32 = Tensor.of(values);
        float[] bf = f32.to(DType.BF16).toFloatArray();
        float[] f16 = f32.to(DType.F16).toFloatArray();
        for (int i = 0; i < values.length; i++) {
            assertEquals(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(values[i])), bf[i], "bf16 of " + values[i]);
            assertEquals(HalfFloats.f16ToFloat(HalfFloats.floatToF16(values[i])), f16[i], "f16 of " + values[i]);
        }
    }
}
