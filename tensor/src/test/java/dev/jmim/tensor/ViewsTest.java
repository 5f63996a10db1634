package dev.jmim.tensor;

import static dev.jmim.tensor.TensorAssert.assertShape;
import static dev.jmim.tensor.TensorAssert.assertValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ViewsTest {
    private static Tensor range(int... shape) {
        return Tensor.arange(0, Shapes.numel(shape), 1, DType.F64).reshape(shape);
    }

    @Test
    void reshapeOfADenseTensorSharesStorage() {
        Tensor x = range(2, 3, 4);
        Tensor y = x.reshape(4, -1);
        assertSame(x.storage(), y.storage());
        assertShape(new int[] {4, 6}, y);
        assertValues(x.toDoubleArray(), y, 0);
    }

    @Test
    void viewOfATransposeFailsWithAHintAndReshapeCopies() {
        Tensor t = range(3, 4).mT();
        var e = assertThrows(IllegalArgumentException.class, () -> t.view(12));
        assertTrue(e.getMessage().contains("use reshape"), e.getMessage());
        Tensor flat = t.reshape(12);
        assertFalse(flat.storage() == t.storage());
        assertValues(new double[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, flat, 0);
    }

    @Test
    void viewMergesDimsThatAreContiguousWithinAPermutedTensor() {
        // [2,3,4] permuted to [3,2,4]: the last dim stays contiguous, so splitting it is a view.
        Tensor p = range(2, 3, 4).permute(1, 0, 2);
        Tensor v = p.view(3, 2, 2, 2);
        assertSame(p.storage(), v.storage());
        assertValues(p.contiguous().toDoubleArray(), v, 0);
    }

    @Test
    void inferredSizeMustDivide() {
        var e = assertThrows(IllegalArgumentException.class, () -> range(2, 3).reshape(4, -1));
        assertTrue(e.getMessage().contains("[4,-1]") && e.getMessage().contains("[2,3]"), e.getMessage());
    }

    @Test
    void permuteAndTransposeMoveStrides() {
        Tensor x = range(2, 3, 4);
        Tensor p = x.permute(2, 0, 1);
        assertShape(new int[] {4, 2, 3}, p);
        assertArrayEquals(new long[] {1, 12, 4}, p.strides());
        assertEquals(
                x.toDoubleArray()[1 * 12 + 2 * 4 + 3],
                p.select(0, 3).select(0, 1).select(0, 2).item());
        assertThrows(IllegalArgumentException.class, () -> x.permute(0, 0, 1));
    }

    @Test
    void narrowSliceAndSelectOffsetTheView() {
        Tensor x = range(4, 5);
        assertValues(new double[] {6, 7, 8, 11, 12, 13}, x.narrow(0, 1, 2).narrow(1, 1, 3), 0);
        assertValues(new double[] {1, 3, 6, 8, 11, 13, 16, 18}, x.slice(1, 1, 5, 2), 0);
        assertValues(new double[] {15, 16, 17, 18, 19}, x.select(0, -1), 0);
        assertShape(new int[] {4, 0}, x.slice(1, 3, 2, 1));
        var e = assertThrows(IllegalArgumentException.class, () -> x.narrow(1, 3, 3));
        assertTrue(e.getMessage().contains("size 5"), e.getMessage());
    }

    @Test
    void expandUsesStrideZeroAndOnlyGrowsSizeOneDims() {
        Tensor col = range(3, 1);
        Tensor e = col.expand(2, 3, 4);
        assertArrayEquals(new long[] {0, 1, 0}, e.strides());
        assertValues(new double[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}, e, 0);
        assertThrows(IllegalArgumentException.class, () -> col.expand(4, 4));
    }

    @Test
    void squeezeAndUnsqueeze() {
        Tensor x = range(1, 3, 1);
        assertShape(new int[] {3}, x.squeeze());
        assertShape(new int[] {3, 1}, x.squeeze(0));
        assertShape(new int[] {1, 3, 1}, x.squeeze(1));
        assertShape(new int[] {1, 3, 1, 1}, x.unsqueeze(-1));
        assertShape(new int[] {1}, Tensor.scalar(2).unsqueeze(0));
    }

    @Test
    void flattenMergesARangeOfDims() {
        assertShape(new int[] {2, 12}, range(2, 3, 4).flatten(1, 2));
        assertShape(new int[] {24}, range(2, 3, 4).flatten());
        assertShape(new int[] {0, 12}, Tensor.zeros(0, 3, 4).flatten(1, -1));
    }

    @Test
    void splitGivesViewsAndRejectsBadSizes() {
        List<Tensor> parts = range(7, 2).split(3, 0);
        assertEquals(3, parts.size());
        assertShape(new int[] {1, 2}, parts.get(2));
        assertSame(parts.get(1).storage(), parts.get(0).storage());
        List<Tensor> sized = range(2, 5).split(new int[] {1, 4}, 1);
        assertValues(new double[] {1, 2, 3, 4, 6, 7, 8, 9}, sized.get(1), 0);
        assertThrows(IllegalArgumentException.class, () -> range(2, 5).split(new int[] {2, 2}, 1));
    }

    @Test
    void contiguousCopiesOnlyWhenNeeded() {
        Tensor x = range(3, 4);
        assertSame(x, x.contiguous());
        Tensor t = x.mT().contiguous();
        assertTrue(t.isContiguous());
        assertValues(new double[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, t, 0);
    }

    @Test
    void copyFromWritesThroughAView() {
        Tensor x = Tensor.zeros(DType.F32, Device.CPU, 3, 3);
        x.narrow(1, 1, 2).copyFrom(Tensor.of(new float[] {7, 8}));
        assertValues(new double[] {0, 7, 8, 0, 7, 8, 0, 7, 8}, x, 0);
    }
}
