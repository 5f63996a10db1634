package dev.jmim.bench;

import dev.jmim.tensor.BinaryOp;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.UnaryOp;
import dev.jmim.tensor.fast.FastBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Exact GELU: the fused unary kernel beside the erf composite it replaced (scale, erf, add 1,
 * multiply, halve: five passes), and its derivative, which GELU's backward runs. Sizes: the MLP
 * hidden activations of MAE-tiny (64 × 50 × 768) and in-cache 16 K.
 */
public class GeluBenchmark extends KernelBenchmark {
    @Param({"16384", "2457600"})
    public int elements;

    private FastBackend backend;
    private Tensor x;
    private Tensor out;
    private Tensor scratch;
    private Tensor invSqrt2;
    private Tensor one;
    private Tensor half;

    @Setup
    public void setUp() {
        backend = new FastBackend(threads);
        x = Operands.randn(1, elements);
        out = Tensor.zeros(elements);
        scratch = Tensor.zeros(elements);
        invSqrt2 = Tensor.scalar(1 / Math.sqrt(2)).expand(elements);
        one = Tensor.scalar(1).expand(elements);
        half = Tensor.scalar(0.5).expand(elements);
    }

    @Benchmark
    public Tensor fused() {
        backend.unary(UnaryOp.GELU, x, out);
        return out;
    }

    @Benchmark
    public Tensor composite() {
        backend.binary(BinaryOp.MUL, x, invSqrt2, scratch);
        backend.unary(UnaryOp.ERF, scratch, scratch);
        backend.binary(BinaryOp.ADD, scratch, one, scratch);
        backend.binary(BinaryOp.MUL, x, scratch, out);
        backend.binary(BinaryOp.MUL, out, half, out);
        return out;
    }

    @Benchmark
    public Tensor derivative() {
        backend.unary(UnaryOp.GELU_DERIVATIVE, x, out);
        return out;
    }
}
