package dev.jmim.tensor.random;

/**
 * A seeded source of random tensors, like {@code torch.Generator}: each fill takes the next draws of
 * its (seed, stream), so a sequence of fills is reproducible on any device. Not thread-safe; give
 * each thread its own stream.
 */
public final class Generator {
    private final long seed;
    private final long stream;
    private long offset;

    public Generator(long seed) {
        this(seed, 0);
    }

    public Generator(long seed, long stream) {
        this.seed = seed;
        this.stream = stream;
    }

    public long seed() {
        return seed;
    }

    public long stream() {
        return stream;
    }

    /** The next draw index a fill will use. */
    public long offset() {
        return offset;
    }

    public void setOffset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("generator offset must be >= 0, got " + offset);
        }
        this.offset = offset;
    }

    /** Reserves the draws for {@code numel} elements of {@code dist} and says where they start. */
    public PhiloxState reserve(Distribution dist, long numel) {
        PhiloxState start = new PhiloxState(seed, stream, offset);
        offset += Philox.drawsFor(dist, numel);
        return start;
    }
}
