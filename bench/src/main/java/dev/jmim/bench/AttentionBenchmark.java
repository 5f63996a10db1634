package dev.jmim.bench;

import dev.jmim.tensor.FusedAttention;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.fast.FastBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The CPU's fused attention, forward and backward as a training step runs them, on MAE-tiny's
 * shapes [batch, heads, tokens, head dim]: the encoder's 17 tokens (16 visible + cls) of 3 heads of
 * 64, and the decoder's 65 of 4 heads of 32. Outputs and gradients are freed after each call.
 */
public class AttentionBenchmark extends KernelBenchmark {
    @Param({"128x3x17x64", "128x4x65x32"})
    public String shape;

    private FusedAttention attention;
    private Tensor q;
    private Tensor k;
    private Tensor v;
    private Tensor gradOut;
    private double scale;

    @Setup
    public void setUp() {
        int[] s = Operands.shape(shape);
        attention = new FastBackend(threads).fusedAttention().orElseThrow();
        q = Operands.randn(1, s);
        k = Operands.randn(2, s);
        v = Operands.randn(3, s);
        gradOut = Operands.randn(4, s);
        scale = 1 / Math.sqrt(s[3]);
    }

    @Benchmark
    public void forward(Blackhole sink) {
        try (Scope step = Scope.open()) {
            sink.consume(attention.forward(q, k, v, scale).out());
        }
    }

    @Benchmark
    public void forwardBackward(Blackhole sink) {
        try (Scope step = Scope.open()) {
            sink.consume(attention.forward(q, k, v, scale).backward(gradOut));
        }
    }
}
