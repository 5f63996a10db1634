package dev.jmim.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.autograd.Autograd;
import dev.jmim.nn.layers.BatchNorm1d;
import dev.jmim.nn.layers.Block;
import dev.jmim.nn.layers.Losses;
import dev.jmim.nn.layers.PosEmbed;
import dev.jmim.nn.optim.AdamW;
import dev.jmim.nn.optim.Lars;
import dev.jmim.nn.optim.Optimizer;
import dev.jmim.nn.optim.ParamGroup;
import dev.jmim.nn.vit.VisionTransformer;
import dev.jmim.tensor.Compare;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.io.SafeTensors;
import dev.jmim.tensor.random.Generator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * jmim's nn against PyTorch and timm 1.0 on the golden files of src/test/python/make_golden.py:
 * outputs, every parameter gradient, optimizer trajectories and the sin-cos table, each within
 * 1e-5 relative error (max|Δ| / max|reference| per tensor) in F32.
 */
class NnGoldenTest {
    private static final Path DIR = Path.of("src/test/resources/golden");
    private static final double TOLERANCE = 1e-5;

    private static void assertClose(String what, Tensor reference, Tensor actual) {
        double relative = Compare.relativeError(actual, reference);
        System.out.printf("%s: relative error %.2e%n", what, relative);
        assertTrue(relative <= TOLERANCE, what + ": relative error " + relative + " > " + TOLERANCE);
    }

    private static Map<String, Tensor> withPrefix(Map<String, Tensor> all, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** Loads the reference's parameters, runs forward and backward, compares output and gradients. */
    private static void compareModule(String name, Module module, Function<Tensor, Tensor> forward) throws IOException {
        Map<String, Tensor> golden = SafeTensors.load(DIR.resolve(name + ".safetensors"));
        module.loadStateDict(withPrefix(golden, "param."), true);
        Tensor x = Autograd.requiresGrad(golden.get("x"));
        Tensor y = forward.apply(x);
        assertClose(name + " output", golden.get("y"), y);
        Autograd.backward(y.mul(golden.get("w")).sum());
        assertClose(name + " grad of the input", golden.get("grad.x"), Autograd.grad(x));
        module.namedParameters()
                .forEach((param, p) ->
                        assertClose(name + " grad of " + param, golden.get("grad.param." + param), p.grad()));
    }

    @Test
    void aTimmBlockGivesTheSameOutputAndGradients() throws IOException {
        Block block = new Block(new Generator(0), 24, 3, 4.0, true, 1e-6, 0);
        compareModule("block", block, block::forward);
    }

    @Test
    void aTimmVisionTransformerStateDictLoadsStrictlyAndGivesTheSameLogitsAndGradients() throws IOException {
        VisionTransformer vit = new VisionTransformer(VisionTransformer.Config.tinyTest(10), new Generator(0));
        LoadReport report = vit.loadStateDict(SafeTensors.load(DIR.resolve("vit_tiny.safetensors")), true);
        assertTrue(report.clean(), report.toString());
        compareModule("vit_tiny_io", vit, vit::forward);
    }

    @Test
    void adamWAndLarsFollowPyTorchForThreeSteps() throws IOException {
        Map<String, Tensor> golden = SafeTensors.load(DIR.resolve("optim.safetensors"));
        Parameter adamWeight = new Parameter(golden.get("p0.weight"), true);
        Parameter adamBias = new Parameter(golden.get("p0.bias"), true);
        Optimizer adamw = new AdamW(
                0.9,
                0.95,
                1e-8,
                new ParamGroup(Map.of("weight", adamWeight), 0.05, 1),
                new ParamGroup(Map.of("bias", adamBias), 0, 1));
        Parameter larsWeight = new Parameter(golden.get("p0.weight"), true);
        Parameter larsBias = new Parameter(golden.get("p0.bias"), true);
        Map<String, Parameter> larsParams = new LinkedHashMap<>();
        larsParams.put("weight", larsWeight);
        larsParams.put("bias", larsBias);
        Optimizer lars = new Lars(0.9, 0.001, 1e-4, new ParamGroup(larsParams, 0, 1));
        for (int t = 1; t <= 3; t++) {
            setGradient(adamWeight, golden.get("g" + t + ".weight"));
            setGradient(adamBias, golden.get("g" + t + ".bias"));
            setGradient(larsWeight, golden.get("g" + t + ".weight"));
            setGradient(larsBias, golden.get("g" + t + ".bias"));
            adamw.step(1e-2);
            lars.step(0.1);
            assertClose("AdamW step " + t + " weight", golden.get("adamw" + t + ".weight"), adamWeight.value());
            assertClose("AdamW step " + t + " bias", golden.get("adamw" + t + ".bias"), adamBias.value());
            assertClose("LARS step " + t + " weight", golden.get("lars" + t + ".weight"), larsWeight.value());
            assertClose("LARS step " + t + " bias", golden.get("lars" + t + ".bias"), larsBias.value());
        }
    }

    /** Makes p's gradient exactly g: d/dp Σ p·g = g. */
    private static void setGradient(Parameter p, Tensor g) {
        p.zeroGrad();
        Autograd.backward(p.value().mul(g).sum());
    }

    @Test
    void crossEntropyWithAndWithoutLabelSmoothing() throws IOException {
        Map<String, Tensor> golden = SafeTensors.load(DIR.resolve("losses.safetensors"));
        for (String key : new String[] {"ce", "ce_ls"}) {
            Tensor logits = Autograd.requiresGrad(golden.get("logits").clone());
            Tensor loss = Losses.crossEntropy(logits, golden.get("labels"), key.equals("ce") ? 0 : 0.1);
            assertClose(key, golden.get(key), loss.reshape(1));
            Autograd.backward(loss);
            assertClose(key + " grad", golden.get("grad." + key), Autograd.grad(logits));
        }
    }

    @Test
    void batchNormTrainsRunningStatisticsAndEvaluatesWithThem() throws IOException {
        Map<String, Tensor> golden = SafeTensors.load(DIR.resolve("batchnorm.safetensors"));
        for (String key : new String[] {"plain", "affine"}) {
            BatchNorm1d bn = new BatchNorm1d(6, 1e-6, key.equals("affine"));
            if (key.equals("affine")) {
                bn.loadStateDict(
                        Map.of(
                                "weight",
                                golden.get("affine.weight"),
                                "bias",
                                golden.get("affine.bias"),
                                "running_mean",
                                Tensor.zeros(6),
                                "running_var",
                                Tensor.ones(6),
                                "num_batches_tracked",
                                Tensor.zeros(dev.jmim.tensor.DType.I64, dev.jmim.tensor.Device.CPU)),
                        true);
            }
            bn.train(true);
            assertClose(key + " train output", golden.get(key + ".train_out"), bn.forward(golden.get("x")));
            assertClose(
                    key + " running mean",
                    golden.get(key + ".running_mean"),
                    bn.stateDict().get("running_mean"));
            assertClose(
                    key + " running var",
                    golden.get(key + ".running_var"),
                    bn.stateDict().get("running_var"));
            bn.train(false);
            assertClose(key + " eval output", golden.get(key + ".eval_out"), bn.forward(golden.get("x2")));
        }
    }

    @Test
    void sinCosTableMatchesTheOfficialFormula() throws IOException {
        Map<String, Tensor> golden = SafeTensors.load(DIR.resolve("sincos.safetensors"));
        assertClose("sin-cos D16 G4 cls", golden.get("d16_g4_cls"), PosEmbed.sinCos2d(16, 4, true));
        assertClose("sin-cos D24 G3", golden.get("d24_g3"), PosEmbed.sinCos2d(24, 3, false));
    }
}
