package dev.jmim.tensor.fast;

import dev.jmim.tensor.Backend;
import dev.jmim.tensor.BinaryOp;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.MemoryStats;
import dev.jmim.tensor.ReduceOp;
import dev.jmim.tensor.Storage;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.UnaryOp;
import dev.jmim.tensor.naive.NaiveBackend;
import dev.jmim.tensor.random.Distribution;
import dev.jmim.tensor.random.PhiloxState;
import java.lang.foreign.MemorySegment;

/**
 * The default CPU backend: Vector API kernels on a fixed thread partition for the F32 hot paths
 * (GEMM first), and the reference {@link NaiveBackend} for every case a fast kernel does not cover.
 */
public final class FastBackend implements Backend {
    private final NaiveBackend reference = new NaiveBackend();
    private final Parallel parallel;

    public FastBackend(int threads) {
        this.parallel = new Parallel(threads);
    }

    @Override
    public String name() {
        return "fast";
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public int threads() {
        return parallel.threads();
    }

    @Override
    public Storage allocate(long byteSize) {
        return HostStorage.allocate(byteSize);
    }

    @Override
    public MemoryStats memoryStats() {
        return HostStorage.stats();
    }

    @Override
    public void copyFromHost(MemorySegment source, Storage target, long targetByteOffset, long byteCount) {
        reference.copyFromHost(source, target, targetByteOffset, byteCount);
    }

    @Override
    public void copyToHost(Storage source, long sourceByteOffset, MemorySegment target, long byteCount) {
        reference.copyToHost(source, sourceByteOffset, target, byteCount);
    }

    @Override
    public void copy(Tensor x, Tensor out) {
        reference.copy(x, out);
    }

    @Override
    public void fill(Tensor out, double value) {
        reference.fill(out, value);
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        reference.unary(op, x, out);
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        reference.binary(op, a, b, out);
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        reference.where(cond, a, b, out);
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, boolean[] reduced, Tensor out) {
        reference.reduce(op, x, reduced, out);
    }

    @Override
    public void argmax(Tensor x, int dim, Tensor out) {
        reference.argmax(x, dim, out);
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        if (out.dtype() != DType.F32) {
            reference.matmul(a, b, out);
            return;
        }
        BatchedMatmul.run(a, b, out, parallel);
    }

    @Override
    public void gather(Tensor x, int dim, Tensor index, Tensor out) {
        reference.gather(x, dim, index, out);
    }

    @Override
    public void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        reference.scatterAdd(out, dim, index, src);
    }

    @Override
    public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        reference.indexSelect(x, dim, index, out);
    }

    @Override
    public void argsort(Tensor x, boolean descending, Tensor out) {
        reference.argsort(x, descending, out);
    }

    @Override
    public void random(Distribution distribution, PhiloxState at, Tensor out) {
        reference.random(distribution, at, out);
    }
}
