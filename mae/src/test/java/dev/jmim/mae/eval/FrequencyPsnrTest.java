package dev.jmim.mae.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FrequencyPsnrTest {
    private static final int S = 32;

    /** An error of one cosine at (ky, kx) cycles per image, amplitude a, on every channel. */
    private static float[] cosine(int n, int ky, int kx, double a) {
        float[] v = new float[n * 3 * S * S];
        for (int i = 0; i < v.length; i++) {
            int y = (i / S) % S;
            int x = i % S;
            v[i] = (float) (a * Math.cos(2 * Math.PI * (ky * y + kx * x) / S));
        }
        return v;
    }

    @Test
    void aSingleFrequencyLandsInItsBandOnly() {
        // 8 bands of 2 cycles: radius 5 is band 2, radius √(12² + 9²) = 15 band 7, (16, 16) the corner
        int[][] cases = {{0, 0, 0}, {5, 0, 2}, {0, 5, 2}, {12, 9, 7}, {16, 16, 7}, {3, 3, 2}};
        for (int[] c : cases) {
            FrequencyPsnr meter = new FrequencyPsnr(S, 8);
            meter.add(cosine(2, c[0], c[1], 0.1), new float[2 * 3 * S * S], 2);
            double[] mse = meter.mse();
            double total = 0;
            for (double m : mse) {
                total += m;
            }
            assertEquals(total, mse[c[2]], total * 1e-5, "frequency (" + c[0] + ", " + c[1] + ") in band " + c[2]);
        }
    }

    @Test
    void bandErrorsAddUpToThePixelError() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 3;
        float[] a = new float[n * 3 * S * S];
        float[] b = new float[a.length];
        double pixelSquares = 0;
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextDouble();
            b[i] = (float) r.nextDouble();
            double d = a[i] - b[i];
            pixelSquares += d * d;
        }
        FrequencyPsnr meter = new FrequencyPsnr(S, 4);
        meter.add(a, b, n);
        double total = 0;
        for (double m : meter.mse()) {
            total += m;
        }
        assertEquals(pixelSquares / a.length, total, 1e-5 * total);
        double[] psnr = meter.psnr();
        for (int band = 0; band < 4; band++) {
            assertEquals(10 * Math.log10(1 / meter.mse()[band]), psnr[band], 1e-9);
        }
        assertTrue(psnr[3] < psnr[0], "white noise has most of its energy in the wide outer band");
    }
}
