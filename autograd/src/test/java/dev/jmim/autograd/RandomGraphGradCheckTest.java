package dev.jmim.autograd;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Property: for random compositions of primitives (views, broadcasting, reductions over several
 * dims, indexing, fused ops), the analytic gradient matches F64 central differences. QuickTheories
 * shrinks a failing case to a shortest program and smallest shapes; the report decodes it.
 */
class RandomGraphGradCheckTest {
    private static final long SEED = 20261122L;

    private static Gen<RandomGraphs.Case> cases() {
        Gen<int[]> shapes = lists().of(integers().between(1, 3))
                .ofSizeBetween(1, 3)
                .map(l -> l.stream().mapToInt(Integer::intValue).toArray());
        Gen<List<Integer>> programs =
                lists().of(integers().between(0, 40 * RandomGraphs.OPS - 1)).ofSizeBetween(1, 6);
        return shapes.zip(
                integers().between(0, 15),
                programs,
                (a, mask, program) -> new RandomGraphs.Case(a, RandomGraphs.broadcastShape(a, mask), program));
    }

    @Test
    void randomCompositionsHaveCorrectGradients() {
        qt().withFixedSeed(SEED)
                .withExamples(300)
                .withShrinkCycles(300)
                .forAll(cases())
                .checkAssert(c -> {
                    Generator g = new Generator(c.program().hashCode());
                    Tensor a = Tensor.randn(g, c.shapeA()).to(DType.F64);
                    Tensor b = Tensor.randn(g, c.shapeB()).to(DType.F64);
                    GradCheck.assertGradients(x -> RandomGraphs.run(c.program(), x[0], x[1], null), a, b);
                });
    }
}
