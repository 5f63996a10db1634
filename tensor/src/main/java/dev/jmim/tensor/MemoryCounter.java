package dev.jmim.tensor;

import java.util.concurrent.atomic.AtomicLong;

/** Live/peak/GC-reclaimed byte counters of one device's allocator; thread-safe. */
public final class MemoryCounter {
    private final Device device;
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong liveBlocks = new AtomicLong();
    private final AtomicLong peakBytes = new AtomicLong();
    private final AtomicLong reclaimedByGc = new AtomicLong();

    public MemoryCounter(Device device) {
        this.device = device;
    }

    void allocated(long bytes) {
        long live = liveBytes.addAndGet(bytes);
        liveBlocks.incrementAndGet();
        peakBytes.accumulateAndGet(live, Math::max);
    }

    /** Synchronised with {@link #snapshot}: a GC release moves bytes from live to reclaimed in one step. */
    synchronized void released(long bytes, boolean byGc) {
        if (byGc) {
            reclaimedByGc.addAndGet(bytes);
        }
        liveBytes.addAndGet(-bytes);
        liveBlocks.decrementAndGet();
    }

    /**
     * A consistent view: live + reclaimed (the held bytes) never shows a GC release half done.
     * (Reading the two counters without the lock once lost a 512-byte block between the reads.)
     */
    public synchronized MemoryStats snapshot() {
        return new MemoryStats(device, liveBytes.get(), liveBlocks.get(), peakBytes.get(), reclaimedByGc.get());
    }
}
