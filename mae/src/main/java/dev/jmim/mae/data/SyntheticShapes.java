package dev.jmim.mae.data;

import java.util.SplittableRandom;

/**
 * The built-in dataset: procedural images of one to three shapes (disc, box, triangle; solid,
 * striped or dotted) over a background (gradient, stripes, checkerboard or smooth waves), each with
 * its ground-truth foreground mask. Image i is a pure function of (seed, i), so any subset can be
 * regenerated anywhere; the label is the kind of the largest shape (0 disc, 1 box, 2 triangle).
 */
public final class SyntheticShapes implements Dataset {
    public static final int CLASSES = 3;

    private final int count;
    private final int size;
    private final long seed;

    public SyntheticShapes(int count, int size, long seed) {
        if (count < 1 || size < 8) {
            throw new IllegalArgumentException(
                    "synthetic shapes: need at least 1 image of at least 8 px, got " + count + " of " + size + " px");
        }
        this.count = count;
        this.size = size;
        this.seed = seed;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public String describe() {
        return "synthetic shapes: " + count + " images of " + size + "×" + size + " px, seed " + seed;
    }

    @Override
    public RgbImage get(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("synthetic shapes: index " + index + " outside 0.." + (count - 1));
        }
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        float[] pixels = new float[3 * size * size];
        float[] foreground = new float[size * size];
        paintBackground(r, pixels);
        int shapes = 1 + r.nextInt(3);
        int label = 0;
        double largest = -1;
        for (int s = 0; s < shapes; s++) {
            int kind = r.nextInt(3);
            double radius = size * (0.12 + 0.22 * r.nextDouble());
            if (radius > largest) {
                largest = radius;
                label = kind;
            }
            paintShape(r, kind, radius, pixels, foreground);
        }
        return new RgbImage(size, size, pixels, foreground, label);
    }

    private float[] color(SplittableRandom r) {
        return new float[] {(float) r.nextDouble(), (float) r.nextDouble(), (float) r.nextDouble()};
    }

    private void paintBackground(SplittableRandom r, float[] pixels) {
        float[] a = color(r);
        float[] b = color(r);
        int style = r.nextInt(4);
        double angle = r.nextDouble() * Math.PI;
        double period = size / (2.0 + 6 * r.nextDouble());
        double fx = (1 + r.nextInt(3)) * 2 * Math.PI / size;
        double fy = (1 + r.nextInt(3)) * 2 * Math.PI / size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double t =
                        switch (style) {
                            case 0 -> (x * Math.cos(angle) + y * Math.sin(angle)) / (size * 1.5) + 0.3;
                            case 1 -> ((int) Math.floor((x * Math.cos(angle) + y * Math.sin(angle)) / period)) & 1;
                            case 2 -> (((int) (x / period)) + ((int) (y / period))) & 1;
                            default -> 0.5 + 0.25 * Math.sin(x * fx) + 0.25 * Math.cos(y * fy);
                        };
                set(pixels, x, y, a, b, Math.clamp(t, 0, 1));
            }
        }
    }

    private void paintShape(SplittableRandom r, int kind, double radius, float[] pixels, float[] foreground) {
        double cx = radius + r.nextDouble() * (size - 2 * radius);
        double cy = radius + r.nextDouble() * (size - 2 * radius);
        double turn = r.nextDouble() * 2 * Math.PI;
        float[] a = color(r);
        float[] b = color(r);
        int texture = r.nextInt(3);
        double period = Math.max(2, radius / (1 + r.nextInt(3)));
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double u = x + 0.5 - cx;
                double v = y + 0.5 - cy;
                double ru = u * Math.cos(turn) + v * Math.sin(turn);
                double rv = -u * Math.sin(turn) + v * Math.cos(turn);
                boolean inside =
                        switch (kind) {
                            case 0 -> u * u + v * v <= radius * radius;
                            case 1 -> Math.abs(ru) <= radius * 0.9 && Math.abs(rv) <= radius * 0.6;
                            default -> rv <= radius * 0.5 && rv >= -radius + Math.abs(ru) * 1.7;
                        };
                if (!inside) {
                    continue;
                }
                double t =
                        switch (texture) {
                            case 0 -> 0;
                            case 1 -> ((int) Math.floor((ru + radius) / period)) & 1;
                            default -> (Math.hypot(ru % period, rv % period) < period * 0.3) ? 1 : 0;
                        };
                set(pixels, x, y, a, b, t);
                foreground[y * size + x] = 1;
            }
        }
    }

    private void set(float[] pixels, int x, int y, float[] a, float[] b, double t) {
        for (int c = 0; c < 3; c++) {
            pixels[(c * size + y) * size + x] = (float) (a[c] * (1 - t) + b[c] * t);
        }
    }
}
