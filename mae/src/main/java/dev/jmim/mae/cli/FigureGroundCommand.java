package dev.jmim.mae.cli;

import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.data.SyntheticShapes;
import dev.jmim.mae.gmae.Layers;
import dev.jmim.mae.model.MaskedAutoencoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jmim figure-ground}: GMAE's zero-shot figure-ground masks ({@link Layers}) scored against
 * the synthetic dataset's ground-truth foreground on held-out images, as mean IoU per image,
 * beside two trivial masks: everything foreground, and the centred square of half the image's area.
 */
@Command(name = "figure-ground", description = "Zero-shot figure-ground IoU of a GMAE checkpoint on synthetic shapes.")
final class FigureGroundCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "a checkpoint of jmim pretrain --preset gmae")
    Path checkpoint;

    @Option(names = "--images", defaultValue = "300", description = "held-out images (default ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--layers", defaultValue = "4", description = "depth groups (default ${DEFAULT-VALUE})")
    int layers;

    @Option(
            names = "--figure-layer",
            defaultValue = "nearest",
            description = "the layer whose removal marks the figure: nearest or farthest (default ${DEFAULT-VALUE})")
    String figureLayer;

    @Option(names = "--threshold", defaultValue = "0.1", description = "default ${DEFAULT-VALUE}")
    double threshold;

    private static final long HELD_OUT_SEED = 4_000_037;

    @Override
    public Integer call() throws IOException {
        if (images < 1) {
            throw new IllegalArgumentException("--images must be at least 1; got " + images);
        }
        MaskedAutoencoder model = MaskedAutoencoder.fromCheckpoint(checkpoint);
        int s = model.config().imgSize();
        SyntheticShapes data = new SyntheticShapes(images, s, HELD_OUT_SEED);
        float[] all = new float[s * s];
        java.util.Arrays.fill(all, 1);
        float[] box = new float[s * s];
        int side = (int) Math.round(s / Math.sqrt(2));
        int from = (s - side) / 2;
        for (int y = from; y < from + side; y++) {
            for (int x = from; x < from + side; x++) {
                box[y * s + x] = 1;
            }
        }
        double gmae = 0;
        double everything = 0;
        double centred = 0;
        double figureShare = 0;
        for (int i = 0; i < images; i++) {
            RgbImage image = data.get(i);
            Layers.Result r = Layers.of(model, image, layers, threshold, nearest());
            gmae += iou(r.figure(), image.foreground());
            everything += iou(all, image.foreground());
            centred += iou(box, image.foreground());
            for (float f : r.figure()) {
                figureShare += f;
            }
        }
        System.out.printf(
                Locale.ROOT,
                "figure-ground on %d held-out synthetic %d px images (%d layers, threshold %.2f): mean IoU%n",
                images,
                s,
                layers,
                threshold);
        System.out.printf(
                Locale.ROOT,
                "  GMAE (render without the %s layer) %.4f   (figure: %.1f%% of pixels)%n",
                figureLayer,
                gmae / images,
                100 * figureShare / images / (s * s));
        System.out.printf(Locale.ROOT, "  all foreground                          %.4f%n", everything / images);
        System.out.printf(Locale.ROOT, "  centred square, half the area           %.4f%n", centred / images);
        return 0;
    }

    /** IoU of a 0/1 mask with the ground truth thresholded at 0.5; 1 when both are empty. */
    static double iou(float[] mask, float[] truth) {
        long inter = 0;
        long union = 0;
        for (int p = 0; p < mask.length; p++) {
            boolean a = mask[p] > 0.5f;
            boolean b = truth[p] >= 0.5f;
            inter += a && b ? 1 : 0;
            union += a || b ? 1 : 0;
        }
        return union == 0 ? 1 : (double) inter / union;
    }

    private boolean nearest() {
        if (!figureLayer.equals("nearest") && !figureLayer.equals("farthest")) {
            throw new IllegalArgumentException("--figure-layer " + figureLayer + ": choose nearest or farthest");
        }
        return figureLayer.equals("nearest");
    }
}
