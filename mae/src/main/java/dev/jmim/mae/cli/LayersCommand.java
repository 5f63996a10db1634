package dev.jmim.mae.cli;

import dev.jmim.mae.data.Augment;
import dev.jmim.mae.data.ImageFiles;
import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.gmae.Layers;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jmim layers}: GMAE's zero-shot layers of one image ({@link Layers}) as PNGs at the model's
 * resolution — layer-i.png (layer i alone), partial-i.png (layers 1…i), figure-ground.png,
 * edges.png — and overview.png, every panel enlarged: image, full render, figure-ground, edges; the
 * layers alone; the partial renders.
 */
@Command(name = "layers", description = "Depth layers, figure-ground and edges of an image from a GMAE checkpoint.")
final class LayersCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "a checkpoint of jmim pretrain --preset gmae")
    Path checkpoint;

    @Option(names = "--image", required = true, description = "a PNG, JPEG, WebP, BMP or GIF image")
    Path image;

    @Option(names = "--layers", defaultValue = "4", description = "depth groups (default ${DEFAULT-VALUE})")
    int layers;

    @Option(
            names = "--threshold",
            defaultValue = "0.1",
            description = "change in [0, 1] pixels that counts (default ${DEFAULT-VALUE})")
    double threshold;

    @Option(
            names = "--figure-layer",
            defaultValue = "nearest",
            description = "the layer whose removal marks the figure: nearest or farthest (default ${DEFAULT-VALUE})")
    String figureLayer;

    @Option(names = "--out", required = true, description = "the folder to write the PNGs to")
    Path out;

    private static final int ZOOM = 4;

    @Override
    public Integer call() throws IOException {
        MaskedAutoencoder model = MaskedAutoencoder.fromCheckpoint(checkpoint);
        int s = model.config().imgSize();
        RgbImage sized = Augment.resize(s).apply(ImageFiles.read(image, -1), null);
        Layers.Result r = Layers.of(model, sized, layers, threshold, nearest());
        Files.createDirectories(out);
        float[] figure = grey(r.figure());
        float[] edges = grey(r.edges());
        for (int l = 0; l < layers; l++) {
            ImageFiles.writePng(r.layers().get(l).toFloatArray(), s, s, out.resolve("layer-" + (l + 1) + ".png"));
            ImageFiles.writePng(r.partial().get(l).toFloatArray(), s, s, out.resolve("partial-" + (l + 1) + ".png"));
        }
        ImageFiles.writePng(figure, s, s, out.resolve("figure-ground.png"));
        ImageFiles.writePng(edges, s, s, out.resolve("edges.png"));
        List<List<float[]>> rows = new ArrayList<>();
        rows.add(List.of(sized.pixels(), r.full().toFloatArray(), figure, edges));
        rows.add(r.layers().stream().map(Tensor::toFloatArray).toList());
        rows.add(r.partial().stream().map(Tensor::toFloatArray).toList());
        writeOverview(rows, s, out.resolve("overview.png"));
        System.out.printf(
                "%s → %s: %d layers of %d Gaussians; figure %.1f%% of the pixels; layer-%d.png, partial-%d.png,"
                        + " figure-ground.png, edges.png, overview.png%n",
                image, out, layers, model.config().gaussians() / layers, 100 * mean(r.figure()), layers, layers);
        return 0;
    }

    private static float[] grey(float[] mask) {
        float[] rgb = new float[3 * mask.length];
        for (int ch = 0; ch < 3; ch++) {
            System.arraycopy(mask, 0, rgb, ch * mask.length, mask.length);
        }
        return rgb;
    }

    private static double mean(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    /** Panels [3, s, s] in rows, each enlarged ZOOM times, 2 px of white between them. */
    private static void writeOverview(List<List<float[]>> rows, int s, Path png) throws IOException {
        int cell = s * ZOOM;
        int columns = rows.stream().mapToInt(List::size).max().orElse(1);
        int width = columns * cell + (columns - 1) * 2;
        int height = rows.size() * cell + (rows.size() - 1) * 2;
        float[] canvas = new float[3 * height * width];
        java.util.Arrays.fill(canvas, 1f);
        for (int row = 0; row < rows.size(); row++) {
            for (int col = 0; col < rows.get(row).size(); col++) {
                float[] panel = rows.get(row).get(col);
                for (int ch = 0; ch < 3; ch++) {
                    for (int y = 0; y < cell; y++) {
                        for (int x = 0; x < cell; x++) {
                            float v = Math.clamp(panel[(ch * s + y / ZOOM) * s + x / ZOOM], 0f, 1f);
                            canvas[(ch * height + row * (cell + 2) + y) * width + col * (cell + 2) + x] = v;
                        }
                    }
                }
            }
        }
        ImageFiles.writePng(canvas, height, width, png);
    }

    private boolean nearest() {
        if (!figureLayer.equals("nearest") && !figureLayer.equals("farthest")) {
            throw new IllegalArgumentException("--figure-layer " + figureLayer + ": choose nearest or farthest");
        }
        return figureLayer.equals("nearest");
    }
}
