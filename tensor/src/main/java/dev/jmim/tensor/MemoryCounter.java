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

    void released(long bytes, boolean byGc) {
        if (byGc) {
            reclaimedByGc.addAndGet(bytes);
        }
        liveBytes.addAndGet(-bytes);
        liveBlocks.decrementAndGet();
    }

    public MemoryStats snapshot() {
        // GC first: a release between the two reads may then show in both, never in neither.
        long gc = reclaimedByGc.get();
        return new MemoryStats(device, liveBytes.get(), liveBlocks.get(), peakBytes.get(), gc);
    }
}
