package dev.jmim.mae.curate;

import dev.jmim.mae.data.RgbImage;

/**
 * Shannon entropy, in bits, of an image's joint colour histogram: each channel quantised to 16
 * levels (16³ = 4,096 bins, so at most 12 bits). The reference's "histogram_score" is precomputed
 * and its bins are not published (methods.md §4.2); this is our choice. Measured on scikit-image's
 * sample pictures: colour photographs 5.5–7.2 bits (rocket 5.46, chelsea 6.23, astronaut 6.75,
 * motorcycle 7.23), scanned text and documents 0.6–3.5, greyscale photographs 1.4–3.4 — so the
 * reference's threshold of 4.5 keeps colour photos and drops pages, flat product shots and grey
 * images.
 */
public final class ColourEntropy {
    private static final int LEVELS = 16;

    private ColourEntropy() {}

    public static double bits(RgbImage image) {
        int plane = image.height() * image.width();
        float[] px = image.pixels();
        long[] counts = new long[LEVELS * LEVELS * LEVELS];
        for (int i = 0; i < plane; i++) {
            int r = level(px[i]);
            int g = level(px[plane + i]);
            int b = level(px[2 * plane + i]);
            counts[(r * LEVELS + g) * LEVELS + b]++;
        }
        double entropy = 0;
        for (long c : counts) {
            if (c > 0) {
                double p = (double) c / plane;
                entropy -= p * Math.log(p) / Math.log(2);
            }
        }
        return entropy;
    }

    private static int level(float v) {
        return Math.clamp((int) (v * LEVELS), 0, LEVELS - 1);
    }
}
