package dev.jmim.tensor;

/**
 * Conversions between float and the two 16-bit float formats, rounding to nearest, ties to even.
 *
 * <p>BF16 is the top half of an IEEE binary32; F16 is IEEE binary16 (the JDK's own conversion). A
 * value computed in double is first rounded to float, then to the 16-bit format, which is what
 * PyTorch does when an op computes in float and stores a half type.
 */
public final class HalfFloats {
    private HalfFloats() {}

    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            // Keep sign and payload top bits, force a quiet NaN so truncation cannot make an infinity.
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    public static float bf16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    public static short floatToF16(float value) {
        return Float.floatToFloat16(value);
    }

    public static float f16ToFloat(short f16) {
        return Float.float16ToFloat(f16);
    }
}
