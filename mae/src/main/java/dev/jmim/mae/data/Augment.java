package dev.jmim.mae.data;

import java.util.SplittableRandom;

/**
 * An augmentation: from an image and a random stream (one per sample, derived from the run's seed,
 * the epoch and the sample, so results never depend on which thread ran it) to the training image.
 */
@FunctionalInterface
public interface Augment {

    RgbImage apply(RgbImage image, SplittableRandom random);

    /**
     * MAE's pretraining augmentation: torchvision's RandomResizedCrop (scale (0.2, 1), ratio (3/4,
     * 4/3), bicubic), then a horizontal flip with probability 1/2.
     */
    static Augment maePretrain(int size) {
        return (image, random) -> flipHorizontally(randomResizedCrop(image, random, size, 0.2, 1.0), random);
    }

    /** Resize the whole image to size × size (bicubic): evaluation and visualisation. */
    static Augment resize(int size) {
        return (image, random) ->
                Resampler.resize(image, 0, 0, image.height(), image.width(), size, size, Resampler.Filter.BICUBIC);
    }

    /** The crop box (top, left, height, width) of torchvision's RandomResizedCrop.get_params. */
    static int[] randomResizedCropBox(int height, int width, SplittableRandom r, double scaleLo, double scaleHi) {
        double ratioLo = 3.0 / 4;
        double ratioHi = 4.0 / 3;
        double area = (double) height * width;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (scaleLo + (scaleHi - scaleLo) * r.nextDouble());
            double aspect = Math.exp(Math.log(ratioLo) + (Math.log(ratioHi) - Math.log(ratioLo)) * r.nextDouble());
            int w = (int) Math.round(Math.sqrt(target * aspect));
            int h = (int) Math.round(Math.sqrt(target / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int top = r.nextInt(height - h + 1);
                int left = r.nextInt(width - w + 1);
                return new int[] {top, left, h, w};
            }
        }
        double inRatio = (double) width / height;
        int w = width;
        int h = height;
        if (inRatio < ratioLo) {
            h = (int) Math.round(w / ratioLo);
        } else if (inRatio > ratioHi) {
            w = (int) Math.round(h * ratioHi);
        }
        return new int[] {(height - h) / 2, (width - w) / 2, h, w};
    }

    static RgbImage randomResizedCrop(RgbImage image, SplittableRandom r, int size, double scaleLo, double scaleHi) {
        int[] box = randomResizedCropBox(image.height(), image.width(), r, scaleLo, scaleHi);
        return Resampler.resize(image, box[0], box[1], box[2], box[3], size, size, Resampler.Filter.BICUBIC);
    }

    static RgbImage flipHorizontally(RgbImage image, SplittableRandom r) {
        if (r.nextBoolean()) {
            return image;
        }
        int h = image.height();
        int w = image.width();
        float[] pixels = new float[image.pixels().length];
        for (int row = 0; row < 3 * h; row++) {
            for (int x = 0; x < w; x++) {
                pixels[row * w + x] = image.pixels()[row * w + (w - 1 - x)];
            }
        }
        float[] mask = null;
        if (image.foreground() != null) {
            mask = new float[h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    mask[y * w + x] = image.foreground()[y * w + (w - 1 - x)];
                }
            }
        }
        return new RgbImage(h, w, pixels, mask, image.label());
    }
}
