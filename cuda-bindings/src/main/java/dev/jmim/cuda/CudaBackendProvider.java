package dev.jmim.cuda;

import dev.jmim.tensor.Backend;
import dev.jmim.tensor.BackendProvider;
import dev.jmim.tensor.Device;
import java.util.Optional;

/**
 * The CUDA entry for {@link java.util.ServiceLoader}: available when the driver loads and reports a
 * device, cuBLAS is found, and this build carries its PTX kernels; otherwise it says, in one line,
 * what it tried.
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
        if (probe.problem().isPresent()) {
            return probe.problem();
        }
        CudaLibraries.Outcome cublas = CudaLibraries.cublas();
        if (!cublas.loaded()) {
            return Optional.of(cublas.describe());
        }
        try {
            Kernels.ptx(Kernels.MODULES.getFirst(), "sm_90");
        } catch (IllegalStateException e) {
            return Optional.of(e.getMessage());
        }
        return Optional.empty();
    }

    @Override
    public Backend create(Device device) {
        return new CudaBackend(device);
    }
}
