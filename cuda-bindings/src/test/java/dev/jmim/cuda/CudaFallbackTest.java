package dev.jmim.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmim.tensor.Backends;
import dev.jmim.tensor.Device;
import org.junit.jupiter.api.Test;

/** Without a driver, the CUDA provider says in one line what it tried and the CPU keeps working. */
class CudaFallbackTest {

    @Test
    void withoutADriverTheProviderSaysWhatItTried() {
        assumeTrue(DriverProbe.result().problem().isPresent(), "skipped: a CUDA driver is present");
        String reason = new CudaBackendProvider().unavailableReason().orElseThrow();
        assertTrue(reason.contains("libcuda.so.1") && reason.contains("not found") && !reason.contains("\n"), reason);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.forDevice(Device.cuda(0)));
        assertTrue(e.getMessage().contains("cuda: " + reason), e.getMessage());
        assertTrue(Backends.cpu().name().length() > 0, "the CPU backend is still there");
    }
}
