package dev.jmim.tensor.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.jmim.tensor.AdamwStep;
import dev.jmim.tensor.Backend;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.naive.NaiveBackend;
import dev.jmim.tensor.random.Generator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Property: the fused AdamW update (fast backend on 1 and 2 threads, the reference loop) gives the
 * composite's bits (tolerance 0: each lane rounds the same float operations in the same order) for
 * generated sizes (0, 1, odd, past the vector width, past the 2-thread threshold), with and without
 * weight decay, early and late steps, contiguous and strided gradients.
 */
class FusedAdamwTest {
    private static final int[] SIZES = {0, 1, 7, 8, 9, 31, 1031, 40_000};

    @Test
    void fusedUpdatesEqualTheCompositeBitForBit() {
        List<Backend> fused = List.of(new FastBackend(1), new FastBackend(2), new NaiveBackend());
        qt().withFixedSeed(31L)
                .withExamples(60)
                .forAll(
                        integers().between(0, SIZES.length - 1),
                        integers().between(0, 7),
                        integers().between(0, 999))
                .checkAssert((s, flags, seed) -> {
                    int n = SIZES[s];
                    AdamwStep step = new AdamwStep(
                            3e-3, 0.9, 0.95, 1e-8, (flags & 1) == 1 ? 0.05 : 0, (flags & 2) == 2 ? 1 : 1234);
                    boolean stridedGrad = (flags & 4) == 4;
                    Generator g = new Generator(seed);
                    Tensor param = Tensor.randn(g, n);
                    // a strided gradient (every other element), which the fast kernel leaves to the reference loop
                    Tensor grad = stridedGrad
                            ? Tensor.randn(g, 2 * n).mul(0.1).slice(0, 0, 2 * n, 2)
                            : Tensor.randn(g, n).mul(0.1);
                    Tensor m = Tensor.randn(g, n).mul(0.01);
                    Tensor v = Tensor.rand(g, n).mul(1e-4);
                    Tensor[] expected = {param.clone(), m.clone(), v.clone()};
                    step.composite(expected[0], grad, expected[1], expected[2]);
                    for (Backend backend : fused) {
                        Tensor[] actual = {param.clone(), m.clone(), v.clone()};
                        backend.adamw(step, actual[0], grad, actual[1], actual[2]);
                        String what = backend.name() + " on " + backend.threads() + " threads, " + n + " elements, "
                                + step + (stridedGrad ? ", strided grad" : "");
                        assertArrayEquals(expected[0].toFloatArray(), actual[0].toFloatArray(), what + ": param");
                        assertArrayEquals(expected[1].toFloatArray(), actual[1].toFloatArray(), what + ": exp_avg");
                        assertArrayEquals(expected[2].toFloatArray(), actual[2].toFloatArray(), what + ": exp_avg_sq");
                    }
                });
    }

    @Test
    void mismatchedStateIsNamedWithTheShapes() {
        Tensor p = Tensor.zeros(4, 3);
        String message = assertThrows(IllegalArgumentException.class, () -> new AdamwStep(1e-3, 0.9, 0.95, 1e-8, 0, 1)
                        .apply(p, Tensor.zeros(4, 3), Tensor.zeros(12), Tensor.zeros(4, 3)))
                .getMessage();
        org.junit.jupiter.api.Assertions.assertTrue(message.contains("[4,3]") && message.contains("[12]"), message);
        assertThrows(IllegalArgumentException.class, () -> new AdamwStep(1e-3, 0.9, 0.95, 1e-8, 0, 0));
    }
}
