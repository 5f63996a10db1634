package dev.jmim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmim.mae.cli.Jmim;
import dev.jmim.mae.data.ImageFiles;
import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.data.SyntheticShapes;
import dev.jmim.tensor.Backends;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI as the launcher runs it, with every module on the class path. */
class CliTest {

    private static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            int code = Jmim.commandLine().execute(args);
            assertEquals(0, code, () -> "exit code of jmim " + String.join(" ", args) + "\n" + buffer);
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** Runs a command that must fail; returns its stderr, whose first line is the message. */
    private static String fail(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Jmim.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        assertTrue(code != 0, "jmim " + String.join(" ", args) + " should fail");
        return err.toString();
    }

    @Test
    void badArgumentsAndMissingFilesGetOneClearLine(@TempDir Path dir) {
        String model = fail("pretrain", "--model", "giant");
        assertTrue(model.startsWith("jmim pretrain: unknown model 'giant'; choose tiny, base, large or huge"), model);
        String batch = fail("pretrain", "--batch", "0", "--out", dir.toString());
        assertTrue(
                batch.startsWith(
                        "jmim pretrain: batch, accum, epochs and checkpoint interval must be ≥ 1; got batch 0"),
                batch);
        String checkpoint = fail(
                "reconstruct",
                "--checkpoint",
                dir.resolve("none.safetensors").toString(),
                "--image",
                "x.png",
                "--out",
                dir.resolve("o.png").toString());
        assertTrue(checkpoint.startsWith("jmim reconstruct: no such checkpoint"), checkpoint);
        String folder = fail("pretrain", "--data", dir.resolve("no-images").toString());
        assertTrue(folder.startsWith("jmim pretrain: no such image folder"), folder);
        String device = fail("pretrain", "--device", "tpu", "--out", dir.toString());
        assertTrue(device.startsWith("jmim pretrain: --device tpu: "), device);
        assertTrue(device.contains("use cpu, cuda or cuda:N"), device);
    }

    /** Where no GPU is (CI), asking for one says why in one line and how to run on the CPU. */
    @Test
    void pretrainOnAMissingGpuSaysWhy(@TempDir Path dir) {
        Optional<String> unavailable = Backends.providers().stream()
                .filter(p -> p.name().equals("cuda"))
                .findFirst()
                .flatMap(Backends.ProviderStatus::unavailableReason);
        assumeTrue(unavailable.isPresent(), "a GPU is present: pretrain --device cuda:0 would run");
        String device = fail("pretrain", "--device", "cuda:0", "--out", dir.toString());
        assertTrue(device.startsWith("jmim pretrain: --device cuda:0: no backend for cuda:0: cuda: "), device);
        String first = device.lines().findFirst().orElse("");
        assertTrue(first.endsWith("; train on the CPU with --device cpu"), device); // the reason and the fix, one line
    }

    @Test
    void pretrainThenReconstructAnImageFile(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        String out = run("pretrain", "--images", "64", "--epochs", "1", "--batch", "32", "--out", run.toString());
        assertTrue(out.contains("done in"), out);
        for (String file : new String[] {"checkpoint.safetensors", "metrics.csv", "loss.png", "reconstruction.png"}) {
            assertTrue(Files.size(run.resolve(file)) > 100, file + " was written");
        }
        Path image = dir.resolve("shape.png");
        RgbImage picture = new SyntheticShapes(1, 50, 3).get(0);
        ImageFiles.writePng(picture.pixels(), 50, 50, image);
        Path recon = dir.resolve("recon.png");
        run(
                "reconstruct",
                "--checkpoint",
                run.resolve("checkpoint.safetensors").toString(),
                "--image",
                image.toString(),
                "--out",
                recon.toString());
        assertTrue(Files.size(recon) > 100, "the reconstruction PNG was written");
        String notImage = fail(
                "reconstruct",
                "--checkpoint",
                run.resolve("checkpoint.safetensors").toString(),
                "--image",
                run.resolve("metrics.csv").toString(),
                "--out",
                recon.toString());
        assertTrue(notImage.startsWith("jmim reconstruct: cannot decode"), notImage);
    }

    @Test
    void infoNamesBackendVectorWidthThreadsAndGpu() {
        String out = run("info");
        for (String key : new String[] {"cpu backend", "threads", "vector", "gpu"}) {
            assertTrue(out.lines().anyMatch(l -> l.startsWith(key)), "no '" + key + "' line in:\n" + out);
        }
        assertTrue(out.contains("provider     cuda"), "the CUDA provider is found through ServiceLoader:\n" + out);
    }

    @Test
    void demoRunsEveryStep() {
        String out = run("demo");
        assertTrue(out.contains("x equal: true, z equal: true"), out);
        assertTrue(out.contains("after it closes: 0 bytes"), out);
    }
}
