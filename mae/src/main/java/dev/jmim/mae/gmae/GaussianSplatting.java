package dev.jmim.mae.gmae;

import dev.jmim.autograd.Autograd;
import dev.jmim.tensor.Tensor;
import java.util.List;

/**
 * Differentiable rendering of 3-D Gaussians through a fixed camera. World coordinates: the image
 * spans [−1, 1] in x (columns) and y (rows, downwards) on the plane z = 0; the camera sits at z = −d
 * looking along +z, so depth is z + d and smaller z is nearer. Orthographic by default (centre
 * (fx·x + cx, fy·y + cy) with fx = W/2, fy = H/2), or perspective (fx·x/(z + d) + cx with fx =
 * d·W/2, the same framing at z = 0), each with its Jacobian J for the EWA projection Σ₂ = J·Σ·Jᵀ
 * + 0.3·I (the reference's anti-aliasing dilation, in pixels²).
 *
 * <p>The per-Gaussian part — Σ = R·S·Sᵀ·Rᵀ from the unit quaternion (w, x, y, z) and the scales,
 * the projection, the conic Σ₂⁻¹ — is K-sized and written as tensor ops, so autograd derives it;
 * the per-pixel part, where the cost is, is the fused {@link Rasterizer} with its analytic backward.
 */
public final class GaussianSplatting {
    private GaussianSplatting() {}

    /** Nanoseconds spent rasterising (forward and backward) in this JVM so far: for cost measurements. */
    public static long rasterizerNanos() {
        return Rasterizer.NANOS.sum();
    }

    /** The fixed camera: perspective or orthographic, at distance d from the plane z = 0. */
    public record Camera(boolean perspective, double distance) {
        public static final Camera ORTHOGRAPHIC = new Camera(false, 5);

        public Camera {
            if (!(distance > 1)) {
                throw new IllegalArgumentException(
                        "camera distance must exceed 1 (centres lie in [−1, 1]³), got " + distance);
            }
        }
    }

    /**
     * Images [N, 3, H, W] of Gaussians with centres [N, K, 3], scales [N, K, 3] (world units),
     * unit quaternions [N, K, 4] (w first), colours [N, K, 3] and opacities [N, K], over a
     * background colour (3 values).
     */
    public static Tensor render(
            Tensor centres,
            Tensor scales,
            Tensor quaternions,
            Tensor colours,
            Tensor opacities,
            int height,
            int width,
            Camera camera,
            double[] background) {
        Projected p = project(centres, scales, quaternions, height, width, camera);
        return Autograd.apply(
                new Rasterizer(height, width, background), p.means(), p.conics(), colours, opacities, p.depths());
    }

    /** Pixel centres [N, K, 2], conics (A, B, C) [N, K, 3] and depths [N, K] (detached). */
    record Projected(Tensor means, Tensor conics, Tensor depths) {}

    static Projected project(Tensor centres, Tensor scales, Tensor q, int height, int width, Camera camera) {
        // every quantity is per Gaussian, [N, K]: elementwise ops, no batches of 3 × 3 matmuls
        Tensor w = q.narrow(-1, 0, 1).squeeze(-1);
        Tensor x = q.narrow(-1, 1, 1).squeeze(-1);
        Tensor y = q.narrow(-1, 2, 1).squeeze(-1);
        Tensor z = q.narrow(-1, 3, 1).squeeze(-1);
        Tensor[][] r = {
            {
                y.mul(y).add(z.mul(z)).mul(-2).add(1),
                x.mul(y).sub(w.mul(z)).mul(2),
                x.mul(z).add(w.mul(y)).mul(2)
            },
            {
                x.mul(y).add(w.mul(z)).mul(2),
                x.mul(x).add(z.mul(z)).mul(-2).add(1),
                y.mul(z).sub(w.mul(x)).mul(2)
            },
            {
                x.mul(z).sub(w.mul(y)).mul(2),
                y.mul(z).add(w.mul(x)).mul(2),
                x.mul(x).add(y.mul(y)).mul(-2).add(1)
            }
        };
        Tensor[] m = new Tensor[9]; // M = R·diag(s), row-major
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                m[3 * i + j] = r[i][j].mul(scales.narrow(-1, j, 1).squeeze(-1));
            }
        }
        double fx = camera.perspective() ? camera.distance() * width / 2.0 : width / 2.0;
        double fy = camera.perspective() ? camera.distance() * height / 2.0 : height / 2.0;
        Tensor tx = centres.narrow(-1, 0, 1).squeeze(-1);
        Tensor ty = centres.narrow(-1, 1, 1).squeeze(-1);
        Tensor tz = centres.narrow(-1, 2, 1).squeeze(-1).add(camera.distance());
        // the two rows of J = [[j00, 0, j02], [0, j11, j12]] and the centre in pixels
        Tensor j00;
        Tensor j02;
        Tensor j11;
        Tensor j12;
        Tensor u;
        Tensor v;
        if (camera.perspective()) {
            Tensor inv = tz.reciprocal();
            j00 = inv.mul(fx);
            j11 = inv.mul(fy);
            j02 = tx.mul(inv).mul(inv).mul(-fx);
            j12 = ty.mul(inv).mul(inv).mul(-fy);
            u = tx.mul(inv).mul(fx).add(width / 2.0);
            v = ty.mul(inv).mul(fy).add(height / 2.0);
        } else {
            j00 = null;
            j02 = null;
            j11 = null;
            j12 = null;
            u = tx.mul(fx).add(width / 2.0);
            v = ty.mul(fy).add(height / 2.0);
        }
        // Σ₂ = J·Σ·Jᵀ with Σ = M·Mᵀ: each J row times M, then the dot products of those rows
        Tensor[] a = new Tensor[3];
        Tensor[] b = new Tensor[3];
        for (int col = 0; col < 3; col++) {
            a[col] = j00 == null ? m[col].mul(fx) : m[col].mul(j00).add(m[6 + col].mul(j02));
            b[col] = j11 == null ? m[3 + col].mul(fy) : m[3 + col].mul(j11).add(m[6 + col].mul(j12));
        }
        Tensor s00 = dot(a, a).add(0.3);
        Tensor s01 = dot(a, b);
        Tensor s11 = dot(b, b).add(0.3);
        Tensor det = s00.mul(s11).sub(s01.mul(s01));
        Tensor conic = Tensor.stack(List.of(s11.div(det), s01.neg().div(det), s00.div(det)), -1);
        return new Projected(Tensor.stack(List.of(u, v), -1), conic, tz.detach());
    }

    private static Tensor dot(Tensor[] p, Tensor[] q) {
        return p[0].mul(q[0]).add(p[1].mul(q[1])).add(p[2].mul(q[2]));
    }
}
