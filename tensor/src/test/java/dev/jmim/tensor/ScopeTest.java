package dev.jmim.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.tensor.random.Generator;
import org.junit.jupiter.api.Test;

class ScopeTest {

    @Test
    void liveBytesReturnToTheSameFigureAfterEveryStep() {
        Tensor w = Tensor.randn(new Generator(0), 16, 16);
        long baseline = HostStorage.stats().liveBytes();
        for (int step = 0; step < 50; step++) {
            try (Scope s = Scope.open()) {
                Tensor x = Tensor.randn(new Generator(step), 8, 16);
                x.matmul(w).gelu().softmax(-1).sum();
                assertTrue(HostStorage.stats().liveBytes() > baseline, "the step allocated");
            }
            assertEquals(baseline, HostStorage.stats().liveBytes(), "live bytes after step " + step);
        }
    }

    @Test
    void keptTensorsMoveToTheEnclosingScope() {
        long baseline = HostStorage.stats().liveBytes();
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
        assertEquals(baseline, HostStorage.stats().liveBytes());
    }

    @Test
    void useAfterFreeNamesTheFixInsteadOfCrashing() {
        Tensor leaked;
        try (Scope s = Scope.open()) {
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
        long baseline = HostStorage.stats().liveBytes();
        Tensor t = Tensor.zeros(1000);
        assertEquals(baseline + 4000, HostStorage.stats().liveBytes());
        t.storage().free();
        t.storage().free();
        assertEquals(baseline, HostStorage.stats().liveBytes(), "free is idempotent");
    }
}
