package dev.jmim.tensor;

/** Elementwise binary primitives; the caller broadcasts the operands to the output shape first. */
public enum BinaryOp {
    ADD,
    SUB,
    MUL,
    DIV,
    POW,
    MAXIMUM,
    MINIMUM,
    EQ,
    NE,
    LT,
    LE,
    GT,
    GE;

    /** Comparisons produce BOOL. */
    public boolean isComparison() {
        return ordinal() >= EQ.ordinal();
    }
}
