package dev.jmim.mae.eval;

import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A dense evaluation that runs on this machine: a linear probe ({@link LinearProbe}: BatchNorm
 * without affine + linear, LARS) on frozen patch features predicting, for each patch, whether most
 * of it is foreground in the synthetic dataset's ground-truth mask. Scored as mean IoU over the two
 * classes (background, foreground), pooled over every test patch; and per pixel, each pixel taking
 * its patch's prediction against the mask thresholded at 0.5. Features: a model's dense patch
 * tokens ({@link Features#dense}) or, as the baseline, the patch's raw pixels.
 */
public final class DenseProbe {
    private static final int BATCH = 128;

    private DenseProbe() {}

    /** Mean IoU per patch and per pixel, and the per-class patch IoUs (background, foreground). */
    public record Result(double patchMiou, double pixelMiou, double[] patchIou) {}

    /**
     * Trains on train's patches, scores on test's. Images are model-sized (or, for the pixel
     * baseline with model null, a multiple of patch) and carry foreground masks.
     */
    public static Result run(
            MaskedAutoencoder model, int patch, List<RgbImage> train, List<RgbImage> test, LinearProbe.Settings s) {
        Features.Set trainSet = new Features.Set(features(model, train, patch), labels(train, patch));
        long[] predicted = LinearProbe.predict(trainSet, features(model, test, patch), 2, s);
        int[] truth = labels(test, patch);
        long[][] counts = new long[2][2]; // [truth][predicted]
        for (int i = 0; i < truth.length; i++) {
            counts[truth[i]][(int) predicted[i]]++;
        }
        long[][] pixelCounts = new long[2][2];
        int at = 0;
        for (RgbImage image : test) {
            int grid = image.width() / patch;
            for (int y = 0; y < image.height(); y++) {
                for (int x = 0; x < image.width(); x++) {
                    int p = at + (y / patch) * grid + x / patch;
                    pixelCounts[image.foreground()[y * image.width() + x] >= 0.5f ? 1 : 0][(int) predicted[p]]++;
                }
            }
            at += grid * (image.height() / patch);
        }
        double[] iou = iou(counts);
        double[] pixelIou = iou(pixelCounts);
        return new Result((iou[0] + iou[1]) / 2, (pixelIou[0] + pixelIou[1]) / 2, iou);
    }

    private static double[] iou(long[][] counts) {
        double[] iou = new double[2];
        for (int c = 0; c < 2; c++) {
            long union = counts[c][0] + counts[c][1] + counts[1 - c][c];
            iou[c] = union == 0 ? 0 : (double) counts[c][c] / union;
        }
        return iou;
    }

    /** One row per patch, images in order, patches in raster order: [N·L, D]. */
    static Tensor features(MaskedAutoencoder model, List<RgbImage> images, int patch) {
        List<Tensor> rows = new ArrayList<>();
        for (int start = 0; start < images.size(); start += BATCH) {
            List<RgbImage> batch = images.subList(start, Math.min(images.size(), start + BATCH));
            if (model != null) {
                Tensor tokens = Features.dense(model, batch).patchTokens();
                rows.add(tokens.reshape(tokens.size(0) * tokens.size(1), tokens.size(2)));
            } else {
                rows.add(patchPixels(batch, patch));
            }
        }
        return Tensor.cat(rows, 0);
    }

    private static Tensor patchPixels(List<RgbImage> images, int patch) {
        int h = images.getFirst().height();
        int w = images.getFirst().width();
        int perImage = (h / patch) * (w / patch);
        int dim = 3 * patch * patch;
        float[] out = new float[images.size() * perImage * dim];
        for (int i = 0; i < images.size(); i++) {
            float[] px = images.get(i).pixels();
            for (int py = 0; py < h / patch; py++) {
                for (int pxIndex = 0; pxIndex < w / patch; pxIndex++) {
                    int row = i * perImage + py * (w / patch) + pxIndex;
                    int col = 0;
                    for (int c = 0; c < 3; c++) {
                        for (int dy = 0; dy < patch; dy++) {
                            for (int dx = 0; dx < patch; dx++) {
                                out[row * dim + col++] = px[(c * h + py * patch + dy) * w + pxIndex * patch + dx];
                            }
                        }
                    }
                }
            }
        }
        return Tensor.of(out, images.size() * perImage, dim);
    }

    /** 1 where at least half of the patch is foreground. */
    static int[] labels(List<RgbImage> images, int patch) {
        List<Integer> labels = new ArrayList<>();
        for (RgbImage image : images) {
            if (image.foreground() == null) {
                throw new IllegalArgumentException("the dense probe needs images with foreground masks");
            }
            int w = image.width();
            for (int py = 0; py < image.height() / patch; py++) {
                for (int px = 0; px < w / patch; px++) {
                    double sum = 0;
                    for (int dy = 0; dy < patch; dy++) {
                        for (int dx = 0; dx < patch; dx++) {
                            sum += image.foreground()[(py * patch + dy) * w + px * patch + dx];
                        }
                    }
                    labels.add(sum >= 0.5 * patch * patch ? 1 : 0);
                }
            }
        }
        return labels.stream().mapToInt(Integer::intValue).toArray();
    }
}
