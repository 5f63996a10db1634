package dev.jmim.bench;

import dev.jmim.tensor.BinaryOp;
import dev.jmim.tensor.ReduceOp;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.UnaryOp;
import dev.jmim.tensor.fast.FastBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Softmax over the last dim: the fused row kernel beside the composite it replaces (max, subtract,
 * exp, sum, divide: five passes over memory), both on preallocated outputs. Shapes: MAE-tiny
 * attention scores (64 images × 3 heads × 50 tokens, rows of 50) and a wide [4096, 768].
 */
public class SoftmaxBenchmark extends KernelBenchmark {
    @Param({"9600x50", "4096x768"})
    public String shape;

    private FastBackend backend;
    private Tensor x;
    private Tensor out;
    private Tensor rowMax;
    private Tensor shifted;
    private Tensor rowSum;
    private static final boolean[] LAST = {false, true};

    @Setup
    public void setUp() {
        int[] s = Operands.shape(shape);
        backend = new FastBackend(threads);
        x = Operands.randn(1, s);
        out = Tensor.zeros(s);
        shifted = Tensor.zeros(s);
        rowMax = Tensor.zeros(s[0], 1);
        rowSum = Tensor.zeros(s[0], 1);
    }

    @Benchmark
    public Tensor fused() {
        backend.softmax(x, false, out);
        return out;
    }

    @Benchmark
    public Tensor composite() {
        backend.reduce(ReduceOp.MAX, x, LAST, rowMax);
        backend.binary(BinaryOp.SUB, x, rowMax.expand(x.shape()), shifted);
        backend.unary(UnaryOp.EXP, shifted, shifted);
        backend.reduce(ReduceOp.SUM, shifted, LAST, rowSum);
        backend.binary(BinaryOp.DIV, shifted, rowSum.expand(x.shape()), out);
        return out;
    }
}
