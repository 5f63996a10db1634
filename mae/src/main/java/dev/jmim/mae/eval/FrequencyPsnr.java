package dev.jmim.mae.eval;

import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;

/**
 * PSNR of a reconstruction per radial frequency band (PixMIM's Figs. 1 and 5). The error image
 * (reconstruction − original, [0, 1] pixel units) is transformed with fft2; a frequency (ky, kx),
 * taken centred (−S/2 … S/2 − 1 cycles per image on each axis), belongs to band ⌊r / w⌋ where r =
 * √(ky² + kx²) and w = (S/2) / bands, the corners beyond r = S/2 joining the last band. By
 * Parseval, the band's mean squared error over pixels is its share of Σ|ΔF|² / S⁴, so the bands'
 * errors add up to the plain pixel MSE. PSNR_b = 10·log10(1 / MSE_b), pooled over every image and
 * channel added.
 */
public final class FrequencyPsnr {
    private final int size;
    private final int bands;
    private final int[] bandOf;
    private final double[] squaredError;
    private long values;

    public FrequencyPsnr(int size, int bands) {
        if (size < 2 || bands < 1 || bands > size / 2) {
            throw new IllegalArgumentException("frequency PSNR: need an image of at least 2 px and 1 to size/2 bands;"
                    + " got " + size + " px and " + bands + " bands");
        }
        this.size = size;
        this.bands = bands;
        this.bandOf = new int[size * size];
        this.squaredError = new double[bands];
        double width = size / 2.0 / bands;
        for (int k = 0; k < size; k++) {
            int fy = k < (size + 1) / 2 ? k : k - size;
            for (int l = 0; l < size; l++) {
                int fx = l < (size + 1) / 2 ? l : l - size;
                bandOf[k * size + l] = Math.min(bands - 1, (int) (Math.hypot(fy, fx) / width));
            }
        }
    }

    /** Adds n images, reconstruction and original each [n, channels, size, size] flattened. */
    public void add(float[] reconstruction, float[] original, int n) {
        int plane = size * size;
        if (reconstruction.length != original.length || n < 1 || original.length % (n * plane) != 0) {
            throw new IllegalArgumentException("frequency PSNR: " + n + " images of " + size + "×" + size
                    + " px need equal arrays of n·C·" + plane + " values; got " + reconstruction.length + " and "
                    + original.length);
        }
        int channels = original.length / (n * plane);
        float[] error = new float[original.length];
        for (int i = 0; i < error.length; i++) {
            error[i] = reconstruction[i] - original[i];
        }
        float[] power;
        try (Scope _ = Scope.open()) {
            Tensor spectrum =
                    Tensor.of(error, n * channels, size, size).toComplex().fft2();
            power = spectrum.mul(spectrum).sum(new int[] {0, 3}, false).toFloatArray();
        }
        for (int f = 0; f < plane; f++) {
            squaredError[bandOf[f]] += power[f];
        }
        values += (long) n * channels * plane;
    }

    /** Bands' lower edges in cycles per image; the last band runs to the corners. */
    public double[] lowerEdges() {
        double[] edges = new double[bands];
        for (int b = 0; b < bands; b++) {
            edges[b] = b * size / 2.0 / bands;
        }
        return edges;
    }

    /** Each band's mean squared error over the pixels added so far. */
    public double[] mse() {
        if (values == 0) {
            throw new IllegalStateException("frequency PSNR: no images added yet");
        }
        double[] mse = new double[bands];
        for (int b = 0; b < bands; b++) {
            mse[b] = squaredError[b] / ((double) size * size) / values;
        }
        return mse;
    }

    /** Each band's PSNR in dB, peak 1. */
    public double[] psnr() {
        double[] mse = mse();
        double[] psnr = new double[bands];
        for (int b = 0; b < bands; b++) {
            psnr[b] = 10 * Math.log10(1 / mse[b]);
        }
        return psnr;
    }
}
