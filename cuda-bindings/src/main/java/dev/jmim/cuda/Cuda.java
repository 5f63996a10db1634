package dev.jmim.cuda;

import static dev.jmim.cuda.bindings.driver.cuda_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The CUDA driver API as jmim uses it: every call's status is checked and a failure becomes a
 * {@link CudaException} carrying {@code cuGetErrorName}'s text. Device pointers are {@code long}s;
 * contexts, streams, events, pools, modules and functions are opaque {@link MemorySegment}s. The only
 * class besides {@link Cublas} and {@link Cufft} that touches the generated bindings.
 */
public final class Cuda {
    private Cuda() {}

    /** Loads the driver library (once) and fails with what was tried when it is not found. */
    static void requireDriver() {
        CudaLibraries.Outcome driver = CudaLibraries.driver();
        if (!driver.loaded()) {
            throw new IllegalStateException(driver.describe());
        }
    }

    static void check(int status, String call) {
        if (status != CUDA_SUCCESS()) {
            throw new CudaException(call, status, errorName(status));
        }
    }

    /** The driver's name for a CUresult, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}. */
    public static String errorName(int status) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            if (cuGetErrorName(status, out) != CUDA_SUCCESS()) {
                return "CUresult " + status;
            }
            return out.get(ValueLayout.ADDRESS, 0).reinterpret(256).getString(0);
        }
    }

    public static void init() {
        requireDriver();
        check(cuInit(0), "cuInit");
    }

    public static int driverVersion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            check(cuDriverGetVersion(out), "cuDriverGetVersion");
            return out.get(ValueLayout.JAVA_INT, 0);
        }
    }

    public static int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            check(cuDeviceGetCount(out), "cuDeviceGetCount");
            return out.get(ValueLayout.JAVA_INT, 0);
        }
    }

    public static int device(int ordinal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            check(cuDeviceGet(out, ordinal), "cuDeviceGet");
            return out.get(ValueLayout.JAVA_INT, 0);
        }
    }

    public static String deviceName(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(256);
            check(cuDeviceGetName(out, 256, device), "cuDeviceGetName");
            return out.getString(0);
        }
    }

    public static int attribute(int attribute, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            check(cuDeviceGetAttribute(out, attribute, device), "cuDeviceGetAttribute");
            return out.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** The device's primary context (shared with cuBLAS and cuFFT), retained. */
    public static MemorySegment retainPrimaryContext(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            check(cuDevicePrimaryCtxRetain(out, device), "cuDevicePrimaryCtxRetain");
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    /** Makes the context current on the calling thread (contexts are per OS thread). */
    public static void setCurrent(MemorySegment context) {
        check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    public static MemorySegment createStream() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            check(cuStreamCreate(out, CU_STREAM_NON_BLOCKING()), "cuStreamCreate");
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    public static void synchronize(MemorySegment stream) {
        check(cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    public static MemorySegment createEvent() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            check(cuEventCreate(out, CU_EVENT_DEFAULT()), "cuEventCreate");
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    public static void record(MemorySegment event, MemorySegment stream) {
        check(cuEventRecord(event, stream), "cuEventRecord");
    }

    /** Milliseconds between two recorded events, after waiting for the second. */
    public static float elapsedMillis(MemorySegment start, MemorySegment end) {
        check(cuEventSynchronize(end), "cuEventSynchronize");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT);
            check(cuEventElapsedTime_v2(out, start, end), "cuEventElapsedTime_v2");
            return out.get(ValueLayout.JAVA_FLOAT, 0);
        }
    }

    public static void destroyEvent(MemorySegment event) {
        check(cuEventDestroy_v2(event), "cuEventDestroy_v2");
    }

    public static MemorySegment defaultMemoryPool(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            check(cuDeviceGetDefaultMemPool(out, device), "cuDeviceGetDefaultMemPool");
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    /** Sets a 64-bit pool attribute such as {@code CU_MEMPOOL_ATTR_RELEASE_THRESHOLD}. */
    public static void setPoolAttribute(MemorySegment pool, int attribute, long value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocateFrom(ValueLayout.JAVA_LONG, value);
            check(cuMemPoolSetAttribute(pool, attribute, in), "cuMemPoolSetAttribute");
        }
    }

    public static long poolAttribute(MemorySegment pool, int attribute) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
            check(cuMemPoolGetAttribute(pool, attribute, out), "cuMemPoolGetAttribute");
            return out.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** Stream-ordered allocation from the device's pool. */
    public static long allocAsync(long bytes, MemorySegment stream) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
            check(cuMemAllocAsync(out, bytes, stream), "cuMemAllocAsync");
            return out.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    public static void freeAsync(long pointer, MemorySegment stream) {
        check(cuMemFreeAsync(pointer, stream), "cuMemFreeAsync");
    }

    /** Page-locked host memory, usable by async copies. */
    public static MemorySegment allocPinned(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            check(cuMemHostAlloc(out, bytes, CU_MEMHOSTALLOC_PORTABLE()), "cuMemHostAlloc");
            return out.get(ValueLayout.ADDRESS, 0).reinterpret(bytes);
        }
    }

    public static void copyToDevice(long target, MemorySegment source, long bytes, MemorySegment stream) {
        check(cuMemcpyHtoDAsync_v2(target, source, bytes, stream), "cuMemcpyHtoDAsync_v2");
    }

    public static void copyToHost(MemorySegment target, long source, long bytes, MemorySegment stream) {
        check(cuMemcpyDtoHAsync_v2(target, source, bytes, stream), "cuMemcpyDtoHAsync_v2");
    }

    public static void copyOnDevice(long target, long source, long bytes, MemorySegment stream) {
        check(cuMemcpyDtoDAsync_v2(target, source, bytes, stream), "cuMemcpyDtoDAsync_v2");
    }

    public static void memset(long target, byte value, long bytes, MemorySegment stream) {
        check(cuMemsetD8Async(target, value, bytes, stream), "cuMemsetD8Async");
    }

    /** Loads a PTX module (JIT-compiled by the driver for the current context's device). */
    public static MemorySegment loadModule(String ptx) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            check(cuModuleLoadData(out, arena.allocateFrom(ptx)), "cuModuleLoadData");
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    public static MemorySegment function(MemorySegment module, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            check(cuModuleGetFunction(out, module, arena.allocateFrom(name)), "cuModuleGetFunction(" + name + ")");
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    /** Launches a kernel; {@code parameters} is the {@code void*[]} of pointers to each argument. */
    public static void launch(
            MemorySegment function,
            String name,
            long gridX,
            int gridY,
            int blockX,
            int blockY,
            int sharedBytes,
            MemorySegment stream,
            MemorySegment parameters) {
        check(
                cuLaunchKernel(
                        function,
                        Math.toIntExact(gridX),
                        gridY,
                        1,
                        blockX,
                        blockY,
                        1,
                        sharedBytes,
                        stream,
                        parameters,
                        MemorySegment.NULL),
                "cuLaunchKernel(" + name + ")");
    }
}
