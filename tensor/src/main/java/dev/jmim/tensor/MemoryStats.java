package dev.jmim.tensor;

/**
 * A snapshot of one device's tensor memory.
 *
 * @param liveBytes bytes allocated and not yet freed
 * @param liveBlocks storages behind those bytes
 * @param peakBytes the most {@code liveBytes} has been since start
 * @param reclaimedByGcBytes bytes, since start, that no scope or {@code free()} released and the GC
 *     backstop freed instead: memory whose release waited on the collector
 */
public record MemoryStats(Device device, long liveBytes, long liveBlocks, long peakBytes, long reclaimedByGcBytes) {

    /**
     * Bytes allocated and not freed explicitly: {@code liveBytes + reclaimedByGcBytes}. Only scopes
     * and {@code free()} lower it, so it returns to the same figure after every scoped step however
     * the GC runs on other threads.
     */
    public long heldBytes() {
        return liveBytes + reclaimedByGcBytes;
    }

    @Override
    public String toString() {
        return String.format(
                "%s: %,d bytes live in %,d blocks, peak %,d bytes, %,d bytes reclaimed by the GC",
                device, liveBytes, liveBlocks, peakBytes, reclaimedByGcBytes);
    }
}
