package dev.jmim.mae.gmae;

import dev.jmim.autograd.FusedOp;
import dev.jmim.tensor.Backends;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Splatting;
import dev.jmim.tensor.Tensor;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

/**
 * Front-to-back alpha compositing of 2-D Gaussians with the 3D Gaussian Splatting conventions, as
 * one fused autograd op with an analytic backward. Inputs per image n and Gaussian k: the centre in
 * pixels [N, K, 2] (pixel (x, y) is sampled at its centre (x + 0.5, y + 0.5)), the conic — the
 * inverse 2-D covariance (A, B, C) — [N, K, 3], the colour [N, K, 3], the opacity [N, K] and the
 * depth [N, K] (the sort key; no gradient). Output: images [N, 3, H, W].
 *
 * <p>Per pixel, Gaussians in ascending depth: power = −½(A·dx² + C·dy²) − B·dx·dy (skipped when
 * positive), α = min(0.99, o·e^power) (skipped under 1/255); the pixel stops before a Gaussian that
 * would take its transmittance T under 1e-4; colour += c·α·T, T ·= 1 − α; finally colour + T·background.
 * A Gaussian is evaluated on the 16 × 16 tiles its 3σ square touches (σ² the larger eigenvalue of
 * its covariance), as the reference rasteriser culls.
 *
 * <p>The backward walks each pixel's contributors back to front (3DGS's rule: dα_i = T_i·(c_i −
 * S) − T_final·bg/(1 − α_i), S the colour composited behind i) from the final transmittance and
 * the last contributor that the forward kept (each render makes its own op instance). Images are independent: they run on the common pool, each
 * in one task, so results do not depend on the thread count. Computed in double whatever the dtype.
 *
 * <p>F32 inputs on a device whose backend offers a {@link Splatting} kernel (CUDA's, in float) are
 * rasterised there with the same rules; everything else runs here, over host copies.
 */
final class Rasterizer implements FusedOp {
    static final int TILE = 16;
    private static final double MIN_ALPHA = 1.0 / 255;
    private static final double MAX_ALPHA = 0.99;
    private static final double MIN_TRANSMITTANCE = 1e-4;
    /** Wall time spent in this op's forward and backward, all instances: the cost benchmark reads it. */
    static final LongAdder NANOS = new LongAdder();

    private final int height;
    private final int width;
    private final double[] background;
    /** Kept by the forward for the backward (one op instance per render): scenes, final T, list ends. */
    private Scene[] scenes;

    private double[] finalTransmittance;
    private int[] ends;
    /** Kept instead of the above where the device rasterised. */
    private Splatting.Render deviceRender;

    Rasterizer(int height, int width, double[] background) {
        this.height = height;
        this.width = width;
        this.background = background.clone();
    }

    @Override
    public String name() {
        return "gaussian_splatting";
    }

    /**
     * One image's Gaussians and, per tile, the list of those that touch it in depth order; minPower
     * is ln(1/(255·o)), under which a Gaussian's α falls below 1/255 (so e^power need not be taken).
     */
    private record Scene(
            double[] mean, double[] conic, double[] colour, double[] opacity, double[] minPower, int[][] tiles) {}

    private Scene scene(int n, int k, double[][] all) {
        double[] mean = Arrays.copyOfRange(all[0], n * k * 2, (n + 1) * k * 2);
        double[] conic = Arrays.copyOfRange(all[1], n * k * 3, (n + 1) * k * 3);
        double[] colour = Arrays.copyOfRange(all[2], n * k * 3, (n + 1) * k * 3);
        double[] opacity = Arrays.copyOfRange(all[3], n * k, (n + 1) * k);
        double[] depth = Arrays.copyOfRange(all[4], n * k, (n + 1) * k);
        Integer[] order = new Integer[k];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(depth[a], depth[b])); // stable: ties keep index order
        int tilesX = (width + TILE - 1) / TILE;
        int tilesY = (height + TILE - 1) / TILE;
        int[][] lists = new int[tilesX * tilesY][];
        int[] counts = new int[lists.length];
        int[][] boxes = new int[k][];
        for (int g : order) {
            boxes[g] = tileBox(mean[2 * g], mean[2 * g + 1], conic, g, tilesX, tilesY);
            if (boxes[g] != null) {
                for (int ty = boxes[g][1]; ty <= boxes[g][3]; ty++) {
                    for (int tx = boxes[g][0]; tx <= boxes[g][2]; tx++) {
                        counts[ty * tilesX + tx]++;
                    }
                }
            }
        }
        for (int t = 0; t < lists.length; t++) {
            lists[t] = new int[counts[t]];
            counts[t] = 0;
        }
        for (int g : order) {
            if (boxes[g] != null) {
                for (int ty = boxes[g][1]; ty <= boxes[g][3]; ty++) {
                    for (int tx = boxes[g][0]; tx <= boxes[g][2]; tx++) {
                        int t = ty * tilesX + tx;
                        lists[t][counts[t]++] = g;
                    }
                }
            }
        }
        double[] minPower = new double[k];
        for (int g = 0; g < k; g++) {
            minPower[g] = Math.log(MIN_ALPHA / opacity[g]);
        }
        return new Scene(mean, conic, colour, opacity, minPower, lists);
    }

    /** Tiles (x0, y0, x1, y1, inclusive) under the Gaussian's 3σ square; null when none or degenerate. */
    private int[] tileBox(double mx, double my, double[] conic, int g, int tilesX, int tilesY) {
        double a = conic[3 * g];
        double b = conic[3 * g + 1];
        double c = conic[3 * g + 2];
        double det = a * c - b * b;
        if (!(det > 0) || !(a > 0)) {
            return null; // not a positive definite conic: nothing to draw
        }
        double sxx = c / det;
        double syy = a / det;
        double sxy = -b / det;
        double mid = 0.5 * (sxx + syy);
        double lambda = mid + Math.sqrt(Math.max(0.1, mid * mid - (sxx * syy - sxy * sxy)));
        double r = Math.ceil(3 * Math.sqrt(lambda));
        int x0 = (int) Math.floor((mx - r) / TILE);
        int x1 = (int) Math.floor((mx + r) / TILE);
        int y0 = (int) Math.floor((my - r) / TILE);
        int y1 = (int) Math.floor((my + r) / TILE);
        if (x1 < 0 || y1 < 0 || x0 >= tilesX || y0 >= tilesY || !Double.isFinite(r)) {
            return null;
        }
        return new int[] {Math.max(0, x0), Math.max(0, y0), Math.min(tilesX - 1, x1), Math.min(tilesY - 1, y1)};
    }

    /** e^power of Gaussian g at a pixel centre, or −1 where the pixel skips it. */
    private static double gaussian(Scene s, int g, double px, double py) {
        double dx = px - s.mean[2 * g];
        double dy = py - s.mean[2 * g + 1];
        double power = -0.5 * (s.conic[3 * g] * dx * dx + s.conic[3 * g + 2] * dy * dy) - s.conic[3 * g + 1] * dx * dy;
        if (power > 0 || power < s.minPower[g]) {
            return -1;
        }
        double gauss = Math.exp(power);
        return alphaOf(s, g, gauss) < MIN_ALPHA ? -1 : gauss;
    }

    private static double alphaOf(Scene s, int g, double gauss) {
        return Math.min(MAX_ALPHA, s.opacity[g] * gauss);
    }

    /** Gaussian g's α at a pixel centre, or −1 where the pixel skips it. */
    private static double alpha(Scene s, int g, double px, double py) {
        double gauss = gaussian(s, g, px, py);
        return gauss < 0 ? -1 : alphaOf(s, g, gauss);
    }

    private static double[][] doubles(Tensor[] in) {
        double[][] all = new double[5][];
        for (int i = 0; i < 5; i++) {
            all[i] = in[i].contiguous().toDoubleArray();
        }
        return all;
    }

    @Override
    public Tensor forward(Tensor... in) {
        Optional<Splatting> kernel = Backends.forDevice(in[0].device()).splatting();
        if (kernel.isPresent() && Arrays.stream(in).allMatch(t -> t.dtype() == DType.F32)) {
            long started = System.nanoTime();
            deviceRender = kernel.get()
                    .render(
                            in[0].contiguous(),
                            in[1].contiguous(),
                            in[2].contiguous(),
                            in[3].contiguous(),
                            in[4].contiguous(),
                            height,
                            width,
                            background);
            NANOS.add(System.nanoTime() - started);
            return deviceRender.image();
        }
        return hostForward(in);
    }

    private Tensor hostForward(Tensor... in) {
        long started = System.nanoTime();
        int n = in[0].size(0);
        int k = in[0].size(1);
        double[][] all = doubles(in);
        int plane = height * width;
        double[] out = new double[n * 3 * plane];
        scenes = new Scene[n];
        finalTransmittance = new double[n * plane];
        ends = new int[n * plane];
        IntStream.range(0, n).parallel().forEach(i -> {
            Scene s = scene(i, k, all);
            scenes[i] = s;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int[] list = s.tiles[(y / TILE) * ((width + TILE - 1) / TILE) + x / TILE];
                    double t = 1;
                    double c0 = 0;
                    double c1 = 0;
                    double c2 = 0;
                    int end = 0;
                    for (int p = 0; p < list.length; p++) {
                        int g = list[p];
                        double alpha = alpha(s, g, x + 0.5, y + 0.5);
                        if (alpha < 0) {
                            continue;
                        }
                        double next = t * (1 - alpha);
                        if (next < MIN_TRANSMITTANCE) {
                            break;
                        }
                        double weight = alpha * t;
                        c0 += s.colour[3 * g] * weight;
                        c1 += s.colour[3 * g + 1] * weight;
                        c2 += s.colour[3 * g + 2] * weight;
                        t = next;
                        end = p + 1;
                    }
                    int pixel = y * width + x;
                    finalTransmittance[i * plane + pixel] = t;
                    ends[i * plane + pixel] = end;
                    out[(i * 3) * plane + pixel] = c0 + t * background[0];
                    out[(i * 3 + 1) * plane + pixel] = c1 + t * background[1];
                    out[(i * 3 + 2) * plane + pixel] = c2 + t * background[2];
                }
            }
        });
        Tensor image = Tensor.of(out, n, 3, height, width).to(in[0].dtype()).to(in[0].device());
        NANOS.add(System.nanoTime() - started);
        return image;
    }

    @Override
    public Tensor[] backward(Tensor[] in, Tensor output, Tensor gradOutput) {
        if (deviceRender != null) {
            long started = System.nanoTime();
            Tensor[] grads = deviceRender.backward(gradOutput);
            NANOS.add(System.nanoTime() - started);
            return new Tensor[] {grads[0], grads[1], grads[2], grads[3], null};
        }
        long started = System.nanoTime();
        int n = in[0].size(0);
        int k = in[0].size(1);
        double[] grad = gradOutput.contiguous().toDoubleArray();
        double[] dMean = new double[n * k * 2];
        double[] dConic = new double[n * k * 3];
        double[] dColour = new double[n * k * 3];
        double[] dOpacity = new double[n * k];
        if (scenes == null) {
            hostForward(in); // the backward of an instance whose forward did not run here
        }
        IntStream.range(0, n).parallel().forEach(i -> {
            Scene s = scenes[i];
            int plane = height * width;
            int base = i * k;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int[] list = s.tiles[(y / TILE) * ((width + TILE - 1) / TILE) + x / TILE];
                    double px = x + 0.5;
                    double py = y + 0.5;
                    int end = ends[i * plane + y * width + x];
                    double finalT = finalTransmittance[i * plane + y * width + x];
                    double t = finalT;
                    double[] g = new double[3];
                    double bgDot = 0;
                    for (int ch = 0; ch < 3; ch++) {
                        g[ch] = grad[(i * 3 + ch) * plane + y * width + x];
                        bgDot += background[ch] * g[ch];
                    }
                    double[] behind = new double[3];
                    for (int p = end - 1; p >= 0; p--) {
                        int gi = list[p];
                        double gauss = gaussian(s, gi, px, py);
                        if (gauss < 0) {
                            continue;
                        }
                        double alpha = alphaOf(s, gi, gauss);
                        double ti = t / (1 - alpha);
                        double dAlpha = -finalT * bgDot / (1 - alpha);
                        for (int ch = 0; ch < 3; ch++) {
                            double colour = s.colour[3 * gi + ch];
                            dColour[3 * (base + gi) + ch] += alpha * ti * g[ch];
                            dAlpha += ti * (colour - behind[ch]) * g[ch];
                            behind[ch] = alpha * colour + (1 - alpha) * behind[ch];
                        }
                        t = ti;
                        double o = s.opacity[gi];
                        double dx = px - s.mean[2 * gi];
                        double dy = py - s.mean[2 * gi + 1];
                        double a = s.conic[3 * gi];
                        double b = s.conic[3 * gi + 1];
                        double c = s.conic[3 * gi + 2];
                        if (o * gauss >= MAX_ALPHA) {
                            continue; // clamped: α does not move with o or the shape
                        }
                        dOpacity[base + gi] += gauss * dAlpha;
                        double dPower = o * gauss * dAlpha;
                        dMean[2 * (base + gi)] += dPower * (a * dx + b * dy);
                        dMean[2 * (base + gi) + 1] += dPower * (c * dy + b * dx);
                        dConic[3 * (base + gi)] += dPower * -0.5 * dx * dx;
                        dConic[3 * (base + gi) + 1] += dPower * -dx * dy;
                        dConic[3 * (base + gi) + 2] += dPower * -0.5 * dy * dy;
                    }
                }
            }
        });
        DType dtype = in[0].dtype();
        NANOS.add(System.nanoTime() - started);
        Device device = in[0].device(); // a device without a kernel (or a dtype it lacks) rasterises here
        return new Tensor[] {
            Tensor.of(dMean, n, k, 2).to(dtype).to(device),
            Tensor.of(dConic, n, k, 3).to(in[1].dtype()).to(device),
            Tensor.of(dColour, n, k, 3).to(in[2].dtype()).to(device),
            Tensor.of(dOpacity, n, k).to(in[3].dtype()).to(device),
            null
        };
    }
}
