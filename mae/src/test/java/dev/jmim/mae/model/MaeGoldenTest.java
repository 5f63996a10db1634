package dev.jmim.mae.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.autograd.Autograd;
import dev.jmim.nn.LoadReport;
import dev.jmim.tensor.Compare;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.io.SafeTensors;
import dev.jmim.tensor.random.Generator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A 2-block MAE against PyTorch (src/test/python/make_golden.py, written from the official
 * models_mae.py semantics with timm's Block): same state dict, images and masking noise give the
 * same ids_restore and mask exactly, and the same prediction, loss and gradient of every
 * parameter within 1e-5 relative error (max|Δ| / max|reference| per tensor, F32).
 */
class MaeGoldenTest {
    private static final double TOLERANCE = 1e-5;

    @Test
    void lossPredictionAndEveryGradientMatchTheReference() throws IOException {
        Map<String, Tensor> golden = SafeTensors.load(Path.of("src/test/resources/golden/mae_tiny.safetensors"));
        MaeConfig config = new MaeConfig(32, 8, 3, 24, 2, 3, 16, 2, 2, 4.0, 1e-6, true);
        MaskedAutoencoder model = new MaskedAutoencoder(config, new Generator(0));
        Map<String, Tensor> state = new LinkedHashMap<>();
        golden.forEach((k, v) -> {
            if (k.startsWith("param.")) {
                state.put(k.substring("param.".length()), v);
            }
        });
        LoadReport report = model.loadStateDict(state, true);
        assertTrue(report.clean(), report.toString());

        MaskedAutoencoder.Output out = model.forward(golden.get("imgs"), 0.75, golden.get("noise"));
        assertArrayEquals(
                golden.get("ids_restore").toLongArray(), out.idsRestore().toLongArray(), "ids_restore");
        assertArrayEquals(golden.get("mask").toFloatArray(), out.mask().toFloatArray(), "mask");
        assertClose("pred", golden.get("pred"), out.pred());
        assertClose("loss", golden.get("loss"), out.loss());

        Autograd.backward(out.loss());
        int compared = 0;
        for (var e : model.namedParameters().entrySet()) {
            if (e.getValue().trainable()) {
                assertClose(
                        "grad of " + e.getKey(),
                        golden.get("grad.param." + e.getKey()),
                        e.getValue().grad());
                compared++;
            }
        }
        long expected = golden.keySet().stream()
                .filter(k -> k.startsWith("grad.param."))
                .count();
        assertTrue(compared == expected, "compared " + compared + " gradients; the reference has " + expected);
    }

    private static void assertClose(String what, Tensor reference, Tensor actual) {
        assertTrue(actual != null, what + " is missing");
        double relative = Compare.relativeError(actual, reference);
        assertTrue(relative <= TOLERANCE, what + ": relative error " + relative + " > " + TOLERANCE);
    }
}
