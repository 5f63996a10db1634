package dev.jmim.tensor;

/** Elementwise unary primitives. Integer inputs are promoted to F32 first, except NEG and ABS. */
public enum UnaryOp {
    NEG,
    EXP,
    LOG,
    SQRT,
    RSQRT,
    RECIPROCAL,
    TANH,
    SIGMOID,
    ERF,
    ABS,
    SIN,
    COS,
    /** Exact GELU, x·Φ(x) = x·(1 + erf(x/√2))/2. */
    GELU,
    /** GELU's derivative Φ(x) + x·φ(x): one pass for GELU's gradient instead of eight primitives. */
    GELU_DERIVATIVE;

    /** NEG and ABS keep integer dtypes; the others are float functions. */
    public boolean keepsIntegers() {
        return this == NEG || this == ABS;
    }
}
