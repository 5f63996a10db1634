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
    /**
     * GELU's backward: b·gelu′(a) for a the GELU's input and b the gradient of its output, in one pass
     * where the chain gelu′(a), then the product, takes two and a temporary.
     */
    GELU_BACKWARD,
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
