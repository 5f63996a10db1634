package dev.jmim.mae.model;

/**
 * The shape of a masked autoencoder: image and patch size, the ViT encoder, the lighter decoder,
 * whether the target is standardised per patch (norm-pix), and Pixio's knobs: how many class
 * tokens, learned (instead of fixed sin-cos) position embeddings, the side of the square groups of
 * patches masked together (1 = MAE's per-patch masking) and the encoder's stochastic depth (the
 * last block's drop-path rate; rates rise linearly from 0 at the first block); and GMAE's: how many
 * Gaussians the decoder predicts (0 = MAE's pixel decoder), their largest scale c (scale =
 * c·sigmoid), the camera (orthographic, or perspective) and the grey level of the background.
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
        boolean normPixLoss,
        int clsTokens,
        boolean learnedPosEmbed,
        int maskGrid,
        double dropPath,
        int gaussians,
        double gaussianMaxScale,
        boolean perspective,
        double background) {

    /** MAE's config: one class token, sin-cos position tables, per-patch masking, no stochastic depth. */
    public MaeConfig(
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
        this(
                imgSize,
                patch,
                inChans,
                dim,
                depth,
                heads,
                decoderDim,
                decoderDepth,
                decoderHeads,
                mlpRatio,
                eps,
                normPixLoss,
                1,
                false,
                1,
                0.0,
                0,
                1.0,
                false,
                1.0);
    }

    public MaeConfig {
        if (imgSize % patch != 0) {
            throw new IllegalArgumentException("image size " + imgSize + " is not a multiple of the patch " + patch);
        }
        if (dim % heads != 0 || decoderDim % decoderHeads != 0) {
            throw new IllegalArgumentException("widths must divide into heads: encoder " + dim + "/" + heads
                    + ", decoder " + decoderDim + "/" + decoderHeads);
        }
        if (!learnedPosEmbed && (dim % 4 != 0 || decoderDim % 4 != 0)) {
            throw new IllegalArgumentException(
                    "the 2-D sin-cos embedding needs widths divisible by 4, got " + dim + " and " + decoderDim);
        }
        if (clsTokens < 1 || maskGrid < 1 || (imgSize / patch) % maskGrid != 0) {
            throw new IllegalArgumentException("need at least one class token and a mask grid that divides the "
                    + (imgSize / patch) + " patches per side; got " + clsTokens + " tokens, grid " + maskGrid);
        }
        if (!(dropPath >= 0 && dropPath < 1)) {
            throw new IllegalArgumentException("the drop-path rate must be in [0, 1), got " + dropPath);
        }
        if (gaussians < 0 || !(gaussianMaxScale > 0) || !(background >= 0 && background <= 1)) {
            throw new IllegalArgumentException("Gaussians >= 0 (0: the pixel decoder), a positive largest scale and a"
                    + " background in [0, 1] needed; got " + gaussians + ", " + gaussianMaxScale + ", " + background);
        }
    }

    /** This config with Pixio's knobs set. */
    public MaeConfig withPixio(int clsTokens, boolean learnedPosEmbed, int maskGrid, double dropPath) {
        return new MaeConfig(
                imgSize,
                patch,
                inChans,
                dim,
                depth,
                heads,
                decoderDim,
                decoderDepth,
                decoderHeads,
                mlpRatio,
                eps,
                normPixLoss,
                clsTokens,
                learnedPosEmbed,
                maskGrid,
                dropPath,
                gaussians,
                gaussianMaxScale,
                perspective,
                background);
    }

    /** This config with a Gaussian decoder of that many query tokens (GMAE), or the pixel decoder for 0. */
    public MaeConfig withGaussians(int gaussians, double maxScale, boolean perspective, double background) {
        return new MaeConfig(
                imgSize,
                patch,
                inChans,
                dim,
                depth,
                heads,
                decoderDim,
                decoderDepth,
                decoderHeads,
                mlpRatio,
                eps,
                normPixLoss,
                clsTokens,
                learnedPosEmbed,
                maskGrid,
                dropPath,
                gaussians,
                maxScale,
                perspective,
                background);
    }

    /** The config as checkpoint metadata ("config.dim" → "192", …), so a checkpoint rebuilds its model. */
    public java.util.Map<String, String> toMetadata() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        for (var component : MaeConfig.class.getRecordComponents()) {
            try {
                m.put(
                        "config." + component.getName(),
                        String.valueOf(component.getAccessor().invoke(this)));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return m;
    }

    /**
     * The config written by {@link #toMetadata}; names the first missing key. Checkpoints from before
     * Pixio's knobs existed get MAE's values for them.
     */
    public static MaeConfig fromMetadata(java.util.Map<String, String> m) {
        java.util.function.Function<String, String> get = key -> {
            String v = m.get("config." + key);
            if (v == null) {
                throw new IllegalArgumentException(
                        "the checkpoint's metadata has no config." + key + "; it was not written by jmim pretrain");
            }
            return v;
        };
        return new MaeConfig(
                Integer.parseInt(get.apply("imgSize")),
                Integer.parseInt(get.apply("patch")),
                Integer.parseInt(get.apply("inChans")),
                Integer.parseInt(get.apply("dim")),
                Integer.parseInt(get.apply("depth")),
                Integer.parseInt(get.apply("heads")),
                Integer.parseInt(get.apply("decoderDim")),
                Integer.parseInt(get.apply("decoderDepth")),
                Integer.parseInt(get.apply("decoderHeads")),
                Double.parseDouble(get.apply("mlpRatio")),
                Double.parseDouble(get.apply("eps")),
                Boolean.parseBoolean(get.apply("normPixLoss")),
                Integer.parseInt(m.getOrDefault("config.clsTokens", "1")),
                Boolean.parseBoolean(m.getOrDefault("config.learnedPosEmbed", "false")),
                Integer.parseInt(m.getOrDefault("config.maskGrid", "1")),
                Double.parseDouble(m.getOrDefault("config.dropPath", "0")),
                Integer.parseInt(m.getOrDefault("config.gaussians", "0")),
                Double.parseDouble(m.getOrDefault("config.gaussianMaxScale", "1")),
                Boolean.parseBoolean(m.getOrDefault("config.perspective", "false")),
                Double.parseDouble(m.getOrDefault("config.background", "1")));
    }

    /** Patches per side. */
    public int grid() {
        return imgSize / patch;
    }

    /** Patches per image, L. */
    public int numPatches() {
        return grid() * grid();
    }

    /** What masking draws one noise value for: patches, or maskGrid × maskGrid groups of them. */
    public int maskUnits() {
        return numPatches() / (maskGrid * maskGrid);
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
     * 8 × 8 grid, L = 64, 16 visible at ratio 0.75), encoder 128 wide × 4 blocks × 4 heads, decoder
     * 64 × 2 × 2, norm-pix loss: about 0.13 GFLOP per image for a forward and backward pass.
     */
    public static MaeConfig tiny() {
        return new MaeConfig(32, 4, 3, 128, 4, 4, 64, 2, 2, 4.0, 1e-6, true);
    }

    /**
     * Pixio's encoder of a given size (B/16 768 × 12 × 12, L/16 1024 × 24 × 16, H/16 1280 × 32 × 16)
     * with its pretraining decoder 512 × 32 × 16, 256 px, 8 class tokens, learned position
     * embeddings, 4 × 4 block masking, drop path 0.4, norm-pix; or {@code tiny}: 32 px in 4-pixel
     * patches, encoder 128 × 4 × 4, a decoder twice MAE-tiny's depth (64 × 4 × 2), 4 class tokens
     * and 2 × 2 blocks — 16 blocks per image, 4 of them visible, as the reference's 256 px grid —
     * and drop path 0.1, which suits a model this small better than 0.4.
     */
    public static MaeConfig pixio(String name) {
        return switch (name) {
            case "tiny" -> new MaeConfig(32, 4, 3, 128, 4, 4, 64, 4, 2, 4.0, 1e-6, true).withPixio(4, true, 2, 0.1);
            case "base" ->
                new MaeConfig(256, 16, 3, 768, 12, 12, 512, 32, 16, 4.0, 1e-6, true).withPixio(8, true, 4, 0.4);
            case "large" ->
                new MaeConfig(256, 16, 3, 1024, 24, 16, 512, 32, 16, 4.0, 1e-6, true).withPixio(8, true, 4, 0.4);
            case "huge" ->
                new MaeConfig(256, 16, 3, 1280, 32, 16, 512, 32, 16, 4.0, 1e-6, true).withPixio(8, true, 4, 0.4);
            default ->
                throw new IllegalArgumentException("unknown model '" + name + "'; choose tiny, base, large or huge");
        };
    }

    /**
     * GMAE's: MAE's encoder of that name (tiny, base, large, huge) and decoder shape — the paper
     * calls it lightweight without its size — predicting 256 Gaussians (scale at most 1.0, the
     * paper's best; an orthographic camera; a white background), without norm-pix, which the
     * paper finds hurts here.
     */
    public static MaeConfig gmae(String name) {
        return named(name, false).withGaussians(256, 1.0, false, 1.0);
    }

    /** A config by name: tiny, base, large or huge. */
    public static MaeConfig named(String name, boolean normPix) {
        return switch (name) {
            case "tiny" -> tiny().withNormPix(normPix);
            case "base" -> base(normPix);
            case "large" -> large(normPix);
            case "huge" -> huge(normPix);
            default ->
                throw new IllegalArgumentException("unknown model '" + name + "'; choose tiny, base, large or huge");
        };
    }

    /** This config with the norm-pix target on or off. */
    public MaeConfig withNormPix(boolean normPix) {
        return new MaeConfig(
                imgSize,
                patch,
                inChans,
                dim,
                depth,
                heads,
                decoderDim,
                decoderDepth,
                decoderHeads,
                mlpRatio,
                eps,
                normPix,
                clsTokens,
                learnedPosEmbed,
                maskGrid,
                dropPath,
                gaussians,
                gaussianMaxScale,
                perspective,
                background);
    }
}
