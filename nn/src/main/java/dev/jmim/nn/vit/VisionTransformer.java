package dev.jmim.nn.vit;

import dev.jmim.nn.Init;
import dev.jmim.nn.Module;
import dev.jmim.nn.ModuleList;
import dev.jmim.nn.Parameter;
import dev.jmim.nn.layers.Block;
import dev.jmim.nn.layers.LayerNorm;
import dev.jmim.nn.layers.Linear;
import dev.jmim.nn.layers.PatchEmbed;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.util.List;

/**
 * timm's VisionTransformer (class-token pooling), with timm's state-dict names, so a timm
 * checkpoint loads strictly: patch_embed.proj.*, cls_token, pos_embed, blocks.N.*, norm.*, head.*.
 */
public final class VisionTransformer extends Module {

    /** The knobs of timm's constructor that the MAE family uses. */
    public record Config(
            int imgSize,
            int patch,
            int inChans,
            int numClasses,
            int dim,
            int depth,
            int heads,
            double mlpRatio,
            boolean qkvBias,
            double eps,
            double dropPathRate) {

        /** A 2-block model small enough for tests on this CPU: 32 px, patch 8, width 24, 3 heads. */
        public static Config tinyTest(int numClasses) {
            return new Config(32, 8, 3, numClasses, 24, 2, 3, 4.0, true, 1e-6, 0.0);
        }

        /** ViT-B/16 as MAE fine-tunes and probes it. */
        public static Config base16(int numClasses) {
            return new Config(224, 16, 3, numClasses, 768, 12, 12, 4.0, true, 1e-6, 0.0);
        }
    }

    private final PatchEmbed patchEmbed;
    private final Parameter clsToken;
    private final Parameter posEmbed;
    private final ModuleList<Block> blocks;
    private final LayerNorm norm;
    private final Linear head;

    public VisionTransformer(Config c, Generator g) {
        this.patchEmbed = child("patch_embed", new PatchEmbed(g, c.imgSize(), c.patch(), c.inChans(), c.dim()));
        this.clsToken = parameter("cls_token", Init.normal(g, 0.02, 1, 1, c.dim()));
        this.posEmbed = parameter("pos_embed", Init.truncNormal(g, 0.02, 1, patchEmbed.numPatches() + 1, c.dim()));
        this.blocks = child("blocks", new ModuleList<>());
        for (int i = 0; i < c.depth(); i++) {
            // timm's stochastic-depth rule: rates rise linearly from 0 to dropPathRate over the blocks
            double rate = c.depth() == 1 ? 0 : c.dropPathRate() * i / (c.depth() - 1);
            blocks.add(new Block(g, c.dim(), c.heads(), c.mlpRatio(), c.qkvBias(), c.eps(), rate));
        }
        this.norm = child("norm", new LayerNorm(c.dim(), c.eps()));
        this.head = c.numClasses() > 0
                ? child("head", new Linear(Init.truncNormal(g, 0.02, c.numClasses(), c.dim()), true))
                : null;
    }

    /** images [N, C, H, W] → normed tokens [N, 1 + L, D], class token first. */
    public Tensor forwardFeatures(Tensor images) {
        Tensor x = patchEmbed.forward(images);
        Tensor cls = clsToken.value().expand(x.size(0), 1, x.size(2));
        x = Tensor.cat(List.of(cls, x), 1).add(posEmbed.value());
        for (Block block : blocks.modules()) {
            x = block.forward(x);
        }
        return norm.forward(x);
    }

    /** images → logits [N, classes] from the class token (or its features when there is no head). */
    public Tensor forward(Tensor images) {
        Tensor cls = forwardFeatures(images).select(1, 0);
        return head == null ? cls : head.forward(cls);
    }
}
