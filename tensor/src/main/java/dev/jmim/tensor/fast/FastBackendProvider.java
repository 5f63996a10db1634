package dev.jmim.tensor.fast;

import dev.jmim.tensor.Backend;
import dev.jmim.tensor.BackendProvider;
import dev.jmim.tensor.Device;
import java.util.Optional;

/**
 * Offers {@link FastBackend} for the CPU, preferred over the naive one. Threads: system property
 * {@code jmim.threads} or env {@code JMIM_THREADS}, else every available processor.
 */
public final class FastBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "fast";
    }

    @Override
    public Device.Type deviceType() {
        return Device.Type.CPU;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    public Backend create(Device device) {
        return new FastBackend(threads());
    }

    static int threads() {
        String configured = System.getProperty("jmim.threads", System.getenv("JMIM_THREADS"));
        if (configured == null || configured.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(configured.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "jmim.threads / JMIM_THREADS must be a positive integer, got '" + configured + "'");
    }
}
