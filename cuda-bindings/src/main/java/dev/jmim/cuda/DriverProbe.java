package dev.jmim.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Finds the CUDA driver without touching any generated binding: loads {@code libcuda.so.1} (never
 * the toolkit stub), calls {@code cuInit(0)} and {@code cuDeviceGetCount}, and reports the outcome
 * in one line.
 */
public final class DriverProbe {
    static final String DRIVER_LIBRARY = "libcuda.so.1";

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
        Arena arena = Arena.global();
        SymbolLookup driver;
        try {
            driver = SymbolLookup.libraryLookup(DRIVER_LIBRARY, arena);
        } catch (IllegalArgumentException e) {
            return new Result(
                    0, 0, Optional.of(DRIVER_LIBRARY + " not found by the dynamic loader (no NVIDIA driver)"));
        }
        Linker linker = Linker.nativeLinker();
        try {
            MethodHandle cuInit = linker.downcallHandle(
                    driver.findOrThrow("cuInit"), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            MethodHandle cuDriverGetVersion = linker.downcallHandle(
                    driver.findOrThrow("cuDriverGetVersion"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            MethodHandle cuDeviceGetCount = linker.downcallHandle(
                    driver.findOrThrow("cuDeviceGetCount"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            int status = (int) cuInit.invokeExact(0);
            if (status != 0) {
                return new Result(
                        0, 0, Optional.of(DRIVER_LIBRARY + " loaded but cuInit failed with CUresult " + status));
            }
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            int versionStatus = (int) cuDriverGetVersion.invokeExact(out);
            int version = versionStatus == 0 ? out.get(ValueLayout.JAVA_INT, 0) : 0;
            status = (int) cuDeviceGetCount.invokeExact(out);
            if (status != 0) {
                return new Result(0, version, Optional.of("cuDeviceGetCount failed with CUresult " + status));
            }
            int count = out.get(ValueLayout.JAVA_INT, 0);
            return count == 0
                    ? new Result(0, version, Optional.of("the NVIDIA driver reports no CUDA device"))
                    : new Result(count, version, Optional.empty());
        } catch (Throwable e) {
            return new Result(0, 0, Optional.of(DRIVER_LIBRARY + " is unusable: " + e));
        }
    }
}
