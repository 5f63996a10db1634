package dev.jmim.tensor;

/** A snapshot of one device's tensor memory: bytes and blocks live now, and the peak since start. */
public record MemoryStats(Device device, long liveBytes, long liveBlocks, long peakBytes) {
    @Override
    public String toString() {
        return String.format(
                "%s: %,d bytes live in %,d blocks, peak %,d bytes", device, liveBytes, liveBlocks, peakBytes);
    }
}
