package dev.jmim.cuda;

import static dev.jmim.cuda.bindings.cublas.cublas_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * cuBLAS as jmim uses it: one handle per device stream, row-major GEMMs expressed in cuBLAS's
 * column-major terms by the caller, every status checked ({@link CudaException} with {@code
 * cublasGetStatusString}'s text).
 */
public final class Cublas {
    /** The precision a GEMM runs in. */
    public enum Precision {
        /** fp32 in, fp32 out, fp32 arithmetic. */
        FP32,
        /** fp32 in and out, TF32 tensor-core arithmetic with fp32 accumulation. */
        TF32,
        /** bf16 in, fp32 out, fp32 accumulation. */
        BF16
    }

    private Cublas() {}

    static void requireLibrary() {
        CudaLibraries.Outcome cublas = CudaLibraries.cublas();
        if (!cublas.loaded()) {
            throw new IllegalStateException(cublas.describe());
        }
    }

    static void check(int status, String call) {
        if (status != CUBLAS_STATUS_SUCCESS()) {
            throw new CudaException(call, status, statusString(status));
        }
    }

    public static String statusString(int status) {
        return cublasGetStatusString(status).reinterpret(256).getString(0);
    }

    /** A new handle, or the status cublasCreate returned, as a CudaException. */
    public static MemorySegment create() {
        requireLibrary();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            check(cublasCreate_v2(out), "cublasCreate_v2");
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    public static void setStream(MemorySegment handle, MemorySegment stream) {
        check(cublasSetStream_v2(handle, stream), "cublasSetStream_v2");
    }

    /** Gives the handle {@code bytes} of device memory at {@code workspace} for its kernels' scratch. */
    public static void setWorkspace(MemorySegment handle, long workspace, long bytes) {
        check(cublasSetWorkspace_v2(handle, MemorySegment.ofAddress(workspace), bytes), "cublasSetWorkspace_v2");
    }

    /**
     * Column-major {@code C[m×n] = op(A)[m×k] · op(B)[k×n]} for {@code batch} matrices spaced by the
     * given element strides (0 repeats one matrix). A, B and C are device pointers; C is fp32.
     */
    public static void gemm(
            MemorySegment handle,
            Precision precision,
            boolean transposeA,
            boolean transposeB,
            int m,
            int n,
            int k,
            long a,
            int lda,
            long strideA,
            long b,
            int ldb,
            long strideB,
            long c,
            int ldc,
            long strideC,
            int batch) {
        int inputType = precision == Precision.BF16 ? CUDA_R_16BF() : CUDA_R_32F();
        int compute = precision == Precision.TF32 ? CUBLAS_COMPUTE_32F_FAST_TF32() : CUBLAS_COMPUTE_32F();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f);
            MemorySegment zero = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 0f);
            int opA = transposeA ? CUBLAS_OP_T() : CUBLAS_OP_N();
            int opB = transposeB ? CUBLAS_OP_T() : CUBLAS_OP_N();
            if (batch == 1) {
                check(
                        cublasGemmEx(
                                handle,
                                opA,
                                opB,
                                m,
                                n,
                                k,
                                one,
                                MemorySegment.ofAddress(a),
                                inputType,
                                lda,
                                MemorySegment.ofAddress(b),
                                inputType,
                                ldb,
                                zero,
                                MemorySegment.ofAddress(c),
                                CUDA_R_32F(),
                                ldc,
                                compute,
                                CUBLAS_GEMM_DEFAULT()),
                        "cublasGemmEx");
            } else {
                check(
                        cublasGemmStridedBatchedEx(
                                handle,
                                opA,
                                opB,
                                m,
                                n,
                                k,
                                one,
                                MemorySegment.ofAddress(a),
                                inputType,
                                lda,
                                strideA,
                                MemorySegment.ofAddress(b),
                                inputType,
                                ldb,
                                strideB,
                                zero,
                                MemorySegment.ofAddress(c),
                                CUDA_R_32F(),
                                ldc,
                                strideC,
                                batch,
                                compute,
                                CUBLAS_GEMM_DEFAULT()),
                        "cublasGemmStridedBatchedEx");
            }
        }
    }
}
