package dev.jmim.mae.recipe;

import dev.jmim.tensor.Tensor;

/**
 * MAE's reconstruction target: the patchified (normalised) images, optionally standardised per
 * patch (norm-pix: the patch's mean and unbiased variance, eps 1e-6 inside the square root).
 */
public final class PixelTarget {
    public static final double NORM_PIX_EPS = 1e-6;

    private PixelTarget() {}

    /** images [N, C, H, W] → target [N, L, p·p·C]. */
    public static Tensor of(Tensor images, int patch, boolean normPix) {
        Tensor target = Patches.patchify(images, patch);
        if (!normPix) {
            return target;
        }
        Tensor mean = target.mean(new int[] {-1}, true);
        Tensor variance = target.var(new int[] {-1}, 1, true);
        return target.sub(mean).div(variance.add(NORM_PIX_EPS).sqrt());
    }
}
