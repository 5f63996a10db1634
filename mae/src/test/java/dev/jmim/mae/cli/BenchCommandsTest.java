package dev.jmim.mae.cli;

import static dev.jmim.mae.cli.CliRuns.fail;
import static dev.jmim.mae.cli.CliRuns.run;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The benchmark commands run and print their figures (their speed is measured, never asserted). */
class BenchCommandsTest {

    @Test
    void gemmPrintsGflopsLast() {
        String out = run("bench", "gemm", "--m", "64", "--n", "48", "--k", "32", "--seconds", "0.2");
        String last = out.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.matches(".*\\d+(\\.\\d+)? GFLOP/s.*"), out);
    }

    @Test
    void maeStepAndSplattingPrintTheirFigures() {
        String step = run("bench", "mae-step", "--batch", "2", "--steps", "1", "--warmup", "3");
        assertTrue(step.matches("(?s)warm-up: 3 steps in [\\d.]+ s; steps 2 and 3 took \\d+ and \\d+ ms.*"), step);
        assertTrue(
                step.matches(
                        "(?s).*batch 2: step \\d+ ms, [\\d.]+ img/s \\(median of 1 after 3 warm-up;"
                                + " fastest step \\d+ ms = [\\d.]+ img/s\\), peak RSS .*, heap allocated [\\d.]+ MiB a step\\s*"),
                step);
        String badStep = fail("bench", "mae-step", "--warmup", "-1");
        assertTrue(badStep.contains("--warmup at least 0; got batch=128 steps=20 warmup=-1"), badStep);
        String splat = run("bench", "splatting", "--gaussians", "4", "--batch", "2", "--steps", "1");
        assertTrue(
                splat.contains("GMAE-tiny, 4 Gaussians, batch 2: step") && splat.contains("of which splatting"), splat);
        assertTrue(splat.contains("MAE-tiny, batch 2: step"), splat);
        String bad = fail("bench", "splatting", "--steps", "0");
        assertTrue(bad.startsWith("jmim splatting: --gaussians, --batch and --steps must be at least 1"), bad);
    }
}
