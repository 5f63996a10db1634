package dev.jmim.mae.gmae;

import dev.jmim.tensor.Tensor;

/**
 * A batch of 3-D Gaussians, activated: centres in (−1, 1)³ (tanh), scales in (0, c) (c·sigmoid),
 * unit quaternions (w, x, y, z), colours and opacities in (0, 1) (sigmoid); shapes [N, K, 3],
 * [N, K, 3], [N, K, 4], [N, K, 3] and [N, K].
 */
public record Gaussians(Tensor centres, Tensor scales, Tensor rotations, Tensor colours, Tensor opacities) {
    /** Numbers per Gaussian the decoder head predicts: centre 3, scale 3, rotation 4, colour 3, opacity 1. */
    public static final int PARAMETERS = 14;

    /** From the decoder head's raw outputs [N, K, 14], in the order above, with the largest scale c. */
    public static Gaussians activate(Tensor raw, double maxScale) {
        Tensor q = raw.narrow(-1, 6, 4);
        return new Gaussians(
                raw.narrow(-1, 0, 3).tanh(),
                raw.narrow(-1, 3, 3).sigmoid().mul(maxScale),
                q.div(q.mul(q).sum(new int[] {-1}, true).sqrt().add(1e-8)),
                raw.narrow(-1, 10, 3).sigmoid(),
                raw.narrow(-1, 13, 1).squeeze(-1).sigmoid());
    }

    public int count() {
        return centres.size(1);
    }

    /** Images [N, 3, height, width] in [0, 1] over a grey background of that level. */
    public Tensor render(int height, int width, GaussianSplatting.Camera camera, double background) {
        return GaussianSplatting.render(
                centres, scales, rotations, colours, opacities, height, width, camera, new double[] {
                    background, background, background
                });
    }

    /** The Gaussians at positions index [N, M] (I64) of each image. */
    public Gaussians select(Tensor index) {
        int n = index.size(0);
        int m = index.size(1);
        return new Gaussians(
                centres.gather(1, index.unsqueeze(-1).expand(n, m, 3)),
                scales.gather(1, index.unsqueeze(-1).expand(n, m, 3)),
                rotations.gather(1, index.unsqueeze(-1).expand(n, m, 4)),
                colours.gather(1, index.unsqueeze(-1).expand(n, m, 3)),
                opacities.gather(1, index));
    }
}
