package dev.jmim.tensor.naive;

import dev.jmim.tensor.Backend;
import dev.jmim.tensor.BackendProvider;
import dev.jmim.tensor.Device;
import java.util.Optional;

/** Offers {@link NaiveBackend} for the CPU; always available, lowest priority. */
public final class NaiveBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "naive";
    }

    @Override
    public Device.Type deviceType() {
        return Device.Type.CPU;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    public Backend create(Device device) {
        return new NaiveBackend();
    }
}
