package dev.jmim.mae.cli;

import static dev.jmim.mae.cli.CliRuns.fail;
import static dev.jmim.mae.cli.CliRuns.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.mae.data.Augment;
import dev.jmim.mae.data.ImageFiles;
import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.data.SyntheticShapes;
import dev.jmim.mae.eval.Features;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jmim coverage}, {@code freq-psnr}, {@code features} and {@code dense-probe}: their tables,
 * files and plots, on checkpoints of one training step per preset.
 */
class AnalysisCommandsTest {
    @TempDir
    static Path runs;

    @BeforeAll
    static void pretrainOneStepPerPreset() {
        for (String preset : new String[] {"mae", "pixmim", "pixio"}) {
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
                    runs.resolve(preset).toString());
        }
        run(
                "pretrain",
                "--preset",
                "gmae",
                "--gaussians",
                "16",
                "--images",
                "32",
                "--epochs",
                "1",
                "--batch",
                "32",
                "--out",
                runs.resolve("gmae").toString());
    }

    private static String checkpoint(String preset) {
        return runs.resolve(preset).resolve("checkpoint.safetensors").toString();
    }

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

    @Test
    void featuresExportPatchTokensInRasterOrderAndTheClassTokenMean(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("f.safetensors");
        String printed = run("features", "--checkpoint", checkpoint("pixio"), "--images", "5", "--out", out.toString());
        assertTrue(printed.contains("patch_tokens [5, 64, 128], cls_mean [5, 128]"), printed);
        Map<String, Tensor> file = SafeTensors.load(out);
        assertArrayEquals(new int[] {5, 64, 128}, file.get("patch_tokens").shape());
        MaskedAutoencoder model = MaskedAutoencoder.fromCheckpoint(Path.of(checkpoint("pixio")));
        RgbImage first = new SyntheticShapes(5, 32, 1_000_003).get(0);
        Features.Dense expected =
                Features.dense(model, List.of(Augment.resize(32).apply(first, null)));
        assertArrayEquals(
                expected.patchTokens().toFloatArray(),
                file.get("patch_tokens").narrow(0, 0, 1).contiguous().toFloatArray());
        assertArrayEquals(
                expected.clsMean().contiguous().toFloatArray(),
                file.get("cls_mean").narrow(0, 0, 1).contiguous().toFloatArray());
        String bad = fail(
                "features",
                "--checkpoint",
                checkpoint("pixio"),
                "--out",
                dir.resolve("f.npy").toString());
        assertTrue(bad.startsWith("jmim features: --out"), bad);
    }

    @Test
    void denseProbeScoresEveryCheckpointBesideRawPixels() {
        String printed = run(
                "dense-probe",
                "--checkpoint",
                checkpoint("mae"),
                "--checkpoint",
                checkpoint("pixio"),
                "--train-images",
                "20",
                "--test-images",
                "8",
                "--epochs",
                "2");
        assertTrue(printed.contains("raw patch pixels"), printed);
        assertEquals(
                2,
                printed.lines()
                        .filter(l -> l.contains("checkpoint.safetensors"))
                        .count(),
                printed);
    }

    @Test
    void curateWritesAManifestThatPretrainTrainsOn(@TempDir Path dir) throws IOException {
        Path images = dir.resolve("images");
        Files.createDirectories(images);
        java.util.SplittableRandom r = new java.util.SplittableRandom(4);
        for (int i = 0; i < 5; i++) {
            float[] px = new float[3 * 40 * 40];
            for (int k = 0; k < px.length; k++) {
                px[k] = (float) r.nextDouble();
            }
            ImageFiles.writePng(px, 40, 40, images.resolve("img-" + i + ".png"));
        }
        ImageFiles.writePng(new float[3 * 40 * 40], 40, 40, images.resolve("black.png"));
        Path manifest = dir.resolve("kept.jsonl");
        String printed = run(
                "curate",
                "--checkpoint",
                checkpoint("mae"),
                "--data",
                images.toString(),
                "--out",
                manifest.toString(),
                "--min-side",
                "32",
                "--loss-scale",
                "100");
        assertTrue(printed.contains("6 images, 5 kept (83.3%)"), printed);
        assertTrue(printed.contains("low entropy=1"), printed);
        String trained = run(
                "pretrain",
                "--data",
                manifest.toString(),
                "--epochs",
                "1",
                "--batch",
                "5",
                "--out",
                dir.resolve("run").toString());
        assertTrue(trained.contains("curated manifest") && trained.contains("5 of 6 images kept"), trained);
        String bad = fail("curate", "--checkpoint", checkpoint("mae"), "--data", images.toString(), "--out", "m.txt");
        assertTrue(bad.startsWith("jmim curate: --out m.txt: name a .jsonl manifest"), bad);
    }

    @Test
    void gmaeLayersAndFigureGround(@TempDir Path dir) throws IOException {
        Path image = dir.resolve("in.png");
        RgbImage picture = new SyntheticShapes(1, 40, 8).get(0);
        ImageFiles.writePng(picture.pixels(), 40, 40, image);
        Path out = dir.resolve("layers");
        String printed = run(
                "layers",
                "--checkpoint",
                checkpoint("gmae"),
                "--image",
                image.toString(),
                "--layers",
                "4",
                "--out",
                out.toString());
        assertTrue(printed.contains("4 layers of 4 Gaussians"), printed);
        for (String png :
                new String[] {"layer-1.png", "partial-4.png", "figure-ground.png", "edges.png", "overview.png"}) {
            assertTrue(Files.size(out.resolve(png)) > 50, png);
        }
        assertEquals(32, ImageFiles.read(out.resolve("edges.png"), -1).width(), "at the model's resolution");
        String scored = run("figure-ground", "--checkpoint", checkpoint("gmae"), "--images", "6");
        assertTrue(scored.contains("all foreground") && scored.contains("centred square"), scored);
        String pixels =
                fail("layers", "--checkpoint", checkpoint("mae"), "--image", image.toString(), "--out", out.toString());
        assertTrue(pixels.startsWith("jmim layers: layers need a GMAE checkpoint"), pixels);
        String farthest =
                run("figure-ground", "--checkpoint", checkpoint("gmae"), "--images", "3", "--figure-layer", "farthest");
        assertTrue(farthest.contains("render without the farthest layer"), farthest);
        String side = fail("figure-ground", "--checkpoint", checkpoint("gmae"), "--figure-layer", "middle");
        assertTrue(side.startsWith("jmim figure-ground: --figure-layer middle: choose nearest or farthest"), side);
        String knob =
                fail("pretrain", "--gaussians", "64", "--out", dir.resolve("x").toString());
        assertTrue(knob.contains("add --preset gmae"), knob);
    }
}
