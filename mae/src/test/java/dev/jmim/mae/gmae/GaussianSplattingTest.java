package dev.jmim.mae.gmae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.autograd.GradCheck;
import dev.jmim.mae.gmae.GaussianSplatting.Camera;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GaussianSplattingTest {
    private static final double[] WHITE = {1, 1, 1};

    private static Tensor doubles(int[] shape, double... values) {
        return Tensor.of(values, shape).to(DType.F64);
    }

    /** One round Gaussian at the image centre: the pixel value in closed form. */
    @Test
    void aSingleGaussianMatchesTheClosedForm() {
        Tensor image = GaussianSplatting.render(
                doubles(new int[] {1, 1, 3}, 0, 0, 0),
                doubles(new int[] {1, 1, 3}, 0.1, 0.1, 0.1),
                doubles(new int[] {1, 1, 4}, 1, 0, 0, 0),
                doubles(new int[] {1, 1, 3}, 1, 0, 0),
                doubles(new int[] {1, 1}, 0.8),
                16,
                16,
                Camera.ORTHOGRAPHIC,
                WHITE);
        // f = 8 px per world unit: σ² = (8 · 0.1)² + 0.3 px²; pixel (8, 8) is sampled at (8.5, 8.5)
        double variance = 0.64 + 0.3;
        double alpha = 0.8 * Math.exp(-0.5 * (0.25 + 0.25) / variance);
        double[] v = image.toDoubleArray();
        int at = 8 * 16 + 8;
        assertEquals(1, v[at], 1e-12, "red: colour 1 over white");
        assertEquals(1 - alpha, v[256 + at], 1e-12, "green: only the background's share");
        assertEquals(1, v[0], 1e-9, "a corner far outside the Gaussian shows the background");
    }

    @Test
    void theNearerGaussianCovers() {
        for (double redZ : new double[] {-0.5, 0.5}) {
            Tensor image = GaussianSplatting.render(
                    doubles(new int[] {1, 2, 3}, 0, 0, redZ, 0, 0, -redZ),
                    doubles(new int[] {1, 2, 3}, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4),
                    doubles(new int[] {1, 2, 4}, 1, 0, 0, 0, 1, 0, 0, 0),
                    doubles(new int[] {1, 2, 3}, 1, 0, 0, 0, 0, 1),
                    doubles(new int[] {1, 2}, 0.95, 0.95),
                    16,
                    16,
                    Camera.ORTHOGRAPHIC,
                    new double[] {0, 0, 0});
            double[] v = image.toDoubleArray();
            int centre = 8 * 16 + 8;
            double red = v[centre];
            double blue = v[512 + centre];
            assertTrue(redZ < 0 ? red > 0.9 && blue < 0.1 : blue > 0.9 && red < 0.1, redZ + ": " + red + ", " + blue);
        }
    }

    /** Random small scenes: every input's gradient against F64 central differences. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void gradientsMatchFiniteDifferences(boolean perspective) {
        SplittableRandom r = new SplittableRandom(perspective ? 7 : 3);
        int n = 2;
        int k = 3;
        Tensor centres = random(r, n * k * 3, -0.5, 0.5, n, k, 3);
        Tensor scales = random(r, n * k * 3, 0.15, 0.35, n, k, 3);
        Tensor quaternions = random(r, n * k * 4, -1, 1, n, k, 4);
        Tensor colours = random(r, n * k * 3, 0.1, 0.9, n, k, 3);
        Tensor opacities = random(r, n * k, 0.3, 0.7, n, k);
        Camera camera = new Camera(perspective, 4);
        GradCheck.assertGradients(
                x -> GaussianSplatting.render(
                        x[0],
                        x[1],
                        x[2].div(x[2].mul(x[2]).sum(new int[] {-1}, true).sqrt()),
                        x[3],
                        x[4],
                        12,
                        20,
                        camera,
                        new double[] {0.2, 0.5, 0.9}),
                centres,
                scales,
                quaternions,
                colours,
                opacities);
    }

    @Test
    void imagesInABatchAreRenderedIndependently() {
        SplittableRandom r = new SplittableRandom(11);
        Tensor centres = random(r, 3 * 5 * 3, -0.8, 0.8, 3, 5, 3);
        Tensor scales = random(r, 3 * 5 * 3, 0.05, 0.5, 3, 5, 3);
        Tensor q = random(r, 3 * 5 * 4, -1, 1, 3, 5, 4);
        q = q.div(q.mul(q).sum(new int[] {-1}, true).sqrt());
        Tensor colours = random(r, 3 * 5 * 3, 0, 1, 3, 5, 3);
        Tensor opacities = random(r, 3 * 5, 0, 1, 3, 5);
        Tensor batch =
                GaussianSplatting.render(centres, scales, q, colours, opacities, 24, 40, Camera.ORTHOGRAPHIC, WHITE);
        Tensor second = GaussianSplatting.render(
                centres.narrow(0, 1, 1),
                scales.narrow(0, 1, 1),
                q.narrow(0, 1, 1),
                colours.narrow(0, 1, 1),
                opacities.narrow(0, 1, 1),
                24,
                40,
                Camera.ORTHOGRAPHIC,
                WHITE);
        assertArrayEquals(
                second.toDoubleArray(), batch.narrow(0, 1, 1).contiguous().toDoubleArray());
    }

    private static Tensor random(SplittableRandom r, int count, double lo, double hi, int... shape) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return Tensor.of(v, shape).to(DType.F64);
    }
}
