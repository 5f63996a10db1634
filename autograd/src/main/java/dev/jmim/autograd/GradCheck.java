package dev.jmim.autograd;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Shapes;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Checks analytic gradients against central differences in F64, as PyTorch's gradcheck does (same
 * defaults: eps 1e-6, atol 1e-5, rtol 1e-3). The output is reduced to a scalar with fixed random
 * weights, so every output element's gradient is exercised. Float inputs are perturbed one element
 * at a time; other inputs (indices, masks) pass through unchanged.
 */
public final class GradCheck {
    public static final double EPS = 1e-6;
    public static final double ATOL = 1e-5;
    public static final double RTOL = 1e-3;

    private GradCheck() {}

    /** One element whose analytic and numeric gradients disagree. */
    public record Mismatch(int input, int[] index, double analytic, double numeric) {
        @Override
        public String toString() {
            return "input " + input + " at " + Arrays.toString(index) + ": analytic " + analytic + ", numeric "
                    + numeric;
        }
    }

    /** Throws an AssertionError listing the mismatches, if any. */
    public static void assertGradients(Function<Tensor[], Tensor> f, Tensor... inputs) {
        List<Mismatch> mismatches = check(f, inputs);
        if (!mismatches.isEmpty()) {
            throw new AssertionError("gradient check failed at " + mismatches.size() + " element(s) (eps " + EPS
                    + ", atol " + ATOL + ", rtol " + RTOL + "):\n  "
                    + String.join(
                            "\n  ",
                            mismatches.stream()
                                    .limit(10)
                                    .map(Mismatch::toString)
                                    .toList()));
        }
    }

    public static List<Mismatch> check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        Tensor[] x = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            x[i] = inputs[i].dtype().isFloating()
                    ? inputs[i].detach().to(DType.F64).clone()
                    : inputs[i];
        }
        Tensor weights;
        try (Autograd.NoGrad _ = Autograd.noGrad()) {
            weights = Tensor.randn(new Generator(0x5EED), f.apply(x).shape()).to(DType.F64);
        }
        double[][] analytic = analytic(f, x, weights);
        List<Mismatch> mismatches = new ArrayList<>();
        try (Autograd.NoGrad _ = Autograd.noGrad()) {
            for (int i = 0; i < x.length; i++) {
                if (!x[i].dtype().isFloating()) {
                    continue;
                }
                double[] values = x[i].toDoubleArray();
                int[] index = new int[x[i].dim()];
                for (int j = 0; j < values.length; j++) {
                    double original = values[j];
                    values[j] = original + EPS;
                    double plus = weightedSum(f, x, i, values, weights);
                    values[j] = original - EPS;
                    double minus = weightedSum(f, x, i, values, weights);
                    values[j] = original;
                    double numeric = (plus - minus) / (2 * EPS);
                    double a = analytic[i][j];
                    if (!(Math.abs(a - numeric) <= ATOL + RTOL * Math.abs(numeric))) {
                        Shapes.unravel(j, x[i].shape(), index);
                        mismatches.add(new Mismatch(i, index.clone(), a, numeric));
                    }
                }
            }
        }
        return mismatches;
    }

    private static double[][] analytic(Function<Tensor[], Tensor> f, Tensor[] x, Tensor weights) {
        Tensor[] leaves = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            leaves[i] = x[i].dtype().isFloating() ? Autograd.requiresGrad(x[i].detach()) : x[i];
        }
        double[][] grads = new double[x.length][];
        try (Scope _ = Scope.open()) {
            Tensor out = f.apply(leaves);
            if (!Autograd.requiresGradient(out)) {
                throw new IllegalArgumentException(
                        "gradcheck: the output " + out.describe() + " does not depend on any float input");
            }
            Autograd.backward(out.mul(weights).sum());
            for (int i = 0; i < x.length; i++) {
                if (x[i].dtype().isFloating()) {
                    Tensor g = Autograd.grad(leaves[i]);
                    grads[i] = g == null ? new double[(int) x[i].numel()] : g.toDoubleArray();
                    Autograd.zeroGrad(leaves[i]);
                }
            }
        }
        return grads;
    }

    private static double weightedSum(
            Function<Tensor[], Tensor> f, Tensor[] x, int replaced, double[] values, Tensor w) {
        try (Scope _ = Scope.open()) {
            Tensor[] args = x.clone();
            args[replaced] = Tensor.of(values, x[replaced].shape());
            return f.apply(args).mul(w).sum().item();
        }
    }
}
