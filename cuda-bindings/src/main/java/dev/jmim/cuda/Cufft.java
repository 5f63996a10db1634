package dev.jmim.cuda;

import static dev.jmim.cuda.bindings.cufft.cufft_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * cuFFT as jmim uses it: batched 2-D complex-to-complex plans on the device stream. A plan is a C
 * {@code int}. Every status is checked; a failure becomes a {@link CudaException} naming the call.
 */
public final class Cufft {
    private Cufft() {}

    static void requireLibrary() {
        CudaLibraries.Outcome cufft = CudaLibraries.cufft();
        if (!cufft.loaded()) {
            throw new IllegalStateException(cufft.describe());
        }
    }

    static void check(int status, String call) {
        if (status != CUFFT_SUCCESS()) {
            throw new CudaException(call, status, resultName(status));
        }
    }

    /** The name cufft.h gives a cufftResult. */
    public static String resultName(int status) {
        return switch (status) {
            case 0 -> "CUFFT_SUCCESS";
            case 1 -> "CUFFT_INVALID_PLAN";
            case 2 -> "CUFFT_ALLOC_FAILED";
            case 3 -> "CUFFT_INVALID_TYPE";
            case 4 -> "CUFFT_INVALID_VALUE";
            case 5 -> "CUFFT_INTERNAL_ERROR";
            case 6 -> "CUFFT_EXEC_FAILED";
            case 7 -> "CUFFT_SETUP_FAILED";
            case 8 -> "CUFFT_INVALID_SIZE";
            case 9 -> "CUFFT_UNALIGNED_DATA";
            case 11 -> "CUFFT_INVALID_DEVICE";
            case 13 -> "CUFFT_NO_WORKSPACE";
            case 14 -> "CUFFT_NOT_IMPLEMENTED";
            case 16 -> "CUFFT_NOT_SUPPORTED";
            case 17 -> "CUFFT_MISSING_DEPENDENCY";
            case 18 -> "CUFFT_NVRTC_FAILURE";
            case 19 -> "CUFFT_NVJITLINK_FAILURE";
            case 20 -> "CUFFT_NVSHMEM_FAILURE";
            default -> "cufftResult " + status;
        };
    }

    public static int version() {
        requireLibrary();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            check(cufftGetVersion(out), "cufftGetVersion");
            return out.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** A plan for {@code batch} dense, interleaved complex fp32 transforms of {@code height × width}. */
    public static int plan2d(int height, int width, int batch) {
        requireLibrary();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment plan = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment dims = arena.allocateFrom(ValueLayout.JAVA_INT, height, width);
            check(
                    cufftPlanMany(
                            plan,
                            2,
                            dims,
                            MemorySegment.NULL,
                            1,
                            height * width,
                            MemorySegment.NULL,
                            1,
                            height * width,
                            CUFFT_C2C(),
                            batch),
                    "cufftPlanMany");
            return plan.get(ValueLayout.JAVA_INT, 0);
        }
    }

    public static void setStream(int plan, MemorySegment stream) {
        check(cufftSetStream(plan, stream), "cufftSetStream");
    }

    /** Runs the plan from {@code input} to {@code output} (device pointers; may be equal). */
    public static void execute(int plan, long input, long output, boolean inverse) {
        check(
                cufftExecC2C(
                        plan,
                        MemorySegment.ofAddress(input),
                        MemorySegment.ofAddress(output),
                        inverse ? CUFFT_INVERSE() : CUFFT_FORWARD()),
                "cufftExecC2C");
    }

    public static void destroy(int plan) {
        check(cufftDestroy(plan), "cufftDestroy");
    }
}
