package dev.jmim.mae.data;

/**
 * Separable convolution resampling of a box of an image to a new size, the way Pillow resizes:
 * each output pixel is a normalised weighted sum of the input pixels under a filter centred on it,
 * the filter stretched by the scale factor when shrinking (antialiasing). Bilinear is the triangle
 * filter (support 1), bicubic Keys' cubic with a = −0.5 (support 2); results are clamped to [0, 1].
 * Pixels outside the box are never read, as when torchvision crops and then resizes.
 */
public final class Resampler {
    public enum Filter {
        BILINEAR(1),
        BICUBIC(2);

        final double support;

        Filter(double support) {
            this.support = support;
        }

        double weight(double x) {
            double t = Math.abs(x);
            return switch (this) {
                case BILINEAR -> Math.max(0, 1 - t);
                case BICUBIC -> t <= 1 ? (1.5 * t - 2.5) * t * t + 1 : t < 2 ? ((-0.5 * t + 2.5) * t - 4) * t + 2 : 0;
            };
        }
    }

    private Resampler() {}

    /** Crop box (top, left, height, width) of image resized to outH × outW; the mask, if any, follows. */
    public static RgbImage resize(
            RgbImage image, int top, int left, int height, int width, int outH, int outW, Filter f) {
        if (height < 1
                || width < 1
                || top < 0
                || left < 0
                || top + height > image.height()
                || left + width > image.width()) {
            throw new IllegalArgumentException("resize: box (" + top + ", " + left + ", " + height + "×" + width
                    + ") is not inside the " + image.height() + "×" + image.width() + " image");
        }
        Taps rows = Taps.of(top, height, outH, f);
        Taps cols = Taps.of(left, width, outW, f);
        float[] out = new float[3 * outH * outW];
        for (int c = 0; c < 3; c++) {
            resizePlane(
                    image.pixels(),
                    c * image.height() * image.width(),
                    image.width(),
                    rows,
                    cols,
                    out,
                    c * outH * outW);
        }
        float[] mask = null;
        if (image.foreground() != null) {
            mask = new float[outH * outW];
            resizePlane(image.foreground(), 0, image.width(), rows, cols, mask, 0);
        }
        return new RgbImage(outH, outW, out, mask, image.label());
    }

    private static void resizePlane(
            float[] in, int inBase, int inWidth, Taps rows, Taps cols, float[] out, int outBase) {
        int outH = rows.first.length;
        int outW = cols.first.length;
        int firstRow = rows.first[0];
        int lastRow = rows.first[outH - 1] + rows.weights[outH - 1].length;
        float[] horizontal = new float[(lastRow - firstRow) * outW];
        for (int y = firstRow; y < lastRow; y++) {
            for (int x = 0; x < outW; x++) {
                double sum = 0;
                double[] w = cols.weights[x];
                int base = inBase + y * inWidth + cols.first[x];
                for (int k = 0; k < w.length; k++) {
                    sum += w[k] * in[base + k];
                }
                horizontal[(y - firstRow) * outW + x] = (float) sum;
            }
        }
        for (int y = 0; y < outH; y++) {
            double[] w = rows.weights[y];
            for (int x = 0; x < outW; x++) {
                double sum = 0;
                for (int k = 0; k < w.length; k++) {
                    sum += w[k] * horizontal[(rows.first[y] - firstRow + k) * outW + x];
                }
                out[outBase + y * outW + x] = (float) Math.clamp(sum, 0, 1);
            }
        }
    }

    /** For each output position: the first input index it reads and the normalised weights. */
    private record Taps(int[] first, double[][] weights) {
        static Taps of(int start, int length, int outLength, Filter f) {
            double scale = (double) length / outLength;
            double stretch = Math.max(scale, 1);
            double support = f.support * stretch;
            int[] first = new int[outLength];
            double[][] weights = new double[outLength][];
            for (int o = 0; o < outLength; o++) {
                double centre = start + (o + 0.5) * scale;
                int lo = Math.max(start, (int) Math.floor(centre - support));
                int hi = Math.min(start + length, (int) Math.ceil(centre + support));
                double[] w = new double[hi - lo];
                double total = 0;
                for (int k = lo; k < hi; k++) {
                    w[k - lo] = f.weight((k + 0.5 - centre) / stretch);
                    total += w[k - lo];
                }
                for (int k = 0; k < w.length; k++) {
                    w[k] /= total;
                }
                first[o] = lo;
                weights[o] = w;
            }
            return new Taps(first, weights);
        }
    }
}
