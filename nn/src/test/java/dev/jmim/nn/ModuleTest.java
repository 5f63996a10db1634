package dev.jmim.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.nn.optim.ParamGroup;
import dev.jmim.nn.vit.VisionTransformer;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleTest {
    private static VisionTransformer tiny() {
        return new VisionTransformer(VisionTransformer.Config.tinyTest(10), new Generator(1));
    }

    @Test
    void stateDictNamesReadAsTimms() {
        Map<String, Tensor> state = tiny().stateDict();
        for (String key : List.of(
                "patch_embed.proj.weight",
                "patch_embed.proj.bias",
                "cls_token",
                "pos_embed",
                "blocks.0.norm1.weight",
                "blocks.0.attn.qkv.weight",
                "blocks.0.attn.qkv.bias",
                "blocks.1.mlp.fc1.weight",
                "blocks.1.mlp.fc2.bias",
                "norm.bias",
                "head.weight")) {
            assertTrue(state.containsKey(key), key + " missing from " + state.keySet());
        }
        assertArrayEquals(
                new int[] {24, 3, 8, 8}, state.get("patch_embed.proj.weight").shape(), "conv layout");
        assertArrayEquals(
                new int[] {72, 24}, state.get("blocks.0.attn.qkv.weight").shape());
        assertEquals(32, state.size());
    }

    @Test
    void loadReportNamesMissingUnexpectedAndMismatchedKeys() {
        VisionTransformer vit = tiny();
        Map<String, Tensor> state = new java.util.LinkedHashMap<>(tiny().stateDict());
        state.remove("norm.bias");
        state.put("fc_norm.weight", Tensor.ones(24));
        state.put("head.bias", Tensor.zeros(7));
        Tensor before = vit.stateDict().get("cls_token").clone();
        var e = assertThrows(IllegalArgumentException.class, () -> vit.loadStateDict(state, true));
        assertTrue(
                e.getMessage().contains("norm.bias")
                        && e.getMessage().contains("fc_norm.weight")
                        && e.getMessage().contains("head.bias: checkpoint [7], model [10]"),
                e.getMessage());
        assertTrue(vit.stateDict().get("cls_token").allClose(before, 0, 0), "strict failure changes nothing");
        LoadReport report = vit.loadStateDict(state, false);
        assertEquals(List.of("norm.bias"), report.missingKeys());
        assertEquals(List.of("fc_norm.weight"), report.unexpectedKeys());
        assertEquals(1, report.shapeMismatches().size());
        assertTrue(vit.stateDict().get("cls_token").allClose(state.get("cls_token"), 0, 0), "the rest loaded");
    }

    @Test
    void maeWeightDecayRuleSkipsBiasesAndOneDimParametersOnly() {
        ParamGroup[] groups = ParamGroup.maeWeightDecay(tiny().namedParameters(), 0.05);
        assertEquals(0, groups[0].weightDecay());
        assertTrue(groups[0].parameters().containsKey("blocks.0.norm1.weight"));
        assertTrue(groups[0].parameters().containsKey("blocks.0.attn.qkv.bias"));
        assertTrue(groups[1].parameters().containsKey("cls_token"), "3-D tokens decay, as in MAE");
        assertTrue(groups[1].parameters().containsKey("patch_embed.proj.weight"));
        assertEquals(32, groups[0].parameters().size() + groups[1].parameters().size());
    }

    @Test
    void sameSeedSameModel() {
        assertTrue(tiny().stateDict()
                .get("blocks.1.attn.proj.weight")
                .allClose(tiny().stateDict().get("blocks.1.attn.proj.weight"), 0, 0));
    }

    @Test
    void initFollowsTheReferences() {
        Generator g = new Generator(5);
        double bound = Math.sqrt(6.0 / (64 + 192));
        double[] xavier = Init.xavierUniform(g, 192, 64, 192, 64).toDoubleArray();
        assertTrue(java.util.Arrays.stream(xavier).allMatch(v -> Math.abs(v) <= bound));
        double variance =
                java.util.Arrays.stream(xavier).map(v -> v * v).average().orElseThrow();
        assertEquals(bound * bound / 3, variance, 0.05 * bound * bound / 3, "U(-a, a) has variance a²/3");
        double[] bias = Init.defaultBias(g, 48, 1000).toDoubleArray();
        assertTrue(java.util.Arrays.stream(bias).allMatch(v -> Math.abs(v) <= 1 / Math.sqrt(48)));
        Tensor ln = new dev.jmim.nn.layers.LayerNorm(8, 1e-6).stateDict().get("weight");
        assertTrue(ln.allClose(Tensor.ones(8), 0, 0));
    }
}
