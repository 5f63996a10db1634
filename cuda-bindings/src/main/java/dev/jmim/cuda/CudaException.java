package dev.jmim.cuda;

/** A CUDA, cuBLAS or cuFFT call returned an error status; the message names the call and the error. */
public final class CudaException extends RuntimeException {
    private final String call;
    private final int status;

    public CudaException(String call, int status, String errorName) {
        super(call + " failed: " + errorName + " (" + status + ")");
        this.call = call;
        this.status = status;
    }

    /** The library function that failed, e.g. {@code cuMemAllocAsync}. */
    public String call() {
        return call;
    }

    /** Its status code (CUresult, cublasStatus_t or cufftResult). */
    public int status() {
        return status;
    }
}
