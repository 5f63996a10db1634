package dev.jmim.tensor.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.naive.NaiveBackend;
import dev.jmim.tensor.random.Generator;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Property: the fast GEMM equals the reference on generated problems — sizes 0, 1, odd, prime and
 * past every block edge (MR 4 or 8, NR 16 or 32, KC 256: the pom runs this class under both kernels), transposed operands, broadcast batch dims — within
 * the F32 bound |fast − exact| ≤ 2·k·2⁻²⁴·Σ|a||b| per element (the reference sums in double), and
 * gives the same bits on 1 and 2 threads. QuickTheories shrinks a failure to the smallest problem.
 */
class GemmDifferentialTest {
    private static final int[] SIZES = {0, 1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 33, 64, 97};
    private static final FastBackend ONE_THREAD = new FastBackend(1);
    private static final FastBackend TWO_THREADS = new FastBackend(2);
    private static final NaiveBackend REFERENCE = new NaiveBackend();

    record Problem(int m, int k, int n, boolean transposeA, boolean transposeB, int batch, boolean broadcastA) {
        @Override
        public String toString() {
            return "[" + (batch > 0 ? batch + (broadcastA ? "(A broadcast)," : ",") : "") + m + "," + k + "] @ [" + k
                    + "," + n + "]" + (transposeA ? " Aᵀ" : "") + (transposeB ? " Bᵀ" : "");
        }
    }

    private static Gen<Problem> problems() {
        Gen<Integer> size = integers().between(0, SIZES.length - 1).map(i -> SIZES[i]);
        Gen<Integer> inner = integers()
                .between(0, SIZES.length + 1)
                .map(i -> i < SIZES.length ? SIZES[i] : i == SIZES.length ? 257 : 600); // past one and two KC blocks
        return size.zip(inner, size, booleans().all(), (m, k, n, ta) -> new int[] {m, k, n, ta ? 1 : 0})
                .zip(
                        booleans().all(),
                        integers().between(0, 3),
                        booleans().all(),
                        (dims, tb, batch, broadcastA) ->
                                new Problem(dims[0], dims[1], dims[2], dims[3] == 1, tb, batch, broadcastA));
    }

    @Test
    void fastGemmMatchesTheReferenceAndIsThreadCountInvariant() {
        qt().withFixedSeed(7L).withExamples(150).forAll(problems()).checkAssert(GemmDifferentialTest::check);
    }

    /**
     * K over several KC blocks both ways the GEMM can take them: all of B packed at once (n = 97) and
     * B packed one K block at a time because it is too wide for that (n = 480; also split by columns
     * on 2 threads). The generated problems above are all narrow enough for the first.
     */
    @Test
    void bothWaysThroughSeveralKBlocksMatchTheReference() {
        for (int n : new int[] {97, 480}) {
            for (boolean transposed : new boolean[] {false, true}) {
                check(new Problem(9, 600, n, transposed, !transposed, 0, false));
            }
        }
    }

    private static void check(Problem p) {
        Generator g = new Generator(p.hashCode());
        Tensor a = operand(g, p.m(), p.k(), p.transposeA(), p.batch(), p.broadcastA());
        Tensor b = operand(g, p.k(), p.n(), p.transposeB(), p.batch(), false);
        int[] outShape = p.batch() > 0 ? new int[] {p.batch(), p.m(), p.n()} : new int[] {p.m(), p.n()};
        Tensor fast1 = Tensor.zeros(outShape);
        Tensor fast2 = Tensor.zeros(outShape);
        Tensor exact = Tensor.zeros(outShape);
        Tensor bound = Tensor.zeros(outShape);
        ONE_THREAD.matmul(a, b, fast1);
        TWO_THREADS.matmul(a, b, fast2);
        REFERENCE.matmul(a, b, exact);
        REFERENCE.matmul(a.abs(), b.abs(), bound);
        float[] f1 = fast1.toFloatArray();
        assertArrayEquals(f1, fast2.toFloatArray(), "1 and 2 threads must give the same bits for " + p);
        float[] e = exact.toFloatArray();
        float[] s = bound.toFloatArray();
        for (int i = 0; i < f1.length; i++) {
            double tolerance = 2.0 * Math.max(p.k(), 1) * 0x1p-24 * s[i];
            if (!(Math.abs(f1[i] - e[i]) <= tolerance)) {
                throw new AssertionError(p + ": element " + i + " fast " + f1[i] + " reference " + e[i]
                        + " exceeds the bound " + tolerance + "; first values "
                        + Arrays.toString(Arrays.copyOf(f1, Math.min(8, f1.length))));
            }
        }
    }

    @Test
    void addmmEqualsTheProductThenTheBiasBitForBit() {
        qt().withFixedSeed(8L).withExamples(100).forAll(problems()).checkAssert(p -> {
            Generator g = new Generator(p.hashCode());
            Tensor a = operand(g, p.m(), p.k(), p.transposeA(), 0, false);
            Tensor b = operand(g, p.k(), p.n(), p.transposeB(), 0, false);
            Tensor bias = Tensor.randn(g, p.n());
            Tensor separate = Tensor.zeros(p.m(), p.n());
            TWO_THREADS.matmul(a, b, separate);
            separate = separate.add(bias);
            Tensor reference = Tensor.zeros(p.m(), p.n());
            REFERENCE.addmm(bias, a, b, reference);
            for (FastBackend fast : new FastBackend[] {ONE_THREAD, TWO_THREADS}) {
                Tensor fused = Tensor.full(Float.NaN, DType.F32, p.m(), p.n()); // every element must be written
                fast.addmm(bias, a, b, fused);
                assertArrayEquals(
                        separate.toFloatArray(), fused.toFloatArray(), p + " on " + fast.threads() + " threads");
            }
            Tensor exact = Tensor.zeros(p.m(), p.n());
            REFERENCE.matmul(a, b, exact);
            assertArrayEquals(exact.add(bias).toFloatArray(), reference.toFloatArray(), "naive addmm " + p);
        });
    }

    /** A [rows, cols] operand (or [batch, rows, cols]); transposed = a transposed view of a dense [cols, rows]. */
    private static Tensor operand(Generator g, int rows, int cols, boolean transposed, int batch, boolean broadcast) {
        Tensor t = transposed ? Tensor.randn(g, cols, rows).mT() : Tensor.randn(g, rows, cols);
        if (batch == 0) {
            return t;
        }
        if (broadcast) {
            return t.unsqueeze(0).expand(batch, rows, cols);
        }
        Tensor stacked = transposed ? Tensor.randn(g, batch, cols, rows).mT() : Tensor.randn(g, batch, rows, cols);
        return stacked;
    }
}
