package dev.jmim.tensor;

/**
 * The element types a {@link Tensor} can hold. The names are safetensors' dtype names, so a file's
 * header maps onto this enum without a table.
 */
public enum DType {
    F64(8, Kind.FLOAT),
    F32(4, Kind.FLOAT),
    BF16(2, Kind.FLOAT),
    F16(2, Kind.FLOAT),
    I64(8, Kind.INTEGER),
    I32(4, Kind.INTEGER),
    U8(1, Kind.INTEGER),
    BOOL(1, Kind.BOOL);

    /** What arithmetic means for a dtype. */
    public enum Kind {
        FLOAT,
        INTEGER,
        BOOL
    }

    private final int byteSize;
    private final Kind kind;

    DType(int byteSize, Kind kind) {
        this.byteSize = byteSize;
        this.kind = kind;
    }

    public int byteSize() {
        return byteSize;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isFloating() {
        return kind == Kind.FLOAT;
    }

    /**
     * NumPy/PyTorch type promotion for two tensor operands: any float beats any integer; two
     * different 16-bit floats meet at F32; integers widen; BOOL is the weakest.
     */
    public static DType promote(DType a, DType b) {
        if (a == b) {
            return a;
        }
        if (a.isFloating() || b.isFloating()) {
            if (!a.isFloating()) {
                return b;
            }
            if (!b.isFloating()) {
                return a;
            }
            if (a.byteSize == 2 && b.byteSize == 2) {
                return F32;
            }
            return a.byteSize >= b.byteSize ? a : b;
        }
        if (a == BOOL) {
            return b;
        }
        if (b == BOOL) {
            return a;
        }
        return a.byteSize >= b.byteSize ? a : b;
    }

    /** The safetensors name of this dtype (identical to {@link #name()}). */
    public String safetensorsName() {
        return name();
    }

    /** Parses a safetensors dtype name, naming the supported ones when it is not one of them. */
    public static DType fromSafetensorsName(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException(
                "unsupported dtype '" + name + "'; jmim supports " + java.util.Arrays.toString(values()));
    }
}
