package dev.jmim.nn.layers;

import dev.jmim.nn.Init;
import dev.jmim.nn.Module;
import dev.jmim.nn.Parameter;
import dev.jmim.tensor.Shapes;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;

/**
 * timm's PatchEmbed: a stride-p, kernel-p convolution, computed as patch extraction + matmul. The
 * weight is stored as the conv's [D, C, p, p] (key {@code proj.weight}) so checkpoints move between
 * frameworks; output tokens are in raster order of the patch grid.
 */
public final class PatchEmbed extends Module {
    private final int imgSize;
    private final int patch;
    private final int inChans;
    private final int dim;
    private final Projection proj;

    /** The conv's parameters under the child name {@code proj}. */
    private static final class Projection extends Module {
        final Parameter weight;
        final Parameter bias;

        Projection(Tensor weight, Tensor bias) {
            this.weight = parameter("weight", weight);
            this.bias = parameter("bias", bias);
        }
    }

    /** MAE's init: xavier-uniform on the weight viewed as [D, C·p²]; PyTorch's default conv bias. */
    public PatchEmbed(Generator g, int imgSize, int patch, int inChans, int dim) {
        if (imgSize % patch != 0) {
            throw new IllegalArgumentException(
                    "patch embed: image size " + imgSize + " is not a multiple of patch " + patch);
        }
        this.imgSize = imgSize;
        this.patch = patch;
        this.inChans = inChans;
        this.dim = dim;
        int fanIn = inChans * patch * patch;
        this.proj = child(
                "proj",
                new Projection(
                        Init.xavierUniform(g, dim, fanIn, dim, fanIn).reshape(dim, inChans, patch, patch),
                        Init.defaultBias(g, fanIn, dim)));
    }

    public int numPatches() {
        return (imgSize / patch) * (imgSize / patch);
    }

    /** x [N, C, H, W] → [N, L, D]. */
    public Tensor forward(Tensor x) {
        if (x.dim() != 4 || x.size(1) != inChans || x.size(2) != imgSize || x.size(3) != imgSize) {
            throw new IllegalArgumentException("patch embed: expected [N, " + inChans + ", " + imgSize + ", " + imgSize
                    + "] images, got " + Shapes.format(x.shape()));
        }
        int n = x.size(0);
        int grid = imgSize / patch;
        int fanIn = inChans * patch * patch;
        // [N, C, h, p, w, p] → [N, h, w, C, p, p]: each patch flattened as the conv weight is (c, i, j)
        Tensor patches = x.reshape(n, inChans, grid, patch, grid, patch)
                .permute(0, 2, 4, 1, 3, 5)
                .reshape(n, grid * grid, fanIn);
        return patches.matmul(proj.weight.value().reshape(dim, fanIn).mT()).add(proj.bias.value());
    }
}
