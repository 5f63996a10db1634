package dev.jmim.mae.recipe;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Shapes;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.util.List;

/**
 * MAE's per-sample random masking: sort uniform noise, keep the tokens with the smallest
 * {@code keep = int(L·(1 − ratio))} noise values (in that shuffled order), and remember how to
 * undo the shuffle. The noise can be passed in, so a run can be replayed against the reference.
 */
public final class RandomMasking {
    private RandomMasking() {}

    /**
     * kept [N, keep, D] (the visible tokens, shuffled order); mask [N, L] in raster order, 1 where
     * a token was removed; idsRestore [N, L] (I64), the argsort that puts shuffled tokens back.
     */
    public record Result(Tensor kept, Tensor mask, Tensor idsRestore) {}

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
        int d = x.size(2);
        if (noise.dim() != 2 || noise.size(0) != n || noise.size(1) != length) {
            throw new IllegalArgumentException("masking: noise must be [" + n + ", " + length + "] for tokens "
                    + Shapes.format(x.shape()) + ", got " + Shapes.format(noise.shape()));
        }
        int keep = keepCount(length, ratio);
        Tensor idsShuffle = noise.argsort(1, false);
        Tensor idsRestore = idsShuffle.argsort(1, false);
        Tensor idsKeep = idsShuffle.narrow(1, 0, keep);
        Tensor kept = x.gather(1, idsKeep.unsqueeze(-1).expand(n, keep, d));
        Tensor shuffledMask = Tensor.cat(
                List.of(
                        Tensor.zeros(DType.F32, x.device(), n, keep),
                        Tensor.full(1, DType.F32, x.device(), n, length - keep)),
                1);
        return new Result(kept, shuffledMask.gather(1, idsRestore), idsRestore);
    }
}
