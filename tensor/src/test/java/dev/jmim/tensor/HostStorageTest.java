package dev.jmim.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Freed host blocks are reused: zero-filled for zeros, never visible through the freed tensor. */
class HostStorageTest {

    @Test
    void aReusedBlockIsZeroedForZerosAndTheFreedTensorStaysDead() {
        Tensor freed;
        long address;
        try (Scope _ = Scope.open()) {
            freed = Tensor.full(7, DType.F32, 1000, 1000);
            address = HostStorage.segmentOf(freed).address();
        }
        Tensor zeros = Tensor.zeros(1000, 1000);
        assertEquals(address, HostStorage.segmentOf(zeros).address(), "the freed block was reused");
        float[] values = zeros.toFloatArray();
        for (float v : values) {
            assertEquals(0f, v);
        }
        var read = assertThrows(IllegalStateException.class, freed::toFloatArray);
        assertTrue(read.getMessage().contains("freed"), read.getMessage());
        var raw = assertThrows(IllegalStateException.class, () -> HostStorage.segmentOf(freed));
        assertTrue(raw.getMessage().contains("after its storage was freed"), raw.getMessage());
        assertThrows(IllegalStateException.class, () -> freed.add(1));
    }

    /** An op's output may land in a reused, unzeroed block: every element is still written. */
    @Test
    void opOutputsInReusedBlocksAreWrittenInFull() {
        try (Scope _ = Scope.open()) {
            Tensor.full(-3, DType.F32, 64, 65); // leaves a block of this size full of −3
        }
        Tensor a = Tensor.ones(64, 65);
        Tensor sum = a.add(a);
        float[] expected = new float[64 * 65];
        java.util.Arrays.fill(expected, 2f);
        assertArrayEquals(expected, sum.toFloatArray());
    }
}
