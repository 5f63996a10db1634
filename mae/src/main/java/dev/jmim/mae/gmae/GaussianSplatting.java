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
        Tensor w = q.narrow(-1, 0, 1);
        Tensor x = q.narrow(-1, 1, 1);
        Tensor y = q.narrow(-1, 2, 1);
        Tensor z = q.narrow(-1, 3, 1);
        Tensor rotation = Tensor.cat(
                        List.of(
                                y.mul(y).add(z.mul(z)).mul(-2).add(1),
                                x.mul(y).sub(w.mul(z)).mul(2),
                                x.mul(z).add(w.mul(y)).mul(2),
                                x.mul(y).add(w.mul(z)).mul(2),
                                x.mul(x).add(z.mul(z)).mul(-2).add(1),
                                y.mul(z).sub(w.mul(x)).mul(2),
                                x.mul(z).sub(w.mul(y)).mul(2),
                                y.mul(z).add(w.mul(x)).mul(2),
                                x.mul(x).add(y.mul(y)).mul(-2).add(1)),
                        -1)
                .reshape(centres.size(0), centres.size(1), 3, 3);
        Tensor m = rotation.mul(scales.unsqueeze(-2));
        Tensor sigma = m.matmul(m.transpose(-1, -2));
        double fx = camera.perspective() ? camera.distance() * width / 2.0 : width / 2.0;
        double fy = camera.perspective() ? camera.distance() * height / 2.0 : height / 2.0;
        Tensor tx = centres.narrow(-1, 0, 1);
        Tensor ty = centres.narrow(-1, 1, 1);
        Tensor tz = centres.narrow(-1, 2, 1).add(camera.distance());
        Tensor jacobian;
        Tensor mean;
        if (camera.perspective()) {
            Tensor inv = tz.reciprocal();
            Tensor zero = tz.mul(0);
            jacobian = Tensor.cat(
                            List.of(
                                    inv.mul(fx),
                                    zero,
                                    tx.mul(inv).mul(inv).mul(-fx),
                                    zero,
                                    inv.mul(fy),
                                    ty.mul(inv).mul(inv).mul(-fy)),
                            -1)
                    .reshape(centres.size(0), centres.size(1), 2, 3);
            mean = Tensor.cat(
                    List.of(
                            tx.mul(inv).mul(fx).add(width / 2.0),
                            ty.mul(inv).mul(fy).add(height / 2.0)),
                    -1);
        } else {
            jacobian = Tensor.of(new double[] {fx, 0, 0, 0, fy, 0}, 2, 3).to(centres.dtype());
            mean = Tensor.cat(List.of(tx.mul(fx).add(width / 2.0), ty.mul(fy).add(height / 2.0)), -1);
        }
        Tensor sigma2 = jacobian.matmul(sigma).matmul(jacobian.transpose(-1, -2));
        Tensor a = sigma2.narrow(-2, 0, 1).narrow(-1, 0, 1).squeeze(-1).add(0.3);
        Tensor b = sigma2.narrow(-2, 0, 1).narrow(-1, 1, 1).squeeze(-1);
        Tensor c = sigma2.narrow(-2, 1, 1).narrow(-1, 1, 1).squeeze(-1).add(0.3);
        Tensor det = a.mul(c).sub(b.mul(b));
        Tensor conic = Tensor.cat(List.of(c.div(det), b.neg().div(det), a.div(det)), -1);
        return new Projected(mean, conic, tz.squeeze(-1).detach());
    }
}
