package dev.jmim.tensor.fast;

/**
 * Arrays for the partial sums of a kernel that sums rows in blocks (a bias gradient, layer_norm's
 * parameter gradients): each calling thread keeps its own and gets them back on its next call, so a
 * training step does not allocate them afresh every time (they were ~260 MB of heap a step in
 * {@code Reductions}, seen in JFR's allocation samples; bench/NOTES.md). Not zeroed: the kernel zeroes
 * each block's row as it starts it. Past CACHED elements a call gets arrays of its own, not kept.
 */
final class PartialSums {
    private static final int CACHED = 1 << 22;
    private static final ThreadLocal<double[][]> DOUBLES = new ThreadLocal<>();
    private static final ThreadLocal<float[][]> FLOATS = new ThreadLocal<>();

    private PartialSums() {}

    /** At least rows × width doubles. */
    static double[][] doubles(int rows, int width) {
        double[][] cached = DOUBLES.get();
        if (cached != null && cached.length >= rows && cached[0].length >= width) {
            return cached;
        }
        int keptRows = Math.max(rows, cached == null ? 0 : cached.length);
        int keptWidth = Math.max(width, cached == null ? 0 : cached[0].length);
        if ((long) keptRows * keptWidth > CACHED) {
            return new double[rows][width];
        }
        double[][] grown = new double[keptRows][keptWidth];
        DOUBLES.set(grown);
        return grown;
    }

    /** At least rows × width floats. */
    static float[][] floats(int rows, int width) {
        float[][] cached = FLOATS.get();
        if (cached != null && cached.length >= rows && cached[0].length >= width) {
            return cached;
        }
        int keptRows = Math.max(rows, cached == null ? 0 : cached.length);
        int keptWidth = Math.max(width, cached == null ? 0 : cached[0].length);
        if ((long) keptRows * keptWidth > CACHED) {
            return new float[rows][width];
        }
        float[][] grown = new float[keptRows][keptWidth];
        FLOATS.set(grown);
        return grown;
    }
}
