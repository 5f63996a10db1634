package dev.jmim.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmim.cuda.bindings.cublas.cublas_h;
import dev.jmim.cuda.bindings.cufft.cufft_h;
import dev.jmim.cuda.bindings.driver.cuda_h;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generated bindings against real libraries: every cuBLAS and cuFFT function jmim binds resolves
 * in the CUDA 13 libraries (NVIDIA's pip wheels in CI), and without a driver the calls fail the way
 * the libraries document, as CudaExceptions that name the call. Driver symbols are resolved where a
 * driver is (CudaBackendTest runs on a GPU).
 */
class CudaBindingsTest {

    @Test
    void everyBoundCublasAndCufftSymbolResolves() throws Exception {
        assumeTrue(
                CudaLibraries.cublas().loaded(),
                "skipped: " + CudaLibraries.cublas().describe());
        assumeTrue(
                CudaLibraries.cufft().loaded(),
                "skipped: " + CudaLibraries.cufft().describe());
        assertEquals(boundInArgfile("cublas"), resolveAll(cublas_h.class), "cuBLAS functions bound");
        assertEquals(boundInArgfile("cufft"), resolveAll(cufft_h.class), "cuFFT functions bound");
    }

    @Test
    void everyBoundDriverSymbolResolvesWhereADriverIs() throws Exception {
        assumeTrue(
                CudaLibraries.driver().loaded(),
                "skipped: " + CudaLibraries.driver().describe());
        assertEquals(boundInArgfile("driver"), resolveAll(cuda_h.class), "driver functions bound");
    }

    @Test
    void withoutADriverCublasAndCufftSayNotInitialized() {
        assumeTrue(
                CudaLibraries.cublas().loaded(),
                "skipped: " + CudaLibraries.cublas().describe());
        assumeTrue(!DriverProbe.result().problem().isEmpty(), "skipped: a GPU is present");
        CudaException cublas = assertThrows(CudaException.class, Cublas::create);
        assertEquals(cublas_h.CUBLAS_STATUS_NOT_INITIALIZED(), cublas.status());
        assertEquals("cublasCreate_v2 failed: the library was not initialized (1)", cublas.getMessage());
        assertTrue(Cufft.version() >= 11000, "cufftGetVersion needs no driver");
        CudaException cufft = assertThrows(CudaException.class, () -> Cufft.plan2d(8, 8, 1));
        assertEquals("cufftPlanMany failed: CUFFT_INTERNAL_ERROR (5)", cufft.getMessage());
    }

    @Test
    void statusStringsComeFromTheLibrary() {
        assumeTrue(
                CudaLibraries.cublas().loaded(),
                "skipped: " + CudaLibraries.cublas().describe());
        assertEquals("the requested functionality is not supported", Cublas.statusString(15));
    }

    /** How many functions jextract/NAME.args binds: every one must have been generated and resolve. */
    private static long boundInArgfile(String name) throws IOException {
        try (var lines = Files.lines(Path.of("jextract", name + ".args"))) {
            return lines.filter(l -> l.startsWith("--include-function ")).count();
        }
    }

    /** Calls every {@code name$address()} of a generated header class; returns how many resolved. */
    private static long resolveAll(Class<?> header) throws IllegalAccessException {
        List<String> missing = new ArrayList<>();
        long resolved = 0;
        for (Method m : header.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && m.getName().endsWith("$address") && m.getParameterCount() == 0) {
                try {
                    MemorySegment address = (MemorySegment) m.invoke(null);
                    assertTrue(address.address() != 0, m.getName());
                    resolved++;
                } catch (InvocationTargetException | ExceptionInInitializerError | NoClassDefFoundError e) {
                    missing.add(m.getName().replace("$address", ""));
                }
            }
        }
        assertEquals(List.of(), missing, "symbols that do not resolve in " + header.getSimpleName());
        return resolved;
    }
}
