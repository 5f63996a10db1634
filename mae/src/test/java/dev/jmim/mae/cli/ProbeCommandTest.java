package dev.jmim.mae.cli;

import static dev.jmim.mae.cli.CliRuns.fail;
import static dev.jmim.mae.cli.CliRuns.run;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.mae.data.IdxFiles;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jmim probe} on small Fashion-MNIST-format files: figures for each feature source, one-line errors. */
class ProbeCommandTest {

    @Test
    void reportsLinearAndKnnAccuracyForPixelsAndEncoders(@TempDir Path dir) throws IOException {
        IdxFiles.write(dir, "train", 8);
        IdxFiles.write(dir, "t10k", 2);
        String pixels =
                run("probe", "--pixels", "--fashion-mnist-dir", dir.toString(), "--epochs", "10", "--batch", "16");
        assertTrue(pixels.contains("raw pixels at 28×28, 80 train + 20 test images, dim 2352"), pixels);
        assertTrue(pixels.contains("kNN-20 (cosine) top-1 100.00%"), pixels);
        String random = run(
                "probe",
                "--random-init",
                "tiny",
                "--fashion-mnist-dir",
                dir.toString(),
                "--epochs",
                "2",
                "--batch",
                "16");
        assertTrue(random.contains("randomly initialised tiny encoder (width 128, depth 4, 32 px)"), random);
        assertTrue(random.contains("linear probe top-1 "), random);
    }

    @Test
    void badSourcesGetOneClearLine(@TempDir Path dir) {
        // none of these reads a dataset, so they fail the same where Fashion-MNIST is not installed
        assertTrue(fail("probe").contains("Missing required argument"));
        assertTrue(fail("probe", "--pixels", "--random-init", "tiny").contains("mutually exclusive"));
        String missing = fail("probe", "--pixels", "--fashion-mnist-dir", dir.toString());
        assertTrue(missing.startsWith("jmim probe: no train-images-idx3-ubyte[.gz] in"), missing);
        String checkpoint =
                fail("probe", "--checkpoint", dir.resolve("none.safetensors").toString());
        assertTrue(checkpoint.startsWith("jmim probe: no such checkpoint"), checkpoint);
    }
}
