package dev.jmim.tensor;

/**
 * What an {@link OpRecorder} is told about each op that produced a tensor from other tensors. The
 * recorder receives the op's actual operands: broadcasting and dtype promotion have already been
 * recorded as their own {@link Expand} and {@link Cast} steps, so binary operands share a shape and
 * a dtype. Creation ops (zeros, rand, of) and integer-valued ops (argmax, argsort) are not recorded.
 */
public sealed interface Primitive {

    /** Elementwise; operand x. */
    record Unary(UnaryOp op) implements Primitive {}

    /** Elementwise; operands a, b of the output's shape. */
    record Binary(BinaryOp op) implements Primitive {}

    /** Operands cond (BOOL), a, b, all of the output's shape. */
    record Where() implements Primitive {}

    /** Operand x; the output keeps every reduced dim as size 1 (a Reshape drops them after). */
    record Reduce(ReduceOp op, boolean[] reduced) implements Primitive {}

    /** Operands a [..., M, K], b [..., K, N] with equal batch dims. */
    record MatMul() implements Primitive {}

    /** Operands x, index. */
    record Gather(int dim) implements Primitive {}

    /** Operands self, index, src; the output is a copy of self with src added. */
    record ScatterAdd(int dim) implements Primitive {}

    /** Operands x, a 1-D index. */
    record IndexSelect(int dim) implements Primitive {}

    /** Operand x; the output has another dtype. */
    record Cast() implements Primitive {}

    /** Operand x; the output is a dense copy. */
    record Copy() implements Primitive {}

    /** Operand x; the output has the same elements in the same order and another shape. */
    record Reshape() implements Primitive {}

    /** Operand x; output dim i is input dim {@code dims[i]}. */
    record Permute(int[] dims) implements Primitive {}

    /** Operand x; the output broadcasts it (new leading dims, size-1 dims grown). */
    record Expand() implements Primitive {}

    /** Operand x; elements start, start + step, … along dim. */
    record Slice(int dim, int start, int step) implements Primitive {}

    /** Operands: the concatenated tensors, in order. */
    record Concat(int dim) implements Primitive {}

    /**
     * Operand x [..., H, W, 2], complex numbers as (real, imaginary) pairs; the output is its 2-D
     * DFT over H and W (the inverse, scaled by 1/(H·W), when {@code inverse}).
     */
    record Fft2(boolean inverse) implements Primitive {}
}
