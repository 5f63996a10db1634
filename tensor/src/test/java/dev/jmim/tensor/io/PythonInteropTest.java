package dev.jmim.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jmim's files read by PyTorch's safetensors, and PyTorch's files read by jmim, for every dtype.
 * Needs python3 (or $JMIM_PYTHON) with torch and safetensors; skipped with the reason otherwise.
 */
class PythonInteropTest {
    private static final Path SCRIPT = Path.of("src/test/python/safetensors_interop.py");

    @TempDir
    Path dir;

    @Test
    void torchReadsJmimFilesAndJmimReadsTorchFiles() throws Exception {
        String python = System.getenv().getOrDefault("JMIM_PYTHON", "python3");
        Run probe = run(python, "-c", "import torch, safetensors");
        Assumptions.assumeTrue(
                probe.code == 0,
                () -> python + " lacks torch or safetensors (pip install torch" + " safetensors): "
                        + probe.output.strip());

        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (DType dtype : DType.values()) {
            tensors.put(dtype.name(), SafeTensorsTest.values(dtype, 2, 3, 4).permute(2, 0, 1));
        }
        Path fromJmim = dir.resolve("from_jmim.safetensors");
        Path fromTorch = dir.resolve("from_torch.safetensors");
        SafeTensors.save(fromJmim, tensors, Map.of("written_by", "jmim"));

        Run check = run(python, SCRIPT.toString(), fromJmim.toString(), fromTorch.toString());
        assertEquals(0, check.code, () -> "the Python side failed:\n" + check.output);

        try (SafeTensorsFile f = SafeTensors.open(fromTorch)) {
            assertEquals("torch", f.metadata().get("written_by"));
            for (DType dtype : DType.values()) {
                Tensor mine = tensors.get(dtype.name());
                Tensor theirs = f.tensor(dtype.name());
                assertEquals(dtype, theirs.dtype(), dtype + " dtype");
                assertArrayEquals(mine.shape(), theirs.shape(), dtype + " shape");
                Tensor expected =
                        switch (dtype) {
                            case BOOL -> mine.eq(0);
                            case U8 -> mine.add(1);
                            default -> mine.mul(2);
                        };
                assertArrayEquals(expected.toDoubleArray(), theirs.toDoubleArray(), dtype + " values");
            }
        }
    }

    private record Run(int code, String output) {}

    private static Run run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Run(-1, command[0] + " cannot start: " + e.getMessage());
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Run(-1, "timed out after 120 s\n" + output);
        }
        return new Run(p.exitValue(), output);
    }
}
