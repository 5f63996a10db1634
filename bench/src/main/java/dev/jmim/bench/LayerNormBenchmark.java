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
 * layer_norm over the last dim with weight and bias: the fused row kernel beside the composite
 * (mean, centre, square, mean, add eps, rsqrt, scale, weight, bias: nine passes). Shapes: MAE-tiny
 * tokens (64 × 50, width 192) and ViT-B tokens (64 × 50, width 768).
 */
public class LayerNormBenchmark extends KernelBenchmark {
    @Param({"3200x192", "3200x768"})
    public String shape;

    private static final boolean[] LAST = {false, true};
    private FastBackend backend;
    private Tensor x;
    private Tensor weight;
    private Tensor bias;
    private Tensor out;
    private Tensor centered;
    private Tensor stat;

    @Setup
    public void setUp() {
        int[] s = Operands.shape(shape);
        backend = new FastBackend(threads);
        x = Operands.randn(1, s);
        weight = Operands.randn(2, s[1]);
        bias = Operands.randn(3, s[1]);
        out = Tensor.zeros(s);
        centered = Tensor.zeros(s);
        stat = Tensor.zeros(s[0], 1);
    }

    @Benchmark
    public Tensor fused() {
        backend.layerNorm(x, weight, bias, 1e-6, out);
        return out;
    }

    @Benchmark
    public Tensor composite() {
        int n = x.size(1);
        int[] shape = x.shape();
        backend.reduce(ReduceOp.SUM, x, LAST, stat);
        backend.binary(BinaryOp.MUL, stat, Tensor.scalar(1.0 / n).expand(stat.shape()), stat);
        backend.binary(BinaryOp.SUB, x, stat.expand(shape), centered);
        backend.binary(BinaryOp.MUL, centered, centered, out);
        backend.reduce(ReduceOp.SUM, out, LAST, stat);
        backend.binary(BinaryOp.MUL, stat, Tensor.scalar(1.0 / n).expand(stat.shape()), stat);
        backend.binary(BinaryOp.ADD, stat, Tensor.scalar(1e-6).expand(stat.shape()), stat);
        backend.unary(UnaryOp.RSQRT, stat, stat);
        backend.binary(BinaryOp.MUL, centered, stat.expand(shape), out);
        backend.binary(BinaryOp.MUL, out, weight.unsqueeze(0).expand(shape), out);
        backend.binary(BinaryOp.ADD, out, bias.unsqueeze(0).expand(shape), out);
        return out;
    }
}
