package dev.jmim.mae.model;

import dev.jmim.mae.gmae.GaussianSplatting;
import dev.jmim.mae.gmae.Gaussians;
import dev.jmim.mae.recipe.MaskedLoss;
import dev.jmim.mae.recipe.Normalization;
import dev.jmim.mae.recipe.Patches;
import dev.jmim.mae.recipe.PixelTarget;
import dev.jmim.mae.recipe.RandomMasking;
import dev.jmim.nn.Checkpoint;
import dev.jmim.nn.Init;
import dev.jmim.nn.Module;
import dev.jmim.nn.ModuleList;
import dev.jmim.nn.Parameter;
import dev.jmim.nn.layers.Block;
import dev.jmim.nn.layers.LayerNorm;
import dev.jmim.nn.layers.Linear;
import dev.jmim.nn.layers.PatchEmbed;
import dev.jmim.nn.layers.PosEmbed;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.io.SafeTensors;
import dev.jmim.tensor.io.SafeTensorsFile;
import dev.jmim.tensor.random.Generator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The masked autoencoder of He et al. (2022), with the official code's parameter names, so its
 * state dict loads in both directions: a ViT encoder over the visible patches (plus a class token),
 * a light ViT decoder over all L positions (mask tokens where patches were removed), a linear head
 * to p·p·C pixel values per patch, and the loss over removed patches only. Initialised as the
 * official {@code initialize_weights}: fixed 2-D sin-cos position tables, xavier-uniform linears
 * with zero bias, class and mask tokens from N(0, 0.02).
 *
 * <p>Pixio's changes are config knobs ({@link MaeConfig}): k class tokens (the position tables get
 * k leading rows; the decoder carries the k positions and drops their predictions), learned
 * position embeddings from a truncated N(0, 0.02), block masking, and stochastic depth in the
 * encoder, drawn from its own random stream ({@link #setStochasticDepthStep}).
 *
 * <p>GMAE's decoder replaces the pixel decoder when the config asks for Gaussians: k learnable
 * query tokens ("query_tokens") join the projected visible latents (with their decoder position
 * embeddings; the queries carry none), the decoder's outputs for the latents are dropped, and a
 * linear head gives 14 numbers per query ({@link Gaussians}), rendered by {@link
 * GaussianSplatting}. The loss is the MSE of the render against the image in [0, 1] pixels on the
 * removed patches, without norm-pix; {@link Output#pred} holds the render as normalised patches, so
 * the reconstruction tools treat both decoders alike.
 */
public final class MaskedAutoencoder extends Module {
    private static final long STOCHASTIC_DEPTH_STREAM = 0x5D;

    private final MaeConfig config;
    private final PatchEmbed patchEmbed;
    private final Parameter clsToken;
    private final Parameter posEmbed;
    private final ModuleList<Block> blocks;
    private final LayerNorm norm;
    private final Linear decoderEmbed;
    private final Parameter maskToken;
    private final Parameter queryTokens;
    private final Parameter decoderPosEmbed;
    private final ModuleList<Block> decoderBlocks;
    private final LayerNorm decoderNorm;
    private final Linear decoderPred;
    private final Generator stochasticDepth;

    /** The loss, the prediction [N, L, p·p·C], the mask [N, L] (1 = removed) and ids_restore [N, L]. */
    public record Output(Tensor loss, Tensor pred, Tensor mask, Tensor idsRestore) {}

    public MaskedAutoencoder(MaeConfig c, Generator g) {
        this.config = c;
        int k = c.clsTokens();
        this.clsToken = parameter("cls_token", Init.normal(g, 0.02, 1, k, c.dim()));
        this.posEmbed = positions("pos_embed", g, c.dim());
        boolean gaussian = c.gaussians() > 0;
        this.maskToken = gaussian ? null : parameter("mask_token", Init.normal(g, 0.02, 1, 1, c.decoderDim()));
        this.queryTokens =
                gaussian ? parameter("query_tokens", Init.normal(g, 0.02, 1, c.gaussians(), c.decoderDim())) : null;
        this.decoderPosEmbed = positions("decoder_pos_embed", g, c.decoderDim());
        this.patchEmbed = child("patch_embed", new PatchEmbed(g, c.imgSize(), c.patch(), c.inChans(), c.dim()));
        this.stochasticDepth = new Generator(g.seed(), STOCHASTIC_DEPTH_STREAM);
        this.blocks = child("blocks", new ModuleList<>());
        for (int i = 0; i < c.depth(); i++) {
            double rate = c.depth() > 1 ? c.dropPath() * i / (c.depth() - 1) : 0;
            blocks.add(new Block(g, c.dim(), c.heads(), c.mlpRatio(), true, c.eps(), rate, stochasticDepth));
        }
        this.norm = child("norm", new LayerNorm(c.dim(), c.eps()));
        this.decoderEmbed = child("decoder_embed", Linear.xavier(g, c.dim(), c.decoderDim(), true));
        this.decoderBlocks = child("decoder_blocks", new ModuleList<>());
        for (int i = 0; i < c.decoderDepth(); i++) {
            decoderBlocks.add(new Block(g, c.decoderDim(), c.decoderHeads(), c.mlpRatio(), true, c.eps(), 0));
        }
        this.decoderNorm = child("decoder_norm", new LayerNorm(c.decoderDim(), c.eps()));
        int outputs = gaussian ? Gaussians.PARAMETERS : c.patch() * c.patch() * c.inChans();
        this.decoderPred = child("decoder_pred", Linear.xavier(g, c.decoderDim(), outputs, true));
    }

    /** [1, k + L, width]: learned (truncated N(0, 0.02)) or the fixed sin-cos table, k zero rows first. */
    private Parameter positions(String name, Generator g, int width) {
        int k = config.clsTokens();
        if (config.learnedPosEmbed()) {
            return parameter(name, Init.truncNormal(g, 0.02, 1, k + config.numPatches(), width));
        }
        Tensor table = PosEmbed.sinCos2d(width, config.grid(), true);
        if (k > 1) {
            table = Tensor.cat(List.of(Tensor.zeros(table.dtype(), table.device(), 1, k - 1, width), table), 1);
        }
        return frozenParameter(name, table);
    }

    /**
     * Points the encoder's drop-path draws at training step {@code step}: each step has its own
     * stretch of the stream, so a resumed run draws what an uninterrupted one would have.
     */
    public void setStochasticDepthStep(long step) {
        stochasticDepth.setOffset(step << 32);
    }

    /**
     * The model a {@code jmim pretrain} checkpoint holds: its config from the file's metadata, then
     * its weights (strict names, any extra optimizer state ignored).
     */
    public static MaskedAutoencoder fromCheckpoint(Path checkpoint) throws IOException {
        if (!Files.isRegularFile(checkpoint)) {
            throw new IOException("no such checkpoint: " + checkpoint);
        }
        Map<String, String> meta;
        try (SafeTensorsFile file = SafeTensors.open(checkpoint)) {
            meta = Map.copyOf(file.metadata());
        }
        MaskedAutoencoder model = new MaskedAutoencoder(MaeConfig.fromMetadata(meta), new Generator(0));
        Checkpoint.load(checkpoint, model, null, false);
        return model;
    }

    public MaeConfig config() {
        return config;
    }

    /** The encoder's output [N, k + keep, D] (the k class tokens first) and the masking that chose its tokens. */
    public record Encoded(Tensor latent, RandomMasking.Result masking) {}

    /** Encodes images [N, C, H, W], masking with the given noise [N, {@link MaeConfig#maskUnits()}]. */
    public Encoded encode(Tensor images, double maskRatio, Tensor noise) {
        Tensor x = patchEmbed.forward(images);
        int n = x.size(0);
        int length = x.size(1);
        int k = config.clsTokens();
        x = x.add(posEmbed.value().narrow(1, k, length));
        RandomMasking.Result masked = config.maskGrid() == 1
                ? RandomMasking.apply(x, maskRatio, noise)
                : RandomMasking.applyBlocks(x, maskRatio, noise, config.grid(), config.maskGrid());
        Tensor cls = clsToken.value().add(posEmbed.value().narrow(1, 0, k)).expand(n, k, config.dim());
        Tensor h = Tensor.cat(List.of(cls, masked.kept()), 1);
        for (Block block : blocks.modules()) {
            h = block.forward(h);
        }
        return new Encoded(norm.forward(h), masked);
    }

    /** Prediction [N, L, p·p·C] from the encoder output and ids_restore. */
    public Tensor decode(Tensor latent, Tensor idsRestore) {
        Tensor y = decoderEmbed.forward(latent);
        int n = y.size(0);
        int length = idsRestore.size(1);
        int d = config.decoderDim();
        int k = config.clsTokens();
        Tensor tokens = maskToken.value().expand(n, length + k - y.size(1), d);
        Tensor patches = Tensor.cat(List.of(y.narrow(1, k, y.size(1) - k), tokens), 1)
                .gather(1, idsRestore.unsqueeze(-1).expand(n, length, d));
        Tensor h = Tensor.cat(List.of(y.narrow(1, 0, k), patches), 1).add(decoderPosEmbed.value());
        for (Block block : decoderBlocks.modules()) {
            h = block.forward(h);
        }
        return decoderPred.forward(decoderNorm.forward(h)).narrow(1, k, length);
    }

    /** The full pass: mask with noise [N, L], encode, decode, and the loss on the removed patches. */
    public Output forward(Tensor images, double maskRatio, Tensor noise) {
        return forward(images, maskRatio, noise, images);
    }

    /**
     * GMAE's decoder: the Gaussians [N, k, ·] predicted from the encoder output and the positions
     * of its visible patches, idsKeep [N, keep].
     */
    public Gaussians decodeGaussians(Tensor latent, Tensor idsKeep) {
        if (queryTokens == null) {
            throw new IllegalStateException(
                    "this model decodes pixels; a GMAE config (gaussians > 0) decodes Gaussians");
        }
        Tensor y = decoderEmbed.forward(latent);
        int n = y.size(0);
        int k = config.clsTokens();
        int keep = y.size(1) - k;
        int d = config.decoderDim();
        Tensor table = decoderPosEmbed.value();
        Tensor visiblePositions = table.narrow(1, k, config.numPatches())
                .expand(n, config.numPatches(), d)
                .gather(1, idsKeep.unsqueeze(-1).expand(n, keep, d));
        Tensor h = Tensor.cat(
                List.of(
                        y.narrow(1, 0, k).add(table.narrow(1, 0, k)),
                        y.narrow(1, k, keep).add(visiblePositions),
                        queryTokens.value().expand(n, config.gaussians(), d)),
                1);
        for (Block block : decoderBlocks.modules()) {
            h = block.forward(h);
        }
        Tensor raw = decoderPred.forward(decoderNorm.forward(h).narrow(1, k + keep, config.gaussians()));
        return Gaussians.activate(raw, config.gaussianMaxScale());
    }

    /** The fixed camera GMAE renders through. */
    public GaussianSplatting.Camera camera() {
        return new GaussianSplatting.Camera(config.perspective(), GaussianSplatting.Camera.ORTHOGRAPHIC.distance());
    }

    /**
     * As {@link #forward(Tensor, double, Tensor)}, with the target cut from {@code targetImages}
     * (images' shape) instead of the input: PixMIM's low-pass images, for one.
     */
    public Output forward(Tensor images, double maskRatio, Tensor noise, Tensor targetImages) {
        Encoded encoded = encode(images, maskRatio, noise);
        RandomMasking.Result masked = encoded.masking();
        if (queryTokens != null) {
            int s = config.imgSize();
            Tensor render =
                    decodeGaussians(encoded.latent(), masked.idsKeep()).render(s, s, camera(), config.background());
            Tensor loss = MaskedLoss.mse(
                    Patches.patchify(render, config.patch()),
                    Patches.patchify(Normalization.toPixels(targetImages), config.patch()),
                    masked.mask());
            Tensor pred = Patches.patchify(Normalization.fromPixels(render), config.patch());
            return new Output(loss, pred, masked.mask(), masked.idsRestore());
        }
        Tensor pred = decode(encoded.latent(), masked.idsRestore());
        Tensor target = PixelTarget.of(targetImages, config.patch(), config.normPixLoss());
        return new Output(MaskedLoss.mse(pred, target, masked.mask()), pred, masked.mask(), masked.idsRestore());
    }
}
