package dev.jmim.gpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmim.tensor.Backends;
import java.util.Optional;

/** Skips a GPU test, with the CUDA provider's reason, where no GPU is. */
final class GpuAvailability {
    private GpuAvailability() {}

    static void assumeAGpu() {
        Optional<String> unavailable = Backends.providers().stream()
                .filter(p -> p.name().equals("cuda"))
                .findFirst()
                .map(Backends.ProviderStatus::unavailableReason)
                .orElse(Optional.of("no CUDA backend on the class path"));
        assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.get());
    }
}
