package dev.jmim.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.tensor.random.Generator;
import org.junit.jupiter.api.Test;

class ScopeTest {

    @Test
    void heldBytesReturnToTheSameFigureAfterEveryStep() {
        Tensor w = Tensor.randn(new Generator(0), 16, 16);
        long baseline = HostStorage.stats().heldBytes();
        for (int step = 0; step < 50; step++) {
            try (Scope _ = Scope.open()) {
                Tensor x = Tensor.randn(new Generator(step), 8, 16);
                x.matmul(w).gelu().softmax(-1).sum();
                assertTrue(HostStorage.stats().heldBytes() > baseline, "the step allocated");
            }
            assertEquals(baseline, HostStorage.stats().heldBytes(), "held bytes after step " + step);
        }
    }

    @Test
    void keptTensorsMoveToTheEnclosingScope() {
        long baseline = HostStorage.stats().heldBytes();
        Tensor kept;
        try (Scope outer = Scope.open()) {
            try (Scope inner = Scope.open()) {
                kept = inner.keep(Tensor.ones(100));
                Tensor.ones(100);
            }
            assertFalse(kept.storage().isFreed(), "kept survives the inner scope");
            assertEquals(1, outer.ownedCount());
        }
        assertTrue(kept.storage().isFreed(), "and is freed with the outer one");
        assertEquals(baseline, HostStorage.stats().heldBytes());
    }

    @Test
    void useAfterFreeNamesTheFixInsteadOfCrashing() {
        Tensor leaked;
        try (Scope _ = Scope.open()) {
            leaked = Tensor.ones(4);
        }
        var e = assertThrows(IllegalStateException.class, () -> leaked.add(1));
        assertTrue(e.getMessage().contains("scope.keep"), e.getMessage());
        assertThrows(IllegalStateException.class, leaked::toFloatArray);
    }

    @Test
    void scopesCloseInReverseOrder() {
        Scope outer = Scope.open();
        Scope inner = Scope.open();
        var e = assertThrows(IllegalStateException.class, outer::close);
        assertTrue(e.getMessage().contains("inner scope"), e.getMessage());
        inner.close();
        outer.close();
        assertThrows(IllegalStateException.class, outer::close);
    }

    @Test
    void tensorsOutsideScopesCanBeFreedExplicitly() {
        long baseline = HostStorage.stats().heldBytes();
        Tensor t = Tensor.zeros(1000);
        assertEquals(baseline + 4000, HostStorage.stats().heldBytes());
        t.storage().free();
        t.storage().free();
        assertEquals(baseline, HostStorage.stats().heldBytes(), "free is idempotent");
    }

    @Test
    void theGcBackstopFreesUnreachableUnscopedTensorsAndCountsThem() throws InterruptedException {
        MemoryStats before = HostStorage.stats();
        for (int i = 0; i < 100; i++) {
            Tensor.zeros(1024);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (HostStorage.stats().reclaimedByGcBytes() < before.reclaimedByGcBytes() + 100 * 4096
                && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(10);
        }
        MemoryStats after = HostStorage.stats();
        assertTrue(
                after.reclaimedByGcBytes() >= before.reclaimedByGcBytes() + 100 * 4096,
                "unreachable tensors were reclaimed: " + before + " → " + after);
        assertEquals(before.heldBytes() + 100 * 4096, after.heldBytes(), "held bytes still count them");
    }
}
