package dev.jmim.tensor.naive;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.HalfFloats;
import dev.jmim.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Scalar element access to CPU tensors: strided addressing plus a read and a write of each dtype
 * as double (float kinds) or long (integer kinds). Float → integer conversion truncates toward
 * zero; anything → BOOL stores {@code value != 0}.
 */
final class Elements {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private Elements() {}

    /** Byte offset in the storage of the element at index. */
    static long byteOffset(Tensor t, int[] index) {
        long element = t.offset();
        for (int d = 0; d < index.length; d++) {
            element += index[d] * t.stride(d);
        }
        return element * t.dtype().byteSize();
    }

    static double getDouble(MemorySegment s, DType type, long at) {
        return switch (type) {
            case F64 -> s.get(F64, at);
            case F32 -> s.get(F32, at);
            case BF16 -> HalfFloats.bf16ToFloat(s.get(I16, at));
            case F16 -> HalfFloats.f16ToFloat(s.get(I16, at));
            case I64, I32, U8, BOOL -> getLong(s, type, at);
        };
    }

    static long getLong(MemorySegment s, DType type, long at) {
        return switch (type) {
            case I64 -> s.get(I64, at);
            case I32 -> s.get(I32, at);
            case U8 -> s.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
            case BOOL -> s.get(ValueLayout.JAVA_BYTE, at) != 0 ? 1 : 0;
            case F64, F32, BF16, F16 -> (long) getDouble(s, type, at);
        };
    }

    static void putDouble(MemorySegment s, DType type, long at, double v) {
        switch (type) {
            case F64 -> s.set(F64, at, v);
            case F32 -> s.set(F32, at, (float) v);
            case BF16 -> s.set(I16, at, HalfFloats.floatToBf16((float) v));
            case F16 -> s.set(I16, at, HalfFloats.floatToF16((float) v));
            case BOOL -> s.set(ValueLayout.JAVA_BYTE, at, (byte) (v != 0 ? 1 : 0));
            case I64, I32, U8 -> putLong(s, type, at, (long) v);
        }
    }

    static void putLong(MemorySegment s, DType type, long at, long v) {
        switch (type) {
            case I64 -> s.set(I64, at, v);
            case I32 -> s.set(I32, at, (int) v);
            case U8 -> s.set(ValueLayout.JAVA_BYTE, at, (byte) v);
            case BOOL -> s.set(ValueLayout.JAVA_BYTE, at, (byte) (v != 0 ? 1 : 0));
            case F64, F32, BF16, F16 -> putDouble(s, type, at, v);
        }
    }
}
