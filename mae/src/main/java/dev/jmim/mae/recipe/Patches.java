package dev.jmim.mae.recipe;

import dev.jmim.tensor.Shapes;
import dev.jmim.tensor.Tensor;

/**
 * MAE's patchify and its inverse. Images [N, C, H, W] become [N, L, p·p·C] with L = (H/p)·(W/p)
 * patches in raster order and, inside a patch, row, then column, then channel (channel fastest),
 * as the official code orders them. Both are views and permutes, so gradients flow through.
 */
public final class Patches {
    private Patches() {}

    public static Tensor patchify(Tensor images, int patch) {
        if (images.dim() != 4 || images.size(2) % patch != 0 || images.size(3) % patch != 0) {
            throw new IllegalArgumentException(
                    "patchify: images must be [N, C, H, W] with H and W multiples of the patch " + patch + ", got "
                            + Shapes.format(images.shape()));
        }
        int n = images.size(0);
        int c = images.size(1);
        int h = images.size(2) / patch;
        int w = images.size(3) / patch;
        return images.reshape(n, c, h, patch, w, patch)
                .permute(0, 2, 4, 3, 5, 1)
                .reshape(n, h * w, patch * patch * c);
    }

    /** [N, h·w, p·p·C] → [N, C, h·p, w·p] for a grid of h × w patches. */
    public static Tensor unpatchify(Tensor patches, int patch, int channels, int h, int w) {
        if (patches.dim() != 3 || patches.size(1) != h * w || patches.size(2) != patch * patch * channels) {
            throw new IllegalArgumentException("unpatchify: expected [N, " + h * w + ", " + patch * patch * channels
                    + "] for a " + h + "×" + w + " grid of " + channels + "-channel " + patch + "-pixel patches, got "
                    + Shapes.format(patches.shape()));
        }
        int n = patches.size(0);
        return patches.reshape(n, h, w, patch, patch, channels)
                .permute(0, 5, 1, 3, 2, 4)
                .reshape(n, channels, h * patch, w * patch);
    }
}
