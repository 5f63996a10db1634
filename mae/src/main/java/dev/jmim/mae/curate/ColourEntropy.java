package dev.jmim.mae.curate;

import dev.jmim.mae.data.RgbImage;

/**
 * Shannon entropy, in bits, of an image's joint colour histogram: each channel quantised to 8 levels
 * (8³ = 512 bins, so at most 9 bits). The reference's "histogram_score" is precomputed and its bins
 * are not published (methods.md §4.2); this is our choice, under which a flat product shot or a
 * two-colour page scores 0–2 bits and a photograph 5–8.
 */
public final class ColourEntropy {
    private static final int LEVELS = 8;

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
