package dev.jmim.mae.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.mae.data.SyntheticShapes;
import dev.jmim.mae.model.MaeConfig;
import dev.jmim.mae.recipe.Preset;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.io.SafeTensors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PretrainerTest {
    private static final MaeConfig SMALL = new MaeConfig(16, 4, 3, 16, 1, 2, 8, 1, 2, 2.0, 1e-6, true);
    /** Pixio's knobs on: 2 class tokens, learned positions, 2 × 2 blocks, drop path up to 0.3. */
    private static final MaeConfig SMALL_PIXIO =
            new MaeConfig(16, 4, 3, 16, 2, 2, 8, 1, 2, 2.0, 1e-6, true).withPixio(2, true, 2, 0.3);

    private static Pretrainer.Settings settings(int accum) {
        return settings(accum, Preset.MAE);
    }

    /** GMAE's decoder: 8 Gaussians, pixels in [0, 1], no norm-pix. */
    private static final MaeConfig SMALL_GMAE =
            new MaeConfig(16, 4, 3, 16, 1, 2, 8, 1, 2, 2.0, 1e-6, false).withGaussians(8, 1.0, false, 1.0);

    private static Pretrainer.Settings settings(int accum, Preset preset) {
        MaeConfig model =
                switch (preset) {
                    case PIXIO -> SMALL_PIXIO;
                    case GMAE -> SMALL_GMAE;
                    default -> SMALL;
                };
        return new Pretrainer.Settings(model, 8, accum, 2, 1e-3, 0, 0.5, 0.05, 0.75, 7, 2, 2, preset, Device.CPU);
    }

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    /** Every preset's run resumes exactly: Pixio's stochastic depth draws random numbers too, GMAE renders. */
    @ParameterizedTest
    @EnumSource(
            value = Preset.class,
            names = {"MAE", "PIXIO", "GMAE"})
    void anInterruptedRunResumesBitIdentically(Preset preset, @TempDir Path dir) throws IOException {
        SyntheticShapes data = new SyntheticShapes(48, 20, 3); // 6 iterations per epoch, 12 in all
        Pretrainer.Settings s = settings(2, preset);
        Pretrainer.Result whole = Pretrainer.run(data, s, dir.resolve("whole"), null, 0, QUIET);
        Pretrainer.Result first = Pretrainer.run(data, s, dir.resolve("split"), null, 6, QUIET);
        assertEquals(12, whole.iterations());
        Path saved = dir.resolve("at-6.safetensors");
        Files.copy(first.checkpoint(), saved);
        Pretrainer.Result resumed = Pretrainer.run(data, s, dir.resolve("split"), saved, 0, QUIET);

        Map<String, Tensor> a = SafeTensors.load(whole.checkpoint());
        Map<String, Tensor> b = SafeTensors.load(resumed.checkpoint());
        assertEquals(a.keySet(), b.keySet());
        for (String key : a.keySet()) {
            assertArrayEquals(a.get(key).toFloatArray(), b.get(key).toFloatArray(), key + " differs after resuming");
        }
        List<String> rowsA = losses(whole.metrics());
        List<String> rowsB = losses(resumed.metrics());
        assertEquals(rowsA, rowsB, "the resumed run's losses differ from the uninterrupted run's");
        assertEquals(7, rowsA.size(), "a header and 6 optimizer steps");
        assertTrue(Files.size(whole.lossPlot()) > 1000, "loss.png was written");
    }

    @Test
    void pixmimTrainsOnTheLowPassTargetAndSaysSoInItsCheckpoint(@TempDir Path dir) throws IOException {
        SyntheticShapes data = new SyntheticShapes(48, 20, 3);
        Pretrainer.Result mae = Pretrainer.run(data, settings(1, Preset.MAE), dir.resolve("mae"), null, 2, QUIET);
        Pretrainer.Result pixmim =
                Pretrainer.run(data, settings(1, Preset.PIXMIM), dir.resolve("pixmim"), null, 2, QUIET);
        assertTrue(Double.isFinite(pixmim.lastLoss()), "PixMIM's loss is " + pixmim.lastLoss());
        // same seed, same model: only the augmentation and the target differ
        assertNotEquals(mae.lastLoss(), pixmim.lastLoss());
        try (var file = SafeTensors.open(pixmim.checkpoint())) {
            assertEquals("pixmim", file.metadata().get("preset"));
        }
    }

    /** iteration, epoch, lr and loss of each metrics row (timings differ between runs). */
    private static List<String> losses(Path metrics) throws IOException {
        return Files.readAllLines(metrics).stream()
                .map(r -> String.join(",", List.of(r.split(",")).subList(0, 4)))
                .toList();
    }

    /**
     * A smoke test of learning (gradients, optimizer, schedule and data wired together): on raw
     * pixels the loss of 80 iterations ends at least 40% below where it started. A broken gradient
     * or a learning rate stuck at 0 leaves it flat.
     */
    @Test
    void theLossFallsOnSyntheticShapes(@TempDir Path dir) throws IOException {
        MaeConfig pixels = new MaeConfig(16, 4, 3, 32, 2, 2, 16, 1, 2, 2.0, 1e-6, false);
        SyntheticShapes data = new SyntheticShapes(64, 20, 5);
        Pretrainer.Settings s =
                new Pretrainer.Settings(pixels, 16, 1, 20, 0.1, 0, 2, 0.05, 0.75, 1, 1000, 2, Preset.MAE, Device.CPU);
        Pretrainer.Result r = Pretrainer.run(data, s, dir, null, 0, QUIET);
        List<String> rows = Files.readAllLines(r.metrics());
        double first = Double.parseDouble(rows.get(1).split(",")[3]);
        double last = average(rows.subList(rows.size() - 8, rows.size()));
        assertTrue(last < 0.6 * first, "loss went from " + first + " to " + last + ", not 40% lower");
    }

    private static double average(List<String> rows) {
        return rows.stream()
                .mapToDouble(r -> Double.parseDouble(r.split(",")[3]))
                .average()
                .orElseThrow();
    }
}
