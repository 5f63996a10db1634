package dev.jmim.mae.gmae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.autograd.Autograd;
import dev.jmim.mae.data.SyntheticShapes;
import dev.jmim.mae.model.MaeConfig;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.mae.recipe.RandomMasking;
import dev.jmim.nn.Parameter;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The masked autoencoder with GMAE's Gaussian decoder, and the zero-shot layers built on it. */
class GmaeModelTest {
    private static final MaeConfig SMALL =
            new MaeConfig(16, 4, 3, 16, 1, 2, 8, 1, 2, 2.0, 1e-6, false).withGaussians(12, 1.0, false, 1.0);

    @Test
    void predictsGaussiansRendersThemAndLearnsThroughTheRenderer() {
        MaskedAutoencoder model = new MaskedAutoencoder(SMALL, new Generator(1));
        Map<String, Parameter> params = model.namedParameters();
        assertTrue(params.containsKey("query_tokens") && !params.containsKey("mask_token"));
        assertArrayEquals(
                new int[] {14, 8}, params.get("decoder_pred.weight").value().shape());
        Tensor images = Tensor.randn(new Generator(2), 2, 3, 16, 16);
        MaskedAutoencoder.Output out = model.forward(images, 0.75, RandomMasking.noise(new Generator(3), 2, 16));
        assertArrayEquals(new int[] {2, 16, 48}, out.pred().shape(), "the render as normalised patches");
        assertTrue(out.loss().item() > 0 && Double.isFinite(out.loss().item()));
        Autograd.backward(out.loss());
        for (String name : new String[] {"query_tokens", "decoder_pred.weight", "blocks.0.attn.qkv.weight"}) {
            double[] g = Autograd.grad(params.get(name).value()).toDoubleArray();
            assertTrue(java.util.Arrays.stream(g).anyMatch(v -> v != 0), name + " receives a gradient");
        }
        MaskedAutoencoder.Encoded encoded = model.encode(images, 0.75, RandomMasking.noise(new Generator(3), 2, 16));
        Gaussians gs = model.decodeGaussians(encoded.latent(), encoded.masking().idsKeep());
        double[] scales = gs.scales().toDoubleArray();
        assertTrue(java.util.Arrays.stream(scales).allMatch(v -> v > 0 && v < 1), "scales in (0, c)");
        double[] q = gs.rotations().toDoubleArray();
        for (int i = 0; i < q.length; i += 4) {
            assertEquals(1, q[i] * q[i] + q[i + 1] * q[i + 1] + q[i + 2] * q[i + 2] + q[i + 3] * q[i + 3], 1e-5);
        }
        assertEquals(SMALL, MaeConfig.fromMetadata(SMALL.toMetadata()));
    }

    @Test
    void layersCoverTheGaussiansNearestFirst() {
        MaskedAutoencoder model = new MaskedAutoencoder(SMALL, new Generator(1));
        Layers.Result r = Layers.of(model, new SyntheticShapes(1, 16, 4).get(0), 3, 0.05);
        assertEquals(3, r.layers().size());
        assertArrayEquals(
                r.full().toFloatArray(), r.partial().get(2).toFloatArray(), "all layers together are the full render");
        for (int p = 0; p < r.layerOfPixel().length; p++) {
            assertTrue(r.layerOfPixel()[p] >= 0 && r.layerOfPixel()[p] <= 3);
            if (r.figure()[p] > 0) {
                assertEquals(1, r.layerOfPixel()[p], "a figure pixel is one the nearest layer changes");
            }
        }
        var pixels = new MaskedAutoencoder(MaeConfig.tiny(), new Generator(1));
        var e = assertThrows(
                IllegalArgumentException.class, () -> Layers.of(pixels, new SyntheticShapes(1, 32, 4).get(0), 3, 0.1));
        assertFalse(e.getMessage().isEmpty());
        assertTrue(e.getMessage().startsWith("layers need a GMAE checkpoint"), e.getMessage());
    }
}
