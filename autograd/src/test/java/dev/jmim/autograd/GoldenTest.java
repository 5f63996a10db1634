package dev.jmim.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.tensor.Compare;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * jmim against PyTorch on the golden files of src/test/python/make_golden.py: the output and every
 * gradient in F32 within 1e-5 relative error, measured per tensor as max|jmim − torch| / max|torch|.
 */
class GoldenTest {
    private static final Path DIR = Path.of("src/test/resources/golden");
    private static final double TOLERANCE = 1e-5;

    private static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return x.matmul(weight.mT()).add(bias);
    }

    private static Function<Map<String, Tensor>, Tensor> forward(String name, boolean fused) {
        return switch (name) {
            case "mlp" ->
                t -> linear(
                        linear(t.get("x"), t.get("fc1_weight"), t.get("fc1_bias"))
                                .gelu(),
                        t.get("fc2_weight"),
                        t.get("fc2_bias"));
            case "attention" ->
                t -> {
                    Tensor x = t.get("x"); // [B, N, C] = [2, 5, 12], 3 heads of 4
                    Tensor qkv = linear(x, t.get("qkv_weight"), t.get("qkv_bias"))
                            .reshape(2, 5, 3, 3, 4)
                            .permute(2, 0, 3, 1, 4);
                    Tensor scores =
                            qkv.select(0, 0).matmul(qkv.select(0, 1).mT()).mul(Math.pow(4, -0.5));
                    Tensor attn = fused ? FusedOps.softmax(scores, -1) : scores.softmax(-1);
                    Tensor merged =
                            attn.matmul(qkv.select(0, 2)).transpose(1, 2).reshape(2, 5, 12);
                    return linear(merged, t.get("proj_weight"), t.get("proj_bias"));
                };
            case "layer_norm" ->
                t -> fused
                        ? FusedOps.layerNorm(t.get("x"), new int[] {10}, t.get("weight"), t.get("bias"), 1e-6)
                        : t.get("x").layerNorm(new int[] {10}, t.get("weight"), t.get("bias"), 1e-6);
            case "softmax" ->
                t -> fused ? FusedOps.softmax(t.get("x"), -1) : t.get("x").softmax(-1);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mlp", "attention", "layer_norm", "softmax"})
    void matchesPyTorchThroughPrimitives(String name) throws IOException {
        compare(name, false);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"attention", "layer_norm", "softmax"})
    void matchesPyTorchThroughFusedOps(String name) throws IOException {
        compare(name, true);
    }

    private static void compare(String name, boolean fused) throws IOException {
        Map<String, Tensor> golden = SafeTensors.load(DIR.resolve(name + ".safetensors"));
        Map<String, Tensor> leaves = new LinkedHashMap<>();
        golden.forEach((key, value) -> {
            if (!key.equals("w") && !key.equals("y") && !key.startsWith("grad.")) {
                assertEquals(DType.F32, value.dtype(), key);
                leaves.put(key, Autograd.requiresGrad(value));
            }
        });
        Tensor y = forward(name, fused).apply(leaves);
        assertClose(name + " output", golden.get("y"), y);
        Autograd.backward(y.mul(golden.get("w")).sum());
        for (Map.Entry<String, Tensor> leaf : leaves.entrySet()) {
            assertClose(
                    name + " grad of " + leaf.getKey(),
                    golden.get("grad." + leaf.getKey()),
                    Autograd.grad(leaf.getValue()));
        }
    }

    private static void assertClose(String what, Tensor expected, Tensor actual) {
        double relative = Compare.relativeError(actual, expected);
        System.out.printf("%s: relative error %.2e%n", what, relative);
        assertTrue(relative <= TOLERANCE, what + ": relative error " + relative + " > " + TOLERANCE);
    }
}
