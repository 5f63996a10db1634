package dev.jmim.mae.cli;

import dev.jmim.mae.data.Augment;
import dev.jmim.mae.data.ImageFiles;
import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.gmae.Layers;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.mae.train.Reconstructions;
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
        Reconstructions.writeGrid(rows, s, out.resolve("overview.png"));
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

    private boolean nearest() {
        if (!figureLayer.equals("nearest") && !figureLayer.equals("farthest")) {
            throw new IllegalArgumentException("--figure-layer " + figureLayer + ": choose nearest or farthest");
        }
        return figureLayer.equals("nearest");
    }
}
