package dev.jmim.bench;

import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;

/** Shapes written as JMH parameters ("8192x192") and random operands for them. */
final class Operands {
    private Operands() {}

    static int[] shape(String spec) {
        String[] parts = spec.split("x");
        int[] shape = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            shape[i] = Integer.parseInt(parts[i]);
        }
        return shape;
    }

    static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), shape);
    }
}
