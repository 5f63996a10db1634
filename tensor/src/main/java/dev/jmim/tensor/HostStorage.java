package dev.jmim.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Host memory for CPU tensors: an off-heap, 64-byte aligned, zero-filled {@link MemorySegment}
 * shared by the Vector API kernels, FFM calls and safetensors IO. Each block has its own shared
 * arena. A freed block is kept for the next allocation of the same size while the pool holds under
 * {@link #POOL_LIMIT} bytes, and its arena closed otherwise: a fresh block is paged in on first
 * touch (the page faults cost more than the writes) and a training step allocates thousands of
 * blocks of the same few sizes. A reused block is zero-filled again, except for op outputs that
 * the op writes in full ({@code allocate(bytes, false)}): only the two together made a step
 * faster (bench/NOTES.md). A freed tensor still cannot be read: every op, read and {@link
 * #segmentOf} checks that its storage is live.
 */
public final class HostStorage extends Storage {
    public static final long ALIGNMENT = 64;
    /** Bytes of freed blocks kept for reuse, at most: {@code -Djmim.hostPoolBytes}, default 1 GiB. */
    public static final long POOL_LIMIT = Long.getLong("jmim.hostPoolBytes", 1L << 30);

    private static final MemoryCounter COUNTER = new MemoryCounter(Device.CPU);
    private static final ConcurrentHashMap<Long, ConcurrentLinkedDeque<Block>> POOL = new ConcurrentHashMap<>();
    private static final AtomicLong POOLED_BYTES = new AtomicLong();

    /** A block of host memory and the arena that owns it. */
    private record Block(Arena arena, MemorySegment segment) {}

    private final MemorySegment segment;

    private HostStorage(MemorySegment segment) {
        super(Device.CPU, segment.byteSize());
        this.segment = segment;
    }

    public static HostStorage allocate(long byteSize) {
        return allocate(byteSize, true);
    }

    /** As {@link #allocate}; a reused block is zero-filled only when {@code zeroed}. */
    public static HostStorage allocate(long byteSize, boolean zeroed) {
        Block block = reuse(byteSize, zeroed);
        if (block == null) {
            Arena arena = Arena.ofShared();
            try {
                block = new Block(arena, arena.allocate(byteSize, ALIGNMENT));
            } catch (OutOfMemoryError e) {
                arena.close();
                throw new OutOfMemoryError(
                        String.format("cannot allocate %,d bytes of host memory for a tensor (%s)", byteSize, stats()));
            }
        }
        Block owned = block;
        return track(new HostStorage(owned.segment()), COUNTER, () -> recycle(owned));
    }

    /** A pooled block of exactly this size, zero-filled; null when there is none. */
    private static Block reuse(long byteSize, boolean zeroed) {
        ConcurrentLinkedDeque<Block> blocks = POOL.get(byteSize);
        Block block = blocks == null ? null : blocks.pollFirst();
        if (block != null) {
            POOLED_BYTES.addAndGet(-byteSize);
            if (zeroed) {
                block.segment().fill((byte) 0);
            }
        }
        return block;
    }

    private static void recycle(Block block) {
        long bytes = block.segment().byteSize();
        if (POOLED_BYTES.addAndGet(bytes) <= POOL_LIMIT) {
            POOL.computeIfAbsent(bytes, b -> new ConcurrentLinkedDeque<>()).addFirst(block);
        } else {
            POOLED_BYTES.addAndGet(-bytes);
            block.arena().close();
        }
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
        if (host.isFreed()) {
            throw new IllegalStateException("a CPU tensor (" + t.describe() + ") was used after its storage was freed");
        }
        return host.segment;
    }

    /** Live and peak bytes of every CPU tensor storage in this JVM. */
    public static MemoryStats stats() {
        return COUNTER.snapshot();
    }
}
