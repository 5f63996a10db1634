package dev.jmim.autograd;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every gradient rule against F64 central differences, with strided and broadcast operands. */
class PrimitiveGradCheckTest {
    private static final Generator G = new Generator(11);

    private static Tensor normal(int... shape) {
        return Tensor.randn(G, shape).to(DType.F64);
    }

    /** Values in [0.5, 2.5]: inside the domain of log, sqrt, rsqrt and pow, away from kinks. */
    private static Tensor positive(int... shape) {
        return Tensor.rand(G, shape).to(DType.F64).mul(2).add(0.5);
    }

    private static Arguments of(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        return Arguments.of(name, f, inputs);
    }

    static Stream<Arguments> cases() {
        Tensor idx = Tensor.of(new long[] {2, 0, 1, 1, 0, 2}, 2, 3);
        return Stream.of(
                of("neg", x -> x[0].neg(), normal(2, 3)),
                of("exp", x -> x[0].exp(), normal(2, 3)),
                of("log", x -> x[0].log(), positive(2, 3)),
                of("sqrt", x -> x[0].sqrt(), positive(2, 3)),
                of("rsqrt", x -> x[0].rsqrt(), positive(2, 3)),
                of("reciprocal", x -> x[0].reciprocal(), positive(2, 3)),
                of("tanh", x -> x[0].tanh(), normal(2, 3)),
                of("sigmoid", x -> x[0].sigmoid(), normal(2, 3)),
                of("erf", x -> x[0].erf(), normal(2, 3)),
                of("abs", x -> x[0].abs(), normal(2, 3)),
                of("sin", x -> x[0].sin(), normal(2, 3)),
                of("cos", x -> x[0].cos(), normal(2, 3)),
                of("add, broadcast row", x -> x[0].add(x[1]), normal(2, 3), normal(3)),
                of("sub, broadcast column", x -> x[0].sub(x[1]), normal(2, 3), normal(2, 1)),
                of("mul, transposed operand", x -> x[0].mul(x[1].mT()), normal(2, 3), normal(3, 2)),
                of("div", x -> x[0].div(x[1]), normal(2, 3), positive(2, 3)),
                of("pow, both operands", x -> x[0].pow(x[1]), positive(2, 3), normal(2, 3)),
                of("maximum", x -> x[0].maximum(x[1]), normal(2, 3), normal(2, 3)),
                of("minimum, broadcast", x -> x[0].minimum(x[1]), normal(2, 3), normal(1, 3)),
                of("maximum with itself (a tie everywhere)", x -> x[0].maximum(x[0]), normal(4)),
                of("where", x -> Tensor.where(x[0].gt(0), x[0].mul(2), x[1]), normal(2, 3), normal(3)),
                of("sum over dims 0 and 2", x -> x[0].sum(0, 2), normal(2, 3, 4)),
                of("sum keepdim", x -> x[0].sum(new int[] {1}, true), normal(2, 3)),
                of("max over a dim", x -> x[0].max(new int[] {1}, false), normal(3, 4)),
                of("min over all", x -> x[0].min(), normal(3, 4)),
                of(
                        "max with ties from expand",
                        x -> x[0].unsqueeze(0).expand(3, 4).max(new int[] {0}, false),
                        normal(4)),
                of("matmul", x -> x[0].matmul(x[1]), normal(2, 3), normal(3, 4)),
                of("matmul of transposed views", x -> x[0].mT().matmul(x[1].mT()), normal(3, 2), normal(4, 3)),
                of("batched matmul with broadcast", x -> x[0].matmul(x[1]), normal(2, 1, 2, 3), normal(3, 3, 2)),
                of("batch @ one matrix (a Linear layer)", x -> x[0].matmul(x[1]), normal(2, 3, 4), normal(4, 2)),
                of("matrix @ vector", x -> x[0].matmul(x[1]), normal(2, 3), normal(3)),
                of("fft2 (mixed radix)", x -> x[0].fft2(), normal(2, 3, 6, 2)),
                of("ifft2", x -> x[0].ifft2(), normal(5, 4, 2)),
                of("vector @ vector", x -> x[0].matmul(x[1]), normal(3), normal(3)),
                of("gather", x -> x[0].gather(1, x[1]), normal(2, 4), idx),
                of("scatter_add", x -> x[0].scatterAdd(1, x[1], x[2]), normal(2, 4), idx, normal(2, 3)),
                of(
                        "scatter_add, src larger than index",
                        x -> x[0].scatterAdd(1, x[1], x[2]),
                        normal(2, 4),
                        idx,
                        normal(2, 5)),
                of("index_select", x -> x[0].indexSelect(0, x[1]), normal(3, 2), Tensor.of(new long[] {2, 0, 2})),
                of("contiguous copy of a transpose", x -> x[0].mT().contiguous().mul(x[1]), normal(2, 3), normal(3, 2)),
                of("reshape / view", x -> x[0].reshape(3, 2).mul(x[1]), normal(2, 3), normal(3, 2)),
                of("reshape that copies", x -> x[0].mT().reshape(6).mul(x[1]), normal(2, 3), normal(6)),
                of("permute", x -> x[0].permute(2, 0, 1).mul(x[1]), normal(2, 3, 4), normal(4, 2, 3)),
                of("expand", x -> x[0].expand(3, 2, 4).mul(x[1]), normal(2, 1), normal(3, 2, 4)),
                of("narrow", x -> x[0].narrow(1, 1, 2), normal(2, 4)),
                of("slice with step", x -> x[0].slice(0, 1, 6, 2), normal(6, 2)),
                of("select", x -> x[0].select(1, 2), normal(2, 3)),
                of("squeeze / unsqueeze", x -> x[0].squeeze().unsqueeze(0).mul(x[1]), normal(1, 3, 1), normal(2, 1, 3)),
                of("cat", x -> Tensor.cat(List.of(x[0], x[1].mul(2), x[0]), 1), normal(2, 1), normal(2, 3)),
                of("stack", x -> Tensor.stack(List.of(x[0], x[1]), 0), normal(2, 3), normal(2, 3)),
                of("split", x -> x[0].split(2, 1).get(1).mul(3), normal(2, 5)),
                of("mean", x -> x[0].mean(new int[] {0, 2}, true), normal(2, 3, 2)),
                of("var, unbiased", x -> x[0].var(new int[] {1}, 1, false), normal(3, 4)),
                of("softmax", x -> x[0].softmax(-1), normal(2, 5)),
                of("log_softmax over dim 0", x -> x[0].logSoftmax(0), normal(3, 4)),
                of(
                        "layer_norm",
                        x -> x[0].layerNorm(new int[] {4}, x[1], x[2], 1e-6),
                        normal(3, 4),
                        normal(4),
                        normal(4)),
                of("gelu", x -> x[0].gelu(), normal(2, 5)),
                of("gelu derivative", x -> x[0].geluDerivative(), normal(2, 5)),
                of("gelu backward, gradient broadcast", x -> x[0].geluBackward(x[1]), normal(2, 5), normal(5)),
                of("fused softmax", x -> FusedOps.softmax(x[0], 1), normal(3, 4)),
                of(
                        "fused layer_norm, affine",
                        x -> FusedOps.layerNorm(x[0], new int[] {4}, x[1], x[2], 1e-6),
                        normal(3, 4),
                        normal(4),
                        normal(4)),
                of("linear", x -> x[0].linear(x[1], x[2]), normal(2, 3, 4), normal(5, 4), normal(5)),
                of("fused linear", x -> FusedOps.linear(x[0], x[1], x[2]), normal(2, 3, 4), normal(5, 4), normal(5)),
                of("fused linear, no bias", x -> FusedOps.linear(x[0], x[1], null), normal(3, 4), normal(2, 4)),
                of(
                        "fused layer_norm over 2 dims, no affine",
                        x -> FusedOps.layerNorm(x[0], new int[] {2, 3}, null, null, 1e-5),
                        normal(2, 2, 3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void analyticGradientMatchesCentralDifferences(String name, Function<Tensor[], Tensor> f, Tensor[] inputs) {
        GradCheck.assertGradients(f, inputs);
    }
}
