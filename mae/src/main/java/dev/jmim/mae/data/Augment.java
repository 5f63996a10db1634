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

    /** Pixio's pretraining augmentation: RandomResizedCrop as MAE's, and no flip. */
    static Augment pixioPretrain(int size) {
        return (image, random) -> randomResizedCrop(image, random, size, 0.2, 1.0);
    }

    /**
     * PixMIM's Simple Resized Crop: the shorter edge resized to size (bilinear; the longer edge to
     * ⌊size·long/short⌋, torchvision's truncation), 4 pixels of mirror padding on every side (the
     * edge pixel not repeated), a size × size crop at a uniform offset in [0, padded − size] per
     * axis, then a horizontal flip with probability 1/2. No scale or aspect jitter.
     */
    static Augment simpleResizedCrop(int size) {
        return (image, random) -> flipHorizontally(simpleResizedCrop(image, random, size, 4), random);
    }

    static RgbImage simpleResizedCrop(RgbImage image, SplittableRandom r, int size, int pad) {
        SimpleCrop crop = SimpleCrop.draw(image.height(), image.width(), size, pad, r);
        RgbImage resized = Resampler.resize(
                image, 0, 0, image.height(), image.width(), crop.height(), crop.width(), Resampler.Filter.BILINEAR);
        return reflectCrop(resized, crop.top(), crop.left(), size);
    }

    /**
     * Simple Resized Crop's geometry: the resized image's height and width, and the window's top-left
     * corner in it (from −pad to resized − size + pad).
     */
    record SimpleCrop(int height, int width, int top, int left) {
        public static SimpleCrop draw(int h, int w, int size, int pad, SplittableRandom r) {
            int outH = h <= w ? size : (int) ((long) size * h / w);
            int outW = h <= w ? (int) ((long) size * w / h) : size;
            int top = r.nextInt(outH + 2 * pad - size + 1);
            int left = r.nextInt(outW + 2 * pad - size + 1);
            return new SimpleCrop(outH, outW, top - pad, left - pad);
        }
    }

    /**
     * The size × size window at (top, left) of the image mirrored beyond its edges (…, 2, 1, 0, 1, 2,
     * …, as NumPy's and PyTorch's "reflect" padding): offsets may be negative or past the end.
     */
    static RgbImage reflectCrop(RgbImage image, int top, int left, int size) {
        int h = image.height();
        int w = image.width();
        float[] pixels = new float[3 * size * size];
        float[] mask = image.foreground() == null ? null : new float[size * size];
        for (int y = 0; y < size; y++) {
            int sy = reflect(top + y, h);
            for (int x = 0; x < size; x++) {
                int sx = reflect(left + x, w);
                for (int c = 0; c < 3; c++) {
                    pixels[(c * size + y) * size + x] = image.pixels()[(c * h + sy) * w + sx];
                }
                if (mask != null) {
                    mask[y * size + x] = image.foreground()[sy * w + sx];
                }
            }
        }
        return new RgbImage(size, size, pixels, mask, image.label());
    }

    private static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int k = Math.floorMod(i, period);
        return k < n ? k : period - k;
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
