package dev.jmim.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.autograd.Autograd;
import dev.jmim.nn.layers.DropPath;
import dev.jmim.nn.layers.Dropout;
import dev.jmim.nn.layers.Losses;
import dev.jmim.nn.optim.AdamW;
import dev.jmim.nn.optim.GradClip;
import dev.jmim.nn.optim.LrSchedule;
import dev.jmim.nn.optim.ParamGroup;
import dev.jmim.nn.optim.Sgd;
import dev.jmim.nn.vit.VisionTransformer;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingPartsTest {
    @TempDir
    Path dir;

    @Test
    void maeScheduleWarmsUpFromZeroThenFollowsAHalfCosine() {
        LrSchedule s = LrSchedule.maeCosine(1e-3, 1e-5, 40, 400);
        assertEquals(0, s.at(0));
        assertEquals(0.5e-3, s.at(20), 1e-15);
        assertEquals(1e-3, s.at(40), 1e-15);
        assertEquals(1e-5 + (1e-3 - 1e-5) * 0.5, s.at(220), 1e-15, "halfway down the cosine");
        assertEquals(1e-5, s.at(400), 1e-15);
        LrSchedule w = LrSchedule.linearWarmupCosine(1e-3, 0, 1e-4, 10, 100);
        assertEquals(1e-7, w.at(0), 1e-18);
        assertEquals(1e-3, w.at(10), 1e-15);
    }

    @Test
    void sgdWithMomentumMatchesItsFormula() {
        Parameter p = new Parameter(Tensor.of(new float[] {1, -2}), true);
        Sgd sgd = new Sgd(0.9, false, new ParamGroup(Map.of("p", p), 0.1, 1));
        float[] g = {0.5f, 1f};
        double[] expected = {1, -2};
        double[] buffer = new double[2];
        for (int t = 0; t < 3; t++) {
            p.zeroGrad();
            Autograd.backward(p.value().mul(Tensor.of(g)).sum());
            sgd.step(0.01);
            for (int i = 0; i < 2; i++) {
                double d = g[i] + 0.1 * expected[i];
                buffer[i] = 0.9 * buffer[i] + d;
                expected[i] -= 0.01 * buffer[i];
            }
            float[] got = p.value().toFloatArray();
            for (int i = 0; i < 2; i++) {
                assertEquals(expected[i], got[i], 1e-6, "step " + t + " element " + i);
            }
        }
    }

    @Test
    void gradClipScalesToTheMaxNormAndReportsTheTotal() {
        Parameter a = new Parameter(Tensor.zeros(2), true);
        Parameter b = new Parameter(Tensor.zeros(1), true);
        Autograd.backward(a.value()
                .mul(Tensor.of(new float[] {3, 0}))
                .sum()
                .add(b.value().mul(4).sum()));
        double total = GradClip.clipGlobalNorm(List.of(a, b), 1.0);
        assertEquals(5, total, 1e-6);
        assertEquals(0.6, a.grad().toFloatArray()[0], 1e-5);
        assertEquals(0.8, b.grad().toFloatArray()[0], 1e-5);
    }

    @Test
    void dropoutAndDropPathAreIdentityInEvalAndUnbiasedInTraining() {
        Generator g = new Generator(9);
        Dropout dropout = new Dropout(0.25, g);
        DropPath dropPath = new DropPath(0.25, g);
        Tensor x = Tensor.ones(4000, 1);
        dropout.train(false);
        dropPath.train(false);
        assertSame(x, dropout.forward(x));
        assertSame(x, dropPath.forward(x));
        dropout.train(true);
        dropPath.train(true);
        for (Tensor y : List.of(dropout.forward(x), dropPath.forward(x))) {
            assertEquals(1, y.mean().item(), 0.05, "scaled by 1/(1-p): the mean is kept");
            double dropped = y.eq(0).to(dev.jmim.tensor.DType.F32).mean().item();
            assertEquals(0.25, dropped, 0.03);
        }
    }

    @Test
    void maskedMeanMseAveragesOverMaskedPatchesOnly() {
        Tensor pred = Tensor.of(new float[] {1, 1, 3, 3}, 1, 2, 2);
        Tensor target = Tensor.zeros(1, 2, 2);
        assertEquals(
                9,
                Losses.maskedMeanMse(pred, target, Tensor.of(new float[] {0, 1}, 1, 2))
                        .item(),
                1e-6);
        assertEquals(
                5,
                Losses.maskedMeanMse(pred, target, Tensor.of(new float[] {1, 1}, 1, 2))
                        .item(),
                1e-6);
        assertEquals(5, Losses.mse(pred, target).item(), 1e-6);
    }

    @Test
    void checkpointResumesModelAndOptimizerExactly() throws Exception {
        VisionTransformer.Config c = VisionTransformer.Config.tinyTest(3);
        Tensor images = Tensor.randn(new Generator(3), 2, 3, 32, 32);
        Tensor labels = Tensor.of(new long[] {0, 2});
        VisionTransformer model = new VisionTransformer(c, new Generator(1));
        AdamW opt = new AdamW(0.9, 0.95, 1e-8, ParamGroup.maeWeightDecay(model.namedParameters(), 0.05));
        trainStep(model, opt, images, labels);
        Path file = dir.resolve("ckpt.safetensors");
        Checkpoint.save(file, model, opt, Map.of("epoch", "1"));

        VisionTransformer resumed = new VisionTransformer(c, new Generator(99));
        AdamW resumedOpt = new AdamW(0.9, 0.95, 1e-8, ParamGroup.maeWeightDecay(resumed.namedParameters(), 0.05));
        assertEquals(Map.of("epoch", "1"), Checkpoint.load(file, resumed, resumedOpt, true));
        trainStep(model, opt, images, labels);
        trainStep(resumed, resumedOpt, images, labels);
        model.stateDict()
                .forEach((k, v) -> assertTrue(v.allClose(resumed.stateDict().get(k), 0, 0), k));
        assertEquals(2, resumedOpt.steps());
    }

    private static void trainStep(VisionTransformer model, AdamW opt, Tensor images, Tensor labels) {
        try (var _ = dev.jmim.tensor.Scope.open()) {
            Autograd.backward(Losses.crossEntropy(model.forward(images), labels, 0.1));
            opt.step(1e-3);
            opt.zeroGrad();
        }
    }
}
