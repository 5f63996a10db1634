package dev.jmim.tensor;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A block of device memory that one or more tensors view. Freed deterministically by the {@link
 * Scope} it was allocated in, or by {@link #free()}; a GC cleaner frees it as a backstop when it was
 * allocated outside any scope and became unreachable, and counts those bytes apart (see {@link
 * MemoryStats#reclaimedByGcBytes()}).
 */
public abstract class Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Device device;
    private final long byteSize;
    private final AtomicBoolean freedExplicitly = new AtomicBoolean();
    private Cleaner.Cleanable cleanable;

    protected Storage(Device device, long byteSize) {
        this.device = device;
        this.byteSize = byteSize;
    }

    /**
     * Completes an allocation: counts it, registers the GC backstop and hands the storage to the
     * current scope. Allocating factories call it once, right after construction.
     *
     * @param releaseMemory frees the memory; it must not refer to the storage, and runs at most once
     */
    protected static <S extends Storage> S track(S storage, MemoryCounter counter, Runnable releaseMemory) {
        Storage s = storage;
        counter.allocated(s.byteSize);
        s.cleanable = CLEANER.register(s, new Release(releaseMemory, counter, s.byteSize, s.freedExplicitly));
        Scope.track(s);
        return storage;
    }

    public Device device() {
        return device;
    }

    public long byteSize() {
        return byteSize;
    }

    public boolean isFreed() {
        return freedExplicitly.get();
    }

    /** Frees the memory now. Idempotent; every tensor viewing this storage becomes unusable. */
    public void free() {
        freedExplicitly.set(true);
        cleanable.clean();
    }

    /** The cleaning action; holds no reference to the storage, so the storage can become unreachable. */
    private record Release(Runnable releaseMemory, MemoryCounter counter, long bytes, AtomicBoolean explicit)
            implements Runnable {
        @Override
        public void run() {
            releaseMemory.run();
            counter.released(bytes, !explicit.get());
        }
    }
}
