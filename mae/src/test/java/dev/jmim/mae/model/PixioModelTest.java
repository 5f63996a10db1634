package dev.jmim.mae.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.mae.recipe.Preset;
import dev.jmim.mae.recipe.RandomMasking;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Pixio knobs of the masked autoencoder: shapes, parameters, stochastic depth, metadata. */
class PixioModelTest {
    private static final MaeConfig TINY = MaeConfig.pixio("tiny");

    @Test
    void tinyPixioEncodesKClassTokensAndFourVisibleBlocks() {
        MaskedAutoencoder model = new MaskedAutoencoder(TINY, new Generator(1));
        Tensor images = Tensor.randn(new Generator(2), 2, 3, 32, 32);
        assertEquals(16, TINY.maskUnits(), "2 × 2 blocks of an 8 × 8 grid");
        Tensor noise = RandomMasking.noise(new Generator(3), 2, TINY.maskUnits());
        MaskedAutoencoder.Encoded encoded = model.encode(images, 0.75, noise);
        assertArrayEquals(new int[] {2, 4 + 16, 128}, encoded.latent().shape(), "4 class tokens + 4 blocks of 4");
        MaskedAutoencoder.Output out = model.forward(images, 0.75, noise);
        assertArrayEquals(new int[] {2, 64, 48}, out.pred().shape());
        assertTrue(Double.isFinite(out.loss().item()));

        Map<String, ?> named = model.namedParameters();
        assertTrue(named.containsKey("pos_embed") && named.containsKey("decoder_pos_embed"), "learned positions");
        assertArrayEquals(
                new int[] {1, 4 + 64, 128},
                model.namedParameters().get("pos_embed").value().shape());
        assertArrayEquals(
                new int[] {1, 4, 128},
                model.namedParameters().get("cls_token").value().shape());
        assertEquals(4, TINY.decoderDepth());
    }

    @Test
    void stochasticDepthDrawsPerStepAndOnlyWhileTraining() {
        MaskedAutoencoder model = new MaskedAutoencoder(TINY, new Generator(1));
        Tensor images = Tensor.randn(new Generator(2), 8, 3, 32, 32);
        Tensor noise = RandomMasking.noise(new Generator(3), 8, TINY.maskUnits());
        model.setStochasticDepthStep(5);
        double first = model.forward(images, 0.75, noise).loss().item();
        model.setStochasticDepthStep(5);
        assertEquals(first, model.forward(images, 0.75, noise).loss().item(), "the same step draws the same");
        model.setStochasticDepthStep(6);
        assertNotEquals(first, model.forward(images, 0.75, noise).loss().item(), "another step drops others");
        model.train(false);
        double eval = model.forward(images, 0.75, noise).loss().item();
        model.setStochasticDepthStep(9);
        assertEquals(eval, model.forward(images, 0.75, noise).loss().item(), "no dropping in eval mode");
    }

    /** Pictures and scores come from the eval-mode model; the caller's training mode comes back. */
    @Test
    void reconstructionsDoNotDropPaths() {
        MaskedAutoencoder model = new MaskedAutoencoder(TINY, new Generator(1));
        java.util.List<dev.jmim.mae.data.RgbImage> images =
                java.util.List.of(new dev.jmim.mae.data.SyntheticShapes(1, 32, 2).get(0));
        Tensor noise = RandomMasking.noise(new Generator(3), 1, TINY.maskUnits());
        model.setStochasticDepthStep(1);
        float[] first = dev.jmim.mae.train.Reconstructions.panels(model, images, 0.75, noise)
                .reconstruction();
        model.setStochasticDepthStep(2);
        float[] second = dev.jmim.mae.train.Reconstructions.panels(model, images, 0.75, noise)
                .reconstruction();
        assertArrayEquals(first, second);
        assertTrue(model.isTraining());
    }

    @Test
    void theConfigTravelsInCheckpointMetadataAndOldCheckpointsReadAsMae() {
        assertEquals(TINY, MaeConfig.fromMetadata(TINY.toMetadata()));
        Map<String, String> old = new java.util.HashMap<>(MaeConfig.tiny().toMetadata());
        old.keySet().removeIf(k -> k.matches("config\\.(clsTokens|learnedPosEmbed|maskGrid|dropPath)"));
        assertEquals(MaeConfig.tiny(), MaeConfig.fromMetadata(old));
        assertEquals(TINY, Preset.PIXIO.model("tiny", true));
        assertEquals(MaeConfig.tiny(), Preset.MAE.model("tiny", true));
        MaeConfig huge = Preset.PIXIO.model("huge", true);
        assertEquals(256, huge.imgSize());
        assertEquals(8, huge.clsTokens());
        assertEquals(4, huge.maskGrid());
        assertEquals(32, huge.decoderDepth());
        assertEquals(0.4, huge.dropPath());
    }
}
