package dev.jmim.tensor.random;

/** Where a random fill starts: the key (seed), the stream, and the first draw index. */
public record PhiloxState(long seed, long stream, long offset) {}
