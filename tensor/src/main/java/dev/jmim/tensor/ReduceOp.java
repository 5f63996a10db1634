package dev.jmim.tensor;

/** Reductions over a set of dims. SUM of integers or BOOL gives I64; MAX and MIN keep the dtype. */
public enum ReduceOp {
    SUM,
    MAX,
    MIN
}
