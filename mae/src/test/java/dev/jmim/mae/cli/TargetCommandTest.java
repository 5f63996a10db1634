package dev.jmim.mae.cli;

import static dev.jmim.mae.cli.CliRuns.fail;
import static dev.jmim.mae.cli.CliRuns.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.mae.data.BatchLoader;
import dev.jmim.mae.data.ImageFiles;
import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.data.SyntheticShapes;
import dev.jmim.mae.recipe.LowFrequencyTarget;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jmim target}: the exported floats are the low-pass target of the image; bad outputs get one line. */
class TargetCommandTest {

    @Test
    void exportsThePixmimTargetAsFloatsAndAsAPicture(@TempDir Path dir) throws IOException {
        RgbImage picture = new SyntheticShapes(1, 32, 5).get(0);
        Path png = dir.resolve("in.png");
        ImageFiles.writePng(picture.pixels(), 32, 32, png);
        Path floats = dir.resolve("target.safetensors");
        String printed = run("target", "--image", png.toString(), "--out", floats.toString(), "--size", "32");
        assertTrue(printed.contains("pixmim target at 32 px"), printed);

        RgbImage read = ImageFiles.read(png, -1);
        float[] normalized = new float[3 * 32 * 32];
        BatchLoader.normalize(read, normalized, 0);
        Tensor expected = LowFrequencyTarget.forImageSize(32)
                .pixels(Tensor.of(normalized, 1, 3, 32, 32))
                .select(0, 0);
        Tensor exported = SafeTensors.load(floats).get("target");
        assertArrayEquals(new int[] {3, 32, 32}, exported.shape());
        assertArrayEquals(expected.contiguous().toFloatArray(), exported.toFloatArray(), 1e-6f);

        Path picturePng = dir.resolve("target.png");
        run("target", "--image", png.toString(), "--out", picturePng.toString(), "--size", "32");
        assertEquals(64, ImageFiles.read(picturePng, -1).width(), "image | target side by side");
        assertTrue(Files.size(picturePng) > 100);
    }

    @Test
    void badArgumentsGetOneClearLine(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("in.png");
        ImageFiles.writePng(new float[3 * 8 * 8], 8, 8, png);
        String extension = fail(
                "target",
                "--image",
                png.toString(),
                "--out",
                dir.resolve("x.jpg").toString());
        assertTrue(extension.startsWith("jmim target: --out") && extension.contains(".safetensors"), extension);
        String preset = fail(
                "target",
                "--preset",
                "simmim",
                "--image",
                png.toString(),
                "--out",
                dir.resolve("x.png").toString());
        assertTrue(preset.contains("unknown preset 'simmim'; this build has: mae, pixmim, pixio, gmae"), preset);
        String missing = fail(
                "target",
                "--image",
                dir.resolve("none.png").toString(),
                "--out",
                dir.resolve("x.png").toString());
        assertTrue(missing.startsWith("jmim target: no such image file"), missing);
    }
}
