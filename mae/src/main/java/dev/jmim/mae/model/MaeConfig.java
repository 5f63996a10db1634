package dev.jmim.mae.model;

/**
 * The shape of a masked autoencoder: image and patch size, the ViT encoder, the lighter decoder,
 * and whether the target is standardised per patch (norm-pix).
 */
public record MaeConfig(
        int imgSize,
        int patch,
        int inChans,
        int dim,
        int depth,
        int heads,
        int decoderDim,
        int decoderDepth,
        int decoderHeads,
        double mlpRatio,
        double eps,
        boolean normPixLoss) {

    public MaeConfig {
        if (imgSize % patch != 0) {
            throw new IllegalArgumentException("image size " + imgSize + " is not a multiple of the patch " + patch);
        }
        if (dim % heads != 0 || decoderDim % decoderHeads != 0) {
            throw new IllegalArgumentException("widths must divide into heads: encoder " + dim + "/" + heads
                    + ", decoder " + decoderDim + "/" + decoderHeads);
        }
        if (dim % 4 != 0 || decoderDim % 4 != 0) {
            throw new IllegalArgumentException(
                    "the 2-D sin-cos embedding needs widths divisible by 4, got " + dim + " and " + decoderDim);
        }
    }

    /** Patches per side. */
    public int grid() {
        return imgSize / patch;
    }

    /** Patches per image, L. */
    public int numPatches() {
        return grid() * grid();
    }

    /** mae_vit_base_patch16: 224 px, 768 × 12 blocks × 12 heads; decoder 512 × 8 × 16. */
    public static MaeConfig base(boolean normPix) {
        return new MaeConfig(224, 16, 3, 768, 12, 12, 512, 8, 16, 4.0, 1e-6, normPix);
    }

    /** mae_vit_large_patch16: 1024 × 24 × 16; decoder 512 × 8 × 16. */
    public static MaeConfig large(boolean normPix) {
        return new MaeConfig(224, 16, 3, 1024, 24, 16, 512, 8, 16, 4.0, 1e-6, normPix);
    }

    /** mae_vit_huge_patch14: 1280 × 32 × 16, patch 14; decoder 512 × 8 × 16. */
    public static MaeConfig huge(boolean normPix) {
        return new MaeConfig(224, 14, 3, 1280, 32, 16, 512, 8, 16, 4.0, 1e-6, normPix);
    }

    /**
     * MAE-tiny, sized to pretrain on a 2-core CPU in minutes: 32 px images in 4-pixel patches (an
     * 8 × 8 grid, L = 64, 16 visible at ratio 0.75), encoder 192 × 6 blocks × 3 heads, decoder
     * 128 × 2 × 4, norm-pix loss. About 0.4 GFLOP per image for a forward and backward pass.
     */
    public static MaeConfig tiny() {
        return new MaeConfig(32, 4, 3, 192, 6, 3, 128, 2, 4, 4.0, 1e-6, true);
    }
}
