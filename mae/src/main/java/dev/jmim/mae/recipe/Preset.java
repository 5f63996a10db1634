package dev.jmim.mae.recipe;

import dev.jmim.mae.data.Augment;
import dev.jmim.mae.model.MaeConfig;
import dev.jmim.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * A pretraining recipe as parts: the model's shape, the augmentation that makes the training image
 * and the images whose patches the decoder reconstructs (norm-pix and the masked loss follow as
 * for MAE). PixMIM = MAE with Simple Resized Crop and the low-frequency target (methods.md §2.1);
 * the model input stays the unfiltered image. Pixio = MAE with several class tokens, learned
 * position embeddings, block masking, stochastic depth and a deeper decoder ({@link
 * MaeConfig#pixio}), RandomResizedCrop without the flip (methods.md §4.1–4.2). GMAE = MAE's
 * encoder and augmentation with a decoder that predicts Gaussians, rendered and compared with the
 * image in pixels, no norm-pix ({@link MaeConfig#gmae}, methods.md §3).
 */
public enum Preset {
    /** RandomResizedCrop (0.2–1, bicubic) + flip; the pixels themselves. */
    MAE,
    /** Simple Resized Crop + flip; the low-pass images ({@link LowFrequencyTarget}). */
    PIXMIM,
    /** RandomResizedCrop (0.2–1, bicubic), no flip; the pixels themselves; Pixio's model shape. */
    PIXIO,
    /** MAE's augmentation; the pixels, rendered from predicted Gaussians. */
    GMAE;

    /** The model named tiny, base, large or huge in this recipe's family (norm-pix as asked). */
    public MaeConfig model(String name, boolean normPix) {
        return switch (this) {
            case PIXIO -> MaeConfig.pixio(name).withNormPix(normPix);
            case GMAE -> MaeConfig.gmae(name); // norm-pix stays off: the paper finds it hurts here
            default -> MaeConfig.named(name, normPix);
        };
    }

    public Augment augment(int size) {
        return switch (this) {
            case MAE, GMAE -> Augment.maePretrain(size);
            case PIXMIM -> Augment.simpleResizedCrop(size);
            case PIXIO -> Augment.pixioPretrain(size);
        };
    }

    /** From the normalised input images [N, 3, size, size] to the images the target is cut from. */
    public UnaryOperator<Tensor> targetImages(int size) {
        if (this != PIXMIM) {
            return UnaryOperator.identity();
        }
        LowFrequencyTarget lowPass = LowFrequencyTarget.forImageSize(size);
        return lowPass::of;
    }

    /** The lower-case name the CLI and checkpoints use. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Preset named(String id) {
        for (Preset p : values()) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preset '" + id + "'; this build has: "
                + String.join(", ", Arrays.stream(values()).map(Preset::id).toList()));
    }
}
