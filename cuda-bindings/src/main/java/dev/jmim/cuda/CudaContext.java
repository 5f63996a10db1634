package dev.jmim.cuda;

import static dev.jmim.cuda.bindings.driver.cuda_h.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static dev.jmim.cuda.bindings.driver.cuda_h.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static dev.jmim.cuda.bindings.driver.cuda_h.CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED;
import static dev.jmim.cuda.bindings.driver.cuda_h.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT;
import static dev.jmim.cuda.bindings.driver.cuda_h.CU_MEMPOOL_ATTR_RELEASE_THRESHOLD;
import static dev.jmim.cuda.bindings.driver.cuda_h.CU_MEMPOOL_ATTR_RESERVED_MEM_CURRENT;
import static dev.jmim.cuda.bindings.driver.cuda_h.CU_MEMPOOL_ATTR_USED_MEM_CURRENT;

import dev.jmim.tensor.Device;
import java.lang.foreign.MemorySegment;

/**
 * One CUDA device as jmim drives it: its primary context (made current on every entry, from any Java
 * thread), one stream that every kernel, copy, allocation and free is ordered on, the device's default
 * memory pool with its release threshold raised so freed blocks stay cached, a cuBLAS handle on the
 * stream, the loaded kernels, and a pinned staging buffer for host copies.
 */
final class CudaContext {
    private static final long STAGING_BYTES = 64L << 20;
    private static final long CUBLAS_WORKSPACE_BYTES = 32L << 20;

    private final Device device;
    private final int ordinal;
    private final String name;
    private final int computeMajor;
    private final int computeMinor;
    private final MemorySegment context;
    private final MemorySegment stream;
    private final MemorySegment pool;
    private final MemorySegment cublas;
    private final Kernels kernels;
    private MemorySegment staging;

    CudaContext(Device device) {
        Cuda.init();
        this.device = device;
        this.ordinal = Cuda.device(device.index());
        this.name = Cuda.deviceName(ordinal);
        this.computeMajor = Cuda.attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR(), ordinal);
        this.computeMinor = Cuda.attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR(), ordinal);
        if (Cuda.attribute(CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED(), ordinal) == 0) {
            throw new IllegalStateException(device + " (" + name + ") has no stream-ordered memory pools,"
                    + " which jmim's CUDA backend needs (CUDA 11.2+ driver, not under MPS/vGPU without them)");
        }
        this.context = Cuda.retainPrimaryContext(ordinal);
        Cuda.setCurrent(context);
        this.stream = Cuda.createStream();
        this.pool = Cuda.defaultMemoryPool(ordinal);
        Cuda.setPoolAttribute(pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD(), Long.MAX_VALUE);
        this.cublas = Cublas.create();
        Cublas.setStream(cublas, stream);
        // a workspace of its own lets cuBLAS pick its fastest Hopper kernels (PyTorch gives it 32 MiB too)
        Cublas.setWorkspace(cublas, Cuda.allocAsync(CUBLAS_WORKSPACE_BYTES, stream), CUBLAS_WORKSPACE_BYTES);
        this.kernels =
                new Kernels(computeMajor, Cuda.attribute(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT(), ordinal), stream);
    }

    /** Makes the primary context current on the calling thread; every entry point calls it first. */
    void enter() {
        Cuda.setCurrent(context);
    }

    Device device() {
        return device;
    }

    String describe() {
        return name + " (compute " + computeMajor + "." + computeMinor + ")";
    }

    MemorySegment stream() {
        return stream;
    }

    MemorySegment cublas() {
        return cublas;
    }

    Kernels kernels() {
        return kernels;
    }

    /** A block from the pool, zero-filled on the stream when {@code zeroed}. */
    long allocate(long bytes, boolean zeroed) {
        enter();
        long pointer = Cuda.allocAsync(bytes, stream);
        if (zeroed) {
            Cuda.memset(pointer, (byte) 0, bytes, stream);
        }
        return pointer;
    }

    /** Returns a block to the pool, ordered after all work queued so far; safe from the GC's cleaner thread. */
    void release(long pointer) {
        if (pointer == 0) {
            return; // an empty storage owns no block
        }
        enter();
        Cuda.freeAsync(pointer, stream);
    }

    /** Bytes the pool holds from the device, and bytes of it in use. */
    long[] poolBytes() {
        enter();
        return new long[] {
            Cuda.poolAttribute(pool, CU_MEMPOOL_ATTR_RESERVED_MEM_CURRENT()),
            Cuda.poolAttribute(pool, CU_MEMPOOL_ATTR_USED_MEM_CURRENT())
        };
    }

    /** The pinned staging buffer (callers hold this context's lock while they use it). */
    MemorySegment staging() {
        if (staging == null) {
            staging = Cuda.allocPinned(STAGING_BYTES);
        }
        return staging;
    }

    void synchronize() {
        enter();
        Cuda.synchronize(stream);
    }
}
