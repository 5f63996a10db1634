package dev.jmim.tensor;

import java.util.concurrent.atomic.AtomicLong;

/** Live/peak byte counters of one device's allocator; thread-safe. */
public final class MemoryCounter {
    private final Device device;
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong liveBlocks = new AtomicLong();
    private final AtomicLong peakBytes = new AtomicLong();

    public MemoryCounter(Device device) {
        this.device = device;
    }

    public void allocated(long bytes) {
        long live = liveBytes.addAndGet(bytes);
        liveBlocks.incrementAndGet();
        peakBytes.accumulateAndGet(live, Math::max);
    }

    public void released(long bytes) {
        liveBytes.addAndGet(-bytes);
        liveBlocks.decrementAndGet();
    }

    public MemoryStats snapshot() {
        return new MemoryStats(device, liveBytes.get(), liveBlocks.get(), peakBytes.get());
    }
}
