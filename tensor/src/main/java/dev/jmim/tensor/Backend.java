package dev.jmim.tensor;

import dev.jmim.tensor.random.Distribution;
import dev.jmim.tensor.random.PhiloxState;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * The SPI a device implements: allocate, copy in and out, and run each primitive. The front end
 * ({@link Tensor}) has already checked shapes, broadcast the operands (stride-0 views), promoted
 * dtypes and allocated the output, so a kernel only loops. Inputs may be any strided view; outputs
 * are fresh contiguous tensors unless a method says otherwise.
 */
public interface Backend {

    /** A short name for logs and {@code jmim info}, e.g. {@code naive} or {@code cuda}. */
    String name();

    Device device();

    /** CPU threads this backend's kernels run on (1 for a single-threaded backend). */
    int threads();

    /** Zero-filled memory for {@code byteSize} bytes. */
    Storage allocate(long byteSize);

    /**
     * Memory for an op's output that the op writes in full before anything reads it, so it need
     * not be zero-filled; backends without a cheaper way return {@link #allocate}'s.
     */
    default Storage allocateForOutput(long byteSize) {
        return allocate(byteSize);
    }

    MemoryStats memoryStats();

    void copyFromHost(MemorySegment source, Storage target, long targetByteOffset, long byteCount);

    void copyToHost(Storage source, long sourceByteOffset, MemorySegment target, long byteCount);

    /** out = x, elementwise, converting dtype; {@code out} may be any strided view of the same shape. */
    void copy(Tensor x, Tensor out);

    void fill(Tensor out, double value);

    void unary(UnaryOp op, Tensor x, Tensor out);

    /** a and b have out's shape and, for arithmetic, out's dtype; comparisons write BOOL. */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** out = cond ? a : b; cond is BOOL; all have out's shape. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor out);

    /** out has x's rank with every dim in {@code reduced} set to 1. */
    void reduce(ReduceOp op, Tensor x, boolean[] reduced, Tensor out);

    /**
     * Fused softmax (or log-softmax when {@code log}) over the last dim; x and out are contiguous,
     * of one float dtype and one shape. Used where no gradient graph is recorded; the composite of
     * primitives stays the definition it is tested against.
     */
    void softmax(Tensor x, boolean log, Tensor out);

    /**
     * Fused layer_norm over the last dim of contiguous x: (x − mean)/√(biased variance + eps), times
     * weight plus bias (each [n] contiguous, or null); out contiguous, x's shape and dtype.
     */
    void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out);

    /**
     * layer_norm's backward over the last dim of contiguous x and gradOut (one float dtype, one shape;
     * weight [n] contiguous, or null for 1): with r = 1/√(biased var + eps), x̂ = (x − mean)·r and ĝ =
     * gradOut·weight, writes dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) into contiguous dx of x's shape, and
     * the affine parameters' gradients Σ gradOut·x̂ and Σ gradOut over all leading dims into contiguous
     * [n] dWeight and dBias. The default composes it from primitives, the definition a fused kernel is
     * tested against.
     */
    default void layerNormBackward(
            Tensor x, Tensor weight, Tensor gradOut, double eps, Tensor dx, Tensor dWeight, Tensor dBias) {
        Composites.layerNormBackward(x, weight, gradOut, eps, dx, dWeight, dBias);
    }

    /** Index (I64) of the first maximum along {@code dim}; NaN counts as the maximum; out keeps dim as 1. */
    void argmax(Tensor x, int dim, Tensor out);

    /** [..., M, K] @ [..., K, N] into [..., M, N]; the batch dims of a, b and out are equal. */
    void matmul(Tensor a, Tensor b, Tensor out);

    /**
     * out = a·b + bias for a [M, K], b [K, N] (any strides) and bias [N] contiguous on every row, all
     * one float dtype: a Linear layer's forward. The default multiplies, then adds in place; a fused
     * kernel adds the bias as it stores the product and must give the same bits.
     */
    default void addmm(Tensor bias, Tensor a, Tensor b, Tensor out) {
        matmul(a, b, out);
        binary(BinaryOp.ADD, out, bias.expand(out.shape()), out);
    }

    /** out[i][j] = x[index[i][j]][j] for dim 0, and so on; out has index's shape. */
    void gather(Tensor x, int dim, Tensor index, Tensor out);

    /** out[index[i][j]][j] += src[i][j] for dim 0, and so on; accumulates into out in place. */
    void scatterAdd(Tensor out, int dim, Tensor index, Tensor src);

    /** Slices of x along dim in the order of the 1-D I64 index. */
    void indexSelect(Tensor x, int dim, Tensor index, Tensor out);

    /** Stable sort indices (I64) along the last dim; NaN sorts as larger than every number. */
    void argsort(Tensor x, boolean descending, Tensor out);

    /**
     * 2-D DFT over dims -3 and -2 of contiguous x [..., H, W, 2] (complex numbers as real,
     * imaginary pairs, F32 or F64) into out of x's shape and dtype: X[k, l] = Σ x[m, n]·e^(∓2πi(km/H
     * + ln/W)), with the + sign and a 1/(H·W) scale when {@code inverse} (NumPy's "backward" norm).
     */
    void fft2(Tensor x, boolean inverse, Tensor out);

    /**
     * One AdamW update in place (see {@link AdamwStep}): param, expAvg and expAvgSq are contiguous
     * F32 tensors of one shape, grad an F32 view of that shape. The result must equal, bit for bit,
     * {@link AdamwStep#composite}'s.
     */
    void adamw(AdamwStep step, Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq);

    /** Fills a contiguous float tensor from the Philox stream at {@code at}, elements in row-major order. */
    void random(Distribution distribution, PhiloxState at, Tensor out);

    /** This device's fused attention kernel, where it has one (the composite of primitives runs otherwise). */
    default Optional<FusedAttention> fusedAttention() {
        return Optional.empty();
    }

    /** This device's Gaussian-splatting kernel, where it has one (the host rasteriser runs otherwise). */
    default Optional<Splatting> splatting() {
        return Optional.empty();
    }
}
