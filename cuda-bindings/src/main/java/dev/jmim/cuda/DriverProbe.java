package dev.jmim.cuda;

import java.util.Optional;

/**
 * Finds the CUDA driver ({@link CudaLibraries#driver()}: {@code libcuda.so.1}, never the toolkit
 * stub), calls {@code cuInit(0)}, {@code cuDriverGetVersion} and {@code cuDeviceGetCount}, and
 * reports the outcome in one line.
 */
public final class DriverProbe {
    /** What the probe found: a device count, or the reason there is no usable GPU. */
    public record Result(int deviceCount, int driverVersion, Optional<String> problem) {
        public String describe() {
            return problem.orElseGet(() -> deviceCount + " CUDA device(s), driver API " + driverVersion / 1000 + "."
                    + (driverVersion % 1000) / 10);
        }
    }

    private static final Result RESULT = probe();

    private DriverProbe() {}

    public static Result result() {
        return RESULT;
    }

    private static Result probe() {
        CudaLibraries.Outcome driver = CudaLibraries.driver();
        if (!driver.loaded()) {
            return new Result(0, 0, Optional.of(driver.describe() + ": no NVIDIA driver"));
        }
        try {
            Cuda.init();
            int version = Cuda.driverVersion();
            int count = Cuda.deviceCount();
            return count == 0
                    ? new Result(0, version, Optional.of("the NVIDIA driver reports no CUDA device"))
                    : new Result(count, version, Optional.empty());
        } catch (CudaException e) {
            return new Result(0, 0, Optional.of(driver.describe() + " is unusable: " + e.getMessage()));
        }
    }
}
