package dev.jmim.tensor;

import java.lang.ref.Cleaner;

/**
 * A block of device memory that one or more tensors view. Freed deterministically by the {@link
 * Scope} it was allocated in, or by {@link #free()}; a GC cleaner frees it as a backstop when it was
 * allocated outside any scope and became unreachable.
 */
public abstract class Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Device device;
    private final long byteSize;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean freed;

    /**
     * @param release frees the memory; it must not refer to this storage (the cleaner holds it),
     *     and it runs at most once.
     */
    protected Storage(Device device, long byteSize, Runnable release) {
        this.device = device;
        this.byteSize = byteSize;
        this.cleanable = CLEANER.register(this, release);
        Scope.track(this);
    }

    public Device device() {
        return device;
    }

    public long byteSize() {
        return byteSize;
    }

    public boolean isFreed() {
        return freed;
    }

    /** Frees the memory now. Idempotent; every tensor viewing this storage becomes unusable. */
    public void free() {
        freed = true;
        cleanable.clean();
    }
}
