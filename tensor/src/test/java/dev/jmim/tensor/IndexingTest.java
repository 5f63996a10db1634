package dev.jmim.tensor;

import static dev.jmim.tensor.TensorAssert.assertShape;
import static dev.jmim.tensor.TensorAssert.assertValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class IndexingTest {
    private static final Tensor X = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);

    @Test
    void gatherAlongEachDim() {
        Tensor idx1 = Tensor.of(new long[] {2, 0, 1, 1}, 2, 2);
        assertValues(new double[] {3, 1, 5, 5}, X.gather(1, idx1), 0);
        Tensor idx0 = Tensor.of(new long[] {1, 0, 1}, 1, 3);
        assertValues(new double[] {4, 2, 6}, X.gather(0, idx0), 0);
    }

    @Test
    void gatherFromATransposedView() {
        Tensor t = X.mT(); // [[1,4],[2,5],[3,6]]
        assertValues(new double[] {4, 2, 6}, t.gather(1, Tensor.of(new long[] {1, 0, 1}, 3, 1)), 0);
    }

    @Test
    void gatherRejectsOutOfRangeIndicesByPosition() {
        var e = assertThrows(IndexOutOfBoundsException.class, () -> X.gather(1, Tensor.of(new long[] {0, 3}, 1, 2)));
        assertTrue(e.getMessage().contains("index 3") && e.getMessage().contains("size 3"), e.getMessage());
        var neg = assertThrows(IndexOutOfBoundsException.class, () -> X.gather(1, Tensor.of(new long[] {-1}, 1, 1)));
        assertTrue(neg.getMessage().contains("-1"), neg.getMessage());
    }

    @Test
    void scatterAddAccumulatesRepeatedIndices() {
        Tensor base = Tensor.zeros(DType.F64, Device.CPU, 2, 4);
        Tensor idx = Tensor.of(new long[] {0, 0, 3, 1, 1, 1}, 2, 3);
        Tensor src = Tensor.of(new double[] {1, 2, 3, 10, 20, 30}, 2, 3);
        Tensor out = base.scatterAdd(1, idx, src);
        assertValues(new double[] {3, 0, 0, 3, 0, 60, 0, 0}, out, 0);
        assertValues(new double[8], base, 0);
    }

    @Test
    void scatterAddIsTheAdjointOfGather() {
        // <gather(x, idx), y> == <x, scatter_add(0, idx, y)> for any x, y.
        Tensor x = Tensor.of(new double[] {0.5, -1, 2, 3, 4, -2}, 3, 2);
        Tensor idx = Tensor.of(new long[] {2, 0, 2, 2, 1, 0, 0, 1}, 4, 2);
        Tensor y = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2);
        double left = x.gather(0, idx).mul(y).sum().item();
        double right = x.mul(Tensor.zeros(DType.F64, Device.CPU, 3, 2).scatterAdd(0, idx, y))
                .sum()
                .item();
        assertEquals(left, right, 1e-12);
    }

    @Test
    void indexSelectPicksSlicesInOrder() {
        Tensor idx = Tensor.of(new long[] {2, 2, 0});
        assertValues(new double[] {3, 3, 1, 6, 6, 4}, X.indexSelect(1, idx), 0);
        assertValues(new double[] {4, 5, 6}, X.indexSelect(0, Tensor.of(new int[] {1})), 0);
        assertShape(new int[] {0, 3}, X.indexSelect(0, Tensor.of(new long[0])));
        var e = assertThrows(IllegalArgumentException.class, () -> X.indexSelect(0, Tensor.of(new float[] {0})));
        assertTrue(e.getMessage().contains("I64"), e.getMessage());
    }

    @Test
    void catStackAndPromotion() {
        Tensor a = Tensor.of(new int[] {1, 2}, 1, 2);
        Tensor b = Tensor.of(new double[] {3, 4, 5, 6}, 2, 2);
        Tensor c = Tensor.cat(List.of(a, b), 0);
        assertEquals(DType.F64, c.dtype());
        assertValues(new double[] {1, 2, 3, 4, 5, 6}, c, 0);
        assertValues(new double[] {1, 2, 3, 4, 5, 6}, Tensor.cat(List.of(X.narrow(1, 0, 1), X.narrow(1, 1, 2)), 1), 0);
        Tensor s = Tensor.stack(List.of(X, X.mul(10)), 1);
        assertShape(new int[] {2, 2, 3}, s);
        assertValues(new double[] {1, 2, 3, 10, 20, 30, 4, 5, 6, 40, 50, 60}, s, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.cat(List.of(X, Tensor.zeros(2, 2)), 0));
        assertTrue(e.getMessage().contains("only dim 0 may differ"), e.getMessage());
    }

    @Test
    void argsortIsStableAndPutsNaNLast() {
        Tensor x = Tensor.of(new float[] {3, Float.NaN, 1, 3, -0f, 0f, 1});
        assertArrayEquals(new long[] {4, 5, 2, 6, 0, 3, 1}, x.argsort(-1, false).toLongArray());
        assertArrayEquals(new long[] {1, 0, 3, 2, 6, 4, 5}, x.argsort(-1, true).toLongArray());
    }

    @Test
    void argsortAlongAnInnerDim() {
        Tensor x = Tensor.of(new double[] {5, 1, 0, 2, 7, -1}, 3, 2);
        assertArrayEquals(new long[] {1, 2, 0, 0, 2, 1}, x.argsort(0, false).toLongArray());
    }

    @Test
    void descendingKeepsTiesInTheirOriginalOrder() {
        Tensor x = Tensor.of(new int[] {1, 3, 3, 2, 1}, 1, 5);
        assertArrayEquals(new long[] {1, 2, 3, 0, 4}, x.argsort(1, true).toLongArray());
    }
}
