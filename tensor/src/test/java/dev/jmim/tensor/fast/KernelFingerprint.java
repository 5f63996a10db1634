package dev.jmim.tensor.fast;

import dev.jmim.tensor.BinaryOp;
import dev.jmim.tensor.ReduceOp;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.UnaryOp;
import dev.jmim.tensor.random.Generator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bits of every fast F32 kernel's output on fixed inputs, one line per kernel. Run in a JVM
 * limited to the interpreter ({@code -Xint}) and in a JVM whose kernels C2 has compiled, the lines
 * must be equal: {@link JitDeterminismTest}.
 */
public final class KernelFingerprint {
    private KernelFingerprint() {}

    static List<String> lines(int warmups) {
        FastBackend backend = new FastBackend(2);
        Tensor x = Tensor.randn(new Generator(5), 37, 45).mul(3); // odd sizes: tails everywhere
        Tensor positive = x.abs().add(0.1);
        Tensor y = Tensor.randn(new Generator(6), 37, 45);
        List<String> lines = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            Tensor in = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT ? positive : x;
            lines.add(op + " " + run(warmups, in.shape(), out -> backend.unary(op, in, out)));
        }
        for (BinaryOp op : BinaryOp.values()) {
            if (!op.isComparison()) {
                Tensor a = op == BinaryOp.POW ? positive : x;
                lines.add(op + " " + run(warmups, x.shape(), out -> backend.binary(op, a, y, out)));
            }
        }
        for (ReduceOp op : ReduceOp.values()) {
            lines.add(op + " rows "
                    + run(warmups, new int[] {37, 1}, out -> backend.reduce(op, x, new boolean[] {false, true}, out)));
            lines.add(op + " columns "
                    + run(warmups, new int[] {1, 45}, out -> backend.reduce(op, x, new boolean[] {true, false}, out)));
        }
        lines.add("softmax " + run(warmups, x.shape(), out -> backend.softmax(x, false, out)));
        lines.add("log_softmax " + run(warmups, x.shape(), out -> backend.softmax(x, true, out)));
        Tensor w = Tensor.randn(new Generator(7), 45);
        lines.add("layer_norm " + run(warmups, x.shape(), out -> backend.layerNorm(x, w, y.select(0, 0), 1e-5, out)));
        Tensor a = Tensor.randn(new Generator(8), 33, 70);
        Tensor b = Tensor.randn(new Generator(9), 70, 21);
        lines.add("matmul " + run(warmups, new int[] {33, 21}, out -> backend.matmul(a, b, out)));
        return lines;
    }

    private static String run(int warmups, int[] shape, java.util.function.Consumer<Tensor> kernel) {
        Tensor out = Tensor.zeros(shape);
        for (int i = 0; i < warmups; i++) {
            kernel.accept(out);
        }
        kernel.accept(out);
        float[] values = out.toFloatArray();
        return Integer.toHexString(Arrays.hashCode(values)) + " " + Float.floatToRawIntBits(values[0]);
    }

    public static void main(String[] args) {
        lines(0).forEach(System.out::println);
    }
}
