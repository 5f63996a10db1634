package dev.jmim.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackendsTest {

    @Test
    void fastIsTheDefaultAndTheReferenceStaysSelectable() {
        Backend before = Backends.cpu();
        String selected = System.getProperty("jmim.backend", System.getenv("JMIM_BACKEND"));
        String expected = selected == null || selected.isBlank() ? "fast" : selected;
        try {
            assertEquals(expected, before.name(), "the fast backend outranks the naive one unless one is selected");
            assertEquals("naive", Backends.useCpu("naive").name());
            assertEquals("naive", Backends.cpu().name());
            assertEquals(
                    6.0,
                    Tensor.of(new float[] {1, 2})
                            .matmul(Tensor.of(new float[] {2, 2}))
                            .item(),
                    0);
        } finally {
            Backends.useCpu(before.name());
        }
        assertEquals(expected, Backends.cpu().name());
    }

    @Test
    void anUnknownBackendNameListsTheAvailableOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Backends.useCpu("turbo"));
        assertTrue(
                e.getMessage().contains("turbo")
                        && e.getMessage().contains("naive")
                        && e.getMessage().contains("fast"),
                e.getMessage());
    }

    @Test
    void everyProviderReportsItsState() {
        assertTrue(Backends.providers().stream()
                .anyMatch(p -> p.name().equals("naive") && p.unavailableReason().isEmpty()));
    }
}
