package dev.jmim.mae.cli;

import static dev.jmim.mae.cli.CliRuns.fail;
import static dev.jmim.mae.cli.CliRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jmim coverage} and {@code jmim freq-psnr}: their tables, CSV files and plots. */
class AnalysisCommandsTest {

    @Test
    void coverageComparesTheThreeViewsWithAndWithoutMasking(@TempDir Path dir) throws IOException {
        String printed = run("coverage", "--images", "40", "--draws", "4", "--out", dir.toString());
        assertTrue(printed.contains("upper bound with masking: 25.0%"), printed);
        List<String> rows = Files.readAllLines(dir.resolve("coverage.csv"));
        assertEquals(7, rows.size(), "a header and 3 views × 2");
        for (int view = 0; view < 3; view++) {
            String[] plain = rows.get(1 + 2 * view).split(",");
            String[] masked = rows.get(2 + 2 * view).split(",");
            assertEquals("false", plain[1]);
            assertEquals("true", masked[1]);
            double ratio = Double.parseDouble(masked[2]) / Double.parseDouble(plain[2]);
            assertTrue(ratio > 0.15 && ratio < 0.35, plain[0] + ": masking keeps about a quarter, got " + ratio);
        }
        assertTrue(Files.size(dir.resolve("coverage.png")) > 1000);
        String bad = fail("coverage", "--size", "30", "--patch", "4");
        assertTrue(bad.startsWith("jmim coverage: object coverage: the view size must be a positive multiple"), bad);
    }

    @Test
    void freqPsnrScoresCheckpointsOnTheSameMasks(@TempDir Path dir) throws IOException {
        for (String preset : new String[] {"mae", "pixmim"}) {
            run(
                    "pretrain",
                    "--preset",
                    preset,
                    "--images",
                    "32",
                    "--epochs",
                    "1",
                    "--batch",
                    "32",
                    "--out",
                    dir.resolve(preset).toString());
        }
        Path mae = dir.resolve("mae/checkpoint.safetensors");
        Path pixmim = dir.resolve("pixmim/checkpoint.safetensors");
        Path both = dir.resolve("both");
        String printed = run(
                "freq-psnr",
                "--checkpoint",
                mae.toString(),
                "--checkpoint",
                pixmim.toString(),
                "--images",
                "12",
                "--bands",
                "4",
                "--out",
                both.toString());
        assertTrue(printed.contains("mae:mae") && printed.contains("pixmim:pixmim"), printed);
        List<String> rows = Files.readAllLines(both.resolve("freq-psnr.csv"));
        assertEquals(
                "band,from_cycles,to_cycles,psnr_db_mae:mae,psnr_db_pixmim:pixmim,delta_db_pixmim:pixmim",
                rows.getFirst());
        assertEquals(5, rows.size(), "a header and 4 bands");
        for (String row : rows.subList(1, 5)) {
            String[] f = row.split(",");
            for (String psnr : List.of(f).subList(3, 5)) {
                assertTrue(Double.isFinite(Double.parseDouble(psnr)) && Double.parseDouble(psnr) > 0, row);
            }
            double delta = Double.parseDouble(f[4]) - Double.parseDouble(f[3]);
            assertEquals(delta, Double.parseDouble(f[5]), 2e-3, row);
        }
        assertTrue(Files.size(both.resolve("freq-psnr.png")) > 1000);

        Path alone = dir.resolve("alone");
        run(
                "freq-psnr",
                "--checkpoint",
                pixmim.toString(),
                "--images",
                "12",
                "--bands",
                "4",
                "--out",
                alone.toString());
        List<String> aloneRows = Files.readAllLines(alone.resolve("freq-psnr.csv"));
        for (int band = 1; band <= 4; band++) {
            String[] a = rows.get(band).split(",");
            String[] b = aloneRows.get(band).split(",");
            assertEquals(a[4], b[3], "the same images and masks whatever else is compared");
        }
        String missing = fail(
                "freq-psnr", "--checkpoint", dir.resolve("none.safetensors").toString());
        assertTrue(missing.startsWith("jmim freq-psnr: no such checkpoint"), missing);
    }
}
