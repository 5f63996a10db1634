package dev.jmim.autograd;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Small expression graphs decoded from a list of integers, so that any list is a valid program and
 * QuickTheories can shrink a failing one. Values stay in safe domains (log and sqrt of x² + ½,
 * division by y² + ½), so every case is differentiable at almost every point.
 */
final class RandomGraphs {
    static final int OPS = 20;
    private static final int MAX_ELEMENTS = 48;

    private RandomGraphs() {}

    /** A generated case: two inputs (b broadcasts against a) and the program applied to them. */
    record Case(int[] shapeA, int[] shapeB, List<Integer> program) {
        @Override
        public String toString() {
            return "a " + Arrays.toString(shapeA) + ", b " + Arrays.toString(shapeB) + ", program " + program + " = "
                    + trace(this);
        }
    }

    static int[] broadcastShape(int[] shapeA, int mask) {
        int[] b = shapeA.clone();
        for (int d = 0; d < b.length; d++) {
            if ((mask >> d & 1) == 1) {
                b[d] = 1;
            }
        }
        return (mask >> 3 & 1) == 1 && b.length > 1 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }

    /** Runs the program on inputs [a, b]; appends each step's name to trace when it is not null. */
    static Tensor run(List<Integer> program, Tensor a, Tensor b, List<String> trace) {
        List<Tensor> values = new ArrayList<>(List.of(a, b));
        for (int code : program) {
            Tensor x = values.getLast();
            Tensor y = values.get(Math.floorMod(code / OPS, values.size()));
            int p = code / OPS;
            String[] name = new String[1];
            Tensor out = step(Math.floorMod(code, OPS), p, x, y, name);
            if (out.numel() > MAX_ELEMENTS) {
                out = out.sum(0);
                name[0] += "+sum(0)";
            }
            if (trace != null) {
                trace.add(name[0] + "→" + Arrays.toString(out.shape()));
            }
            values.add(out);
        }
        return values.getLast();
    }

    private static Tensor step(int op, int p, Tensor x, Tensor y, String[] name) {
        int rank = x.dim();
        switch (op) {
            case 0 -> {
                String[] names = {"tanh", "sigmoid", "sin", "cos", "erf", "abs", "neg", "exp∘tanh"};
                name[0] = names[p % names.length];
                return switch (p % names.length) {
                    case 0 -> x.tanh();
                    case 1 -> x.sigmoid();
                    case 2 -> x.sin();
                    case 3 -> x.cos();
                    case 4 -> x.erf();
                    case 5 -> x.abs();
                    case 6 -> x.neg();
                    default -> x.tanh().exp();
                };
            }
            case 1 -> {
                String[] names = {"log(x²+½)", "sqrt(x²+½)", "rsqrt(x²+½)", "1/(x²+½)"};
                name[0] = names[p % names.length];
                Tensor safe = x.mul(x).add(0.5);
                return switch (p % names.length) {
                    case 0 -> safe.log();
                    case 1 -> safe.sqrt();
                    case 2 -> safe.rsqrt();
                    default -> safe.reciprocal();
                };
            }
            case 2, 3 -> {
                Tensor other = broadcastable(x, y) ? y : y.sum();
                String[] names = {"add", "sub", "mul", "div(y²+½)", "maximum", "minimum", "pow(x²+½, tanh y)"};
                name[0] = names[p % names.length] + (other == y ? "" : " Σy");
                return switch (p % names.length) {
                    case 0 -> x.add(other);
                    case 1 -> x.sub(other);
                    case 2 -> x.mul(other);
                    case 3 -> x.div(other.mul(other).add(0.5));
                    case 4 -> x.maximum(other);
                    case 5 -> x.minimum(other);
                    default -> x.mul(x).add(0.5).pow(other.tanh());
                };
            }
            case 4 -> {
                int[] dims = dimsFromBits(p, rank);
                boolean keep = (p & 8) != 0;
                String[] names = {"sum", "mean", "max", "min", "var"};
                name[0] = names[(p >> 4) % names.length] + Arrays.toString(dims) + (keep ? " keepdim" : "");
                return switch ((p >> 4) % names.length) {
                    case 0 -> x.sum(dims, keep);
                    case 1 -> x.mean(dims, keep);
                    case 2 -> x.max(dims, keep);
                    case 3 -> x.min(dims, keep);
                    default -> x.var(dims, 0, keep);
                };
            }
            case 5 -> {
                name[0] = rank >= 2 ? "mT" : "unsqueeze(0)";
                return rank >= 2 ? x.mT() : x.unsqueeze(0);
            }
            case 6 -> {
                // reverse (an involution) or rotate left (not one), so an uninverted permutation shows
                int[] perm = new int[rank];
                for (int i = 0; i < rank; i++) {
                    perm[i] = p % 2 == 0 ? rank - 1 - i : (i + 1) % rank;
                }
                name[0] = "permute" + Arrays.toString(perm);
                return x.permute(perm);
            }
            case 7 -> {
                name[0] = "reshape(-1)";
                return x.reshape(-1);
            }
            case 8 -> {
                name[0] = "unsqueeze(0).expand(2)";
                int[] shape = x.unsqueeze(0).shape();
                shape[0] = 2;
                return x.unsqueeze(0).expand(shape);
            }
            case 9 -> {
                if (rank == 0) {
                    name[0] = "unsqueeze(0)";
                    return x.unsqueeze(0);
                }
                name[0] = "narrow(0, first half)";
                return x.narrow(0, 0, (x.size(0) + 1) / 2);
            }
            case 10 -> {
                if (rank == 0) {
                    name[0] = "unsqueeze(0)";
                    return x.unsqueeze(0);
                }
                int start = x.size(-1) > 1 ? p % 2 : 0;
                name[0] = "slice(-1, from " + start + ", step 2)";
                return x.slice(-1, start, Integer.MAX_VALUE, 2);
            }
            case 11 -> {
                Tensor v = atLeast1d(x);
                int dim = p % v.dim();
                name[0] = (p % 4 < 2 ? "softmax(" : "fused softmax(") + dim + ")";
                return p % 4 < 2 ? v.softmax(dim) : FusedOps.softmax(v, dim);
            }
            case 12 -> {
                Tensor v = atLeast1d(x);
                int last = v.size(-1);
                name[0] = (p % 2 == 0 ? "layer_norm(" : "fused layer_norm(") + last + ")";
                return p % 2 == 0
                        ? v.layerNorm(new int[] {last}, null, null, 1e-5)
                        : FusedOps.layerNorm(v, new int[] {last}, null, null, 1e-5);
            }
            case 13 -> {
                name[0] = "gelu";
                return x.gelu();
            }
            case 14 -> {
                Tensor v = atLeast1d(x);
                name[0] = v.dim() >= 2 ? "x @ xᵀ" : "x · x";
                return v.dim() >= 2 ? v.matmul(v.mT()) : v.matmul(v);
            }
            case 15 -> {
                Tensor other = broadcastable(x, y) ? y : y.sum();
                name[0] = "where(x > 0, x, y)";
                return Tensor.where(x.gt(0), x, other);
            }
            case 16 -> {
                Tensor v = atLeast1d(x);
                name[0] = "cat([x, 2x], 0)";
                return Tensor.cat(List.of(v, v.mul(2)), 0);
            }
            case 17 -> {
                Tensor v = atLeast1d(x);
                int n = v.size(-1);
                long[] idx = new long[(int) v.numel()];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = Math.floorMod(i * 7L + p, n);
                }
                name[0] = "gather(-1)";
                return v.gather(-1, Tensor.of(idx, v.shape()));
            }
            case 18 -> {
                Tensor v = atLeast1d(x);
                name[0] = "index_select(0, [last, 0])";
                return v.indexSelect(0, Tensor.of(new long[] {v.size(0) - 1, 0}));
            }
            default -> {
                Tensor v = atLeast1d(x);
                long[] idx = new long[(int) v.numel()];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = Math.floorMod(i * 5L + p, v.size(0));
                }
                name[0] = "scatter_add(0) into zeros";
                return Tensor.zeros(DType.F64, v.device(), v.shape()).scatterAdd(0, Tensor.of(idx, v.shape()), v);
            }
        }
    }

    private static Tensor atLeast1d(Tensor x) {
        return x.dim() == 0 ? x.unsqueeze(0) : x;
    }

    private static boolean broadcastable(Tensor x, Tensor y) {
        try {
            return Arrays.equals(dev.jmim.tensor.Shapes.broadcast("probe", x.shape(), y.shape()), x.shape());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int[] dimsFromBits(int bits, int rank) {
        List<Integer> dims = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            if ((bits >> d & 1) == 1) {
                dims.add(d);
            }
        }
        if (dims.isEmpty() && rank > 0) {
            dims.add(rank - 1);
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String trace(Case c) {
        List<String> steps = new ArrayList<>();
        try (var _ = Autograd.noGrad()) {
            run(
                    c.program(),
                    Tensor.zeros(DType.F64, dev.jmim.tensor.Device.CPU, c.shapeA()),
                    Tensor.zeros(DType.F64, dev.jmim.tensor.Device.CPU, c.shapeB()),
                    steps);
        }
        return String.join(" ; ", steps);
    }
}
