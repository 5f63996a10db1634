package dev.jmim.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Host memory for CPU tensors: an off-heap, 64-byte aligned, zero-filled {@link MemorySegment}
 * shared by the Vector API kernels, FFM calls and safetensors IO. Each block has its own shared
 * arena, so a use after free throws instead of reading freed memory.
 */
public final class HostStorage extends Storage {
    public static final long ALIGNMENT = 64;
    private static final MemoryCounter COUNTER = new MemoryCounter(Device.CPU);

    private final MemorySegment segment;

    private HostStorage(MemorySegment segment) {
        super(Device.CPU, segment.byteSize());
        this.segment = segment;
    }

    public static HostStorage allocate(long byteSize) {
        Arena arena = Arena.ofShared();
        MemorySegment segment;
        try {
            segment = arena.allocate(byteSize, ALIGNMENT);
        } catch (OutOfMemoryError e) {
            arena.close();
            throw new OutOfMemoryError(
                    String.format("cannot allocate %,d bytes of host memory for a tensor (%s)", byteSize, stats()));
        }
        return track(new HostStorage(segment), COUNTER, arena::close);
    }

    public MemorySegment segment() {
        return segment;
    }

    /** The host memory a CPU tensor views (its whole storage; the tensor's offset is in elements). */
    public static MemorySegment segmentOf(Tensor t) {
        if (!(t.storage() instanceof HostStorage host)) {
            throw new IllegalArgumentException(
                    "expected a CPU tensor, got " + t.describe() + "; move it with .to(Device.CPU)");
        }
        return host.segment;
    }

    /** Live and peak bytes of every CPU tensor storage in this JVM. */
    public static MemoryStats stats() {
        return COUNTER.snapshot();
    }
}
