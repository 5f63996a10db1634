package dev.jmim.mae.recipe;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Shapes;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.util.List;

/**
 * MAE's per-sample random masking: sort uniform noise, keep the tokens with the smallest
 * {@code keep = int(L·(1 − ratio))} noise values (in that shuffled order), and remember how to
 * undo the shuffle. Pixio's block masking does the same over g × g groups of patches: one noise
 * value per group, int(groups·(1 − ratio)) groups kept, each group's patches in raster order. The
 * noise can be passed in, so a run can be replayed against the reference.
 */
public final class RandomMasking {
    private RandomMasking() {}

    /**
     * kept [N, keep, D] (the visible tokens, shuffled order); mask [N, L] in raster order, 1 where
     * a token was removed; idsRestore [N, L] (I64), the argsort that puts shuffled tokens back;
     * idsKeep [N, keep] (I64), the raster positions of the kept tokens.
     */
    public record Result(Tensor kept, Tensor mask, Tensor idsRestore, Tensor idsKeep) {}

    /** Tokens kept at this ratio: int(L·(1 − ratio)), truncated as the reference does (in double). */
    public static int keepCount(int length, double ratio) {
        if (!(ratio >= 0 && ratio < 1)) {
            throw new IllegalArgumentException("mask ratio must be in [0, 1), got " + ratio);
        }
        return (int) (length * (1.0 - ratio));
    }

    /** Uniform [0, 1) noise [N, L] from the generator: the reference's torch.rand(N, L). */
    public static Tensor noise(Generator generator, int n, int length) {
        return Tensor.rand(generator, n, length);
    }

    /** Masks tokens x [N, L, D] with the given noise [N, L]. */
    public static Result apply(Tensor x, double ratio, Tensor noise) {
        int n = x.size(0);
        int length = x.size(1);
        requireNoise(noise, n, length, x);
        return keepFirst(x, noise.argsort(1, false), keepCount(length, ratio));
    }

    /**
     * Masks the tokens x [N, L, D] of a grid × grid patch image in blocks of g × g patches, with
     * noise [N, (grid/g)²]: blocks (by, bx) in raster order, block b's patches (by·g + dy)·grid +
     * bx·g + dx with (dy, dx) in raster order. g = 1 is {@link #apply}.
     */
    public static Result applyBlocks(Tensor x, double ratio, Tensor noise, int grid, int g) {
        int n = x.size(0);
        int length = x.size(1);
        if (g < 1 || grid % g != 0 || grid * grid != length) {
            throw new IllegalArgumentException("block masking: " + length + " tokens are not a " + grid + " × " + grid
                    + " grid of " + g + " × " + g + " blocks");
        }
        int side = grid / g;
        int blocks = side * side;
        requireNoise(noise, n, blocks, x);
        long[] patchesOfBlock = new long[length];
        for (int b = 0; b < blocks; b++) {
            for (int k = 0; k < g * g; k++) {
                patchesOfBlock[b * g * g + k] = (long) ((b / side) * g + k / g) * grid + (b % side) * g + k % g;
            }
        }
        Tensor table = Tensor.of(patchesOfBlock, blocks, g * g).to(x.device());
        Tensor idsShuffle =
                table.indexSelect(0, noise.argsort(1, false).flatten()).reshape(n, length);
        return keepFirst(x, idsShuffle, keepCount(blocks, ratio) * g * g);
    }

    private static void requireNoise(Tensor noise, int n, int units, Tensor x) {
        if (noise.dim() != 2 || noise.size(0) != n || noise.size(1) != units) {
            throw new IllegalArgumentException("masking: noise must be [" + n + ", " + units + "] for tokens "
                    + Shapes.format(x.shape()) + ", got " + Shapes.format(noise.shape()));
        }
    }

    /** Keeps the first keep tokens of the shuffle idsShuffle [N, L] (I64). */
    private static Result keepFirst(Tensor x, Tensor idsShuffle, int keep) {
        int n = x.size(0);
        int length = x.size(1);
        int d = x.size(2);
        Tensor idsRestore = idsShuffle.argsort(1, false);
        Tensor idsKeep = idsShuffle.narrow(1, 0, keep);
        Tensor kept = x.gather(1, idsKeep.unsqueeze(-1).expand(n, keep, d));
        Tensor shuffledMask = Tensor.cat(
                List.of(
                        Tensor.zeros(DType.F32, x.device(), n, keep),
                        Tensor.full(1, DType.F32, x.device(), n, length - keep)),
                1);
        return new Result(kept, shuffledMask.gather(1, idsRestore), idsRestore, idsKeep);
    }
}
