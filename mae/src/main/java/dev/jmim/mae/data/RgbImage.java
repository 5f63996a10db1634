package dev.jmim.mae.data;

/**
 * An RGB image with values in [0, 1], stored channels first (CHW: {@code pixels[(c·H + y)·W + x]}),
 * with an optional foreground mask ({@code foreground[y·W + x]} in [0, 1], null when unknown) and
 * a class label (−1 when none).
 */
public record RgbImage(int height, int width, float[] pixels, float[] foreground, int label) {

    public RgbImage {
        if (pixels.length != 3 * height * width) {
            throw new IllegalArgumentException("an RGB image of " + height + "×" + width + " needs "
                    + 3 * height * width + " values, got " + pixels.length);
        }
        if (foreground != null && foreground.length != height * width) {
            throw new IllegalArgumentException("a foreground mask of " + height + "×" + width + " needs "
                    + height * width + " values, got " + foreground.length);
        }
    }

    public float at(int channel, int y, int x) {
        return pixels[(channel * height + y) * width + x];
    }
}
