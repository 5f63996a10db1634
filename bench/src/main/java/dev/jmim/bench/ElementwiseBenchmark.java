package dev.jmim.bench;

import dev.jmim.tensor.BinaryOp;
import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.UnaryOp;
import dev.jmim.tensor.fast.FastBackend;
import java.lang.foreign.MemorySegment;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Elementwise kernels beside the ceilings they are measured against: a plain float[] add loop
 * (C2 auto-vectorises it) and a bulk copy. Sizes: in cache (64 K floats) and far beyond (16 M);
 * the add variants: dense + dense, dense + a broadcast row (a bias), dense + a scalar.
 */
public class ElementwiseBenchmark extends KernelBenchmark {
    /** rows x 768. */
    @Param({"64", "21504"})
    public int rows;

    private FastBackend backend;
    private Tensor a;
    private Tensor b;
    private Tensor bias;
    private Tensor scalar;
    private Tensor out;
    private float[] plainA;
    private float[] plainB;
    private float[] plainOut;

    @Setup
    public void setUp() {
        backend = new FastBackend(threads);
        a = Operands.randn(1, rows, 768);
        b = Operands.randn(2, rows, 768);
        bias = Operands.randn(3, 768).unsqueeze(0).expand(rows, 768);
        scalar = Tensor.scalar(0.5).expand(rows, 768);
        out = Tensor.zeros(rows, 768);
        plainA = a.toFloatArray();
        plainB = b.toFloatArray();
        plainOut = new float[plainA.length];
    }

    @Benchmark
    public Tensor add() {
        backend.binary(BinaryOp.ADD, a, b, out);
        return out;
    }

    @Benchmark
    public Tensor addBias() {
        backend.binary(BinaryOp.ADD, a, bias, out);
        return out;
    }

    @Benchmark
    public Tensor mulScalar() {
        backend.binary(BinaryOp.MUL, a, scalar, out);
        return out;
    }

    @Benchmark
    public Tensor exp() {
        backend.unary(UnaryOp.EXP, a, out);
        return out;
    }

    /** Ceiling: one thread, whatever the threads parameter. */
    @Benchmark
    public float[] plainLoopAdd() {
        for (int i = 0; i < plainA.length; i++) {
            plainOut[i] = plainA[i] + plainB[i];
        }
        return plainOut;
    }

    /** Ceiling: a bulk copy of the same bytes, one thread. */
    @Benchmark
    public Tensor bulkCopy() {
        MemorySegment.copy(HostStorage.segmentOf(a), 0, HostStorage.segmentOf(out), 0, a.numel() * 4);
        return out;
    }
}
