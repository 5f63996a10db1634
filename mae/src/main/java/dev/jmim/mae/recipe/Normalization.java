package dev.jmim.mae.recipe;

import dev.jmim.mae.data.BatchLoader;
import dev.jmim.tensor.Tensor;

/** Between normalised model inputs and [0, 1] pixels, per channel, on images [..., 3, H, W]. */
public final class Normalization {
    private Normalization() {}

    /** x·std + mean: normalised images back to [0, 1] pixel units. */
    public static Tensor toPixels(Tensor normalized) {
        return normalized.mul(channels(BatchLoader.STD, normalized)).add(channels(BatchLoader.MEAN, normalized));
    }

    /** (x − mean)/std: [0, 1] pixels as the model's inputs are normalised. */
    public static Tensor fromPixels(Tensor pixels) {
        return pixels.sub(channels(BatchLoader.MEAN, pixels)).div(channels(BatchLoader.STD, pixels));
    }

    private static Tensor channels(float[] values, Tensor like) {
        return Tensor.of(values, 3, 1, 1).to(like.device()).to(like.dtype());
    }
}
