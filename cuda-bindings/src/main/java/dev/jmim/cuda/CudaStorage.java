package dev.jmim.cuda;

import dev.jmim.tensor.Device;
import dev.jmim.tensor.MemoryCounter;
import dev.jmim.tensor.Storage;

/** Device memory of one tensor storage: a pointer into the device's stream-ordered pool. */
final class CudaStorage extends Storage {
    private final long pointer;

    private CudaStorage(Device device, long byteSize, long pointer) {
        super(device, byteSize);
        this.pointer = pointer;
    }

    /** Counts the block and returns it to the pool (on the device's stream) when the storage is freed. */
    static CudaStorage track(CudaContext context, MemoryCounter counter, long byteSize, long pointer) {
        return track(new CudaStorage(context.device(), byteSize, pointer), counter, () -> context.release(pointer));
    }

    long pointer() {
        return pointer;
    }
}
