package dev.jmim.cuda;

import dev.jmim.tensor.Backend;
import dev.jmim.tensor.Backends;
import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.Storage;
import dev.jmim.tensor.Tensor;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs an op that has no CUDA kernel yet on the CPU backend: copies each operand's whole device
 * storage to the host, runs the op on host views with the same shape, strides and offset, and copies
 * the output storage back. Exact (it is the CPU kernel) but slow; {@link #count()} tells how often it
 * ran, so a benchmark can show that its hot path never does.
 */
final class HostFallback {
    private final CudaBackend cuda;
    private final AtomicLong count = new AtomicLong();

    HostFallback(CudaBackend cuda) {
        this.cuda = cuda;
    }

    long count() {
        return count.get();
    }

    /**
     * Runs {@code op} with the CPU backend on host copies of {@code inputs}; the host copy of {@code out}
     * (which starts with out's device contents) is copied back afterwards.
     */
    void run(Tensor out, Consumer<HostOperands> op, Tensor... inputs) {
        count.incrementAndGet();
        Map<Storage, HostStorage> copies = new IdentityHashMap<>();
        try {
            Tensor[] hostInputs = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                hostInputs[i] = inputs[i] == null ? null : onHost(inputs[i], copies);
            }
            Tensor hostOut = onHost(out, copies);
            op.accept(new HostOperands(Backends.cpu(), hostInputs, hostOut));
            HostStorage written = copies.get(out.storage());
            cuda.copyFromHost(written.segment(), out.storage(), 0, written.byteSize());
        } finally {
            copies.values().forEach(Storage::free);
        }
    }

    private Tensor onHost(Tensor t, Map<Storage, HostStorage> copies) {
        HostStorage host = copies.computeIfAbsent(t.storage(), s -> {
            HostStorage h = HostStorage.allocate(s.byteSize());
            cuda.copyToHost(s, 0, h.segment(), s.byteSize());
            return h;
        });
        return new Tensor(host, t.dtype(), t.shape(), t.strides(), t.offset());
    }

    /** The CPU backend and the host views of the operands, in the order given, and of the output. */
    record HostOperands(Backend cpu, Tensor[] inputs, Tensor out) {
        Tensor in(int i) {
            return inputs[i];
        }
    }
}
