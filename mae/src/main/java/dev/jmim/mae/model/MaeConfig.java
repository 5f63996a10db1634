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

    /** The config written by {@link #toMetadata}; names the first missing key. */
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
                Boolean.parseBoolean(get.apply("normPixLoss")));
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
     * 8 × 8 grid, L = 64, 16 visible at ratio 0.75), encoder 128 wide × 4 blocks × 4 heads, decoder
     * 64 × 2 × 2, norm-pix loss: about 0.13 GFLOP per image for a forward and backward pass.
     */
    public static MaeConfig tiny() {
        return new MaeConfig(32, 4, 3, 128, 4, 4, 64, 2, 2, 4.0, 1e-6, true);
    }

    /** A config by name: tiny, base, large or huge. */
    public static MaeConfig named(String name, boolean normPix) {
        return switch (name) {
            case "tiny" -> normPix ? tiny() : withNormPix(tiny(), false);
            case "base" -> base(normPix);
            case "large" -> large(normPix);
            case "huge" -> huge(normPix);
            default ->
                throw new IllegalArgumentException("unknown model '" + name + "'; choose tiny, base, large or huge");
        };
    }

    private static MaeConfig withNormPix(MaeConfig c, boolean normPix) {
        return new MaeConfig(
                c.imgSize,
                c.patch,
                c.inChans,
                c.dim,
                c.depth,
                c.heads,
                c.decoderDim,
                c.decoderDepth,
                c.decoderHeads,
                c.mlpRatio,
                c.eps,
                normPix);
    }
}
