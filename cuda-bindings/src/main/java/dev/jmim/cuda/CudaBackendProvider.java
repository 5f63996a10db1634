package dev.jmim.cuda;

import dev.jmim.tensor.Backend;
import dev.jmim.tensor.BackendProvider;
import dev.jmim.tensor.Device;
import java.util.Optional;

/**
 * The CUDA entry for {@link java.util.ServiceLoader}. The backend itself (kernels, cuBLAS, cuFFT)
 * is not written yet, so even with a driver present this provider reports itself unavailable,
 * saying what the driver probe found.
 */
public final class CudaBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Device.Type deviceType() {
        return Device.Type.CUDA;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Optional<String> unavailableReason() {
        DriverProbe.Result probe = DriverProbe.result();
        return Optional.of(probe.problem()
                .orElseGet(() -> probe.describe() + " found, but jmim's CUDA backend is not" + " implemented yet"));
    }

    @Override
    public Backend create(Device device) {
        throw new IllegalStateException("cuda: " + unavailableReason().orElseThrow());
    }
}
