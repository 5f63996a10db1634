package dev.jmim.mae.eval;

import dev.jmim.mae.data.Augment;
import dev.jmim.mae.data.RgbImage;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Object coverage J(F) of an augmentation F (PixMIM's Fig. 6): the share of an image's foreground,
 * counted in the source image's pixels and weighted by its mask, that the training view shows — and,
 * with masking, that falls in the visible patches. A source pixel is shown when its centre maps
 * inside the view (and into a kept patch); the mirrored copies Simple Resized Crop pads in along
 * the border are not counted a second time. Random masking keeps a uniform random set of
 * ⌊L·(1 − ratio)⌋ patches, so with ratio 0.75 no augmentation can pass 25%.
 */
public final class ObjectCoverage {

    /** The augmentations compared, by their crop geometry (flips do not change coverage). */
    public enum View {
        /** torchvision's RandomResizedCrop, scale (0.2, 1), ratio (3/4, 4/3): MAE. */
        RANDOM_RESIZED_CROP,
        /** Shorter edge resized, 4 px reflect padding, a random crop: PixMIM. */
        SIMPLE_RESIZED_CROP,
        /** The evaluation view: shorter edge resized to size/0.875, the centre size × size. */
        CENTER_CROP;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Where the view lies on the source: view coordinate = (source coordinate − top) · scale. */
    record Window(double top, double left, double scaleY, double scaleX) {}

    private final int size;
    private final int patch;
    private final double maskRatio;

    /** Views of size × size pixels cut into patch × patch patches, of which maskRatio are hidden. */
    public ObjectCoverage(int size, int patch, double maskRatio) {
        if (size < 1 || patch < 1 || size % patch != 0 || maskRatio < 0 || maskRatio >= 1) {
            throw new IllegalArgumentException("object coverage: the view size must be a positive multiple of the"
                    + " patch and the mask ratio in [0, 1); got size " + size + ", patch " + patch + ", ratio "
                    + maskRatio);
        }
        this.size = size;
        this.patch = patch;
        this.maskRatio = maskRatio;
    }

    /** J(F) for one image and one draw of the augmentation (and, if masked, of the mask). */
    public double coverage(RgbImage image, View view, boolean masked, SplittableRandom random) {
        float[] foreground = image.foreground();
        if (foreground == null) {
            throw new IllegalArgumentException("object coverage needs images with a foreground mask; this "
                    + image.height() + "×" + image.width() + " image has none");
        }
        int h = image.height();
        int w = image.width();
        Window window = window(view, h, w, random);
        boolean[] shown = masked ? keptPatches(random) : null;
        int grid = size / patch;
        double total = 0;
        double covered = 0;
        for (int y = 0; y < h; y++) {
            double vy = (y + 0.5 - window.top()) * window.scaleY();
            for (int x = 0; x < w; x++) {
                double m = foreground[y * w + x];
                total += m;
                double vx = (x + 0.5 - window.left()) * window.scaleX();
                if (m == 0 || vy < 0 || vy >= size || vx < 0 || vx >= size) {
                    continue;
                }
                if (shown == null || shown[(int) (vy / patch) * grid + (int) (vx / patch)]) {
                    covered += m;
                }
            }
        }
        if (total == 0) {
            throw new IllegalArgumentException("object coverage: this " + h + "×" + w + " image has an empty"
                    + " foreground mask, so its coverage is undefined");
        }
        return covered / total;
    }

    Window window(View view, int h, int w, SplittableRandom random) {
        return switch (view) {
            case RANDOM_RESIZED_CROP -> {
                int[] box = Augment.randomResizedCropBox(h, w, random, 0.2, 1.0);
                yield new Window(box[0], box[1], (double) size / box[2], (double) size / box[3]);
            }
            case SIMPLE_RESIZED_CROP -> {
                Augment.SimpleCrop crop = Augment.SimpleCrop.draw(h, w, size, 4, random);
                double sy = (double) crop.height() / h;
                double sx = (double) crop.width() / w;
                yield new Window(crop.top() / sy, crop.left() / sx, sy, sx);
            }
            case CENTER_CROP -> {
                int shorter = (int) (size / 0.875);
                int outH = h <= w ? shorter : (int) ((long) shorter * h / w);
                int outW = h <= w ? (int) ((long) shorter * w / h) : shorter;
                double sy = (double) outH / h;
                double sx = (double) outW / w;
                yield new Window(Math.round((outH - size) / 2.0) / sy, Math.round((outW - size) / 2.0) / sx, sy, sx);
            }
        };
    }

    /** A uniform random choice of ⌊L·(1 − ratio)⌋ kept patches, as MAE's random masking. */
    boolean[] keptPatches(SplittableRandom random) {
        int patches = (size / patch) * (size / patch);
        int keep = (int) (patches * (1 - maskRatio));
        int[] order = new int[patches];
        Arrays.setAll(order, i -> i);
        boolean[] kept = new boolean[patches];
        for (int i = 0; i < keep; i++) {
            int j = i + random.nextInt(patches - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
            kept[order[i]] = true;
        }
        return kept;
    }
}
