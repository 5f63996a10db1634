package dev.jmim.autograd;

import dev.jmim.tensor.BinaryOp;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Primitive;
import dev.jmim.tensor.ReduceOp;
import dev.jmim.tensor.Tensor;

/**
 * One gradient rule per primitive, in one place: given the op, its operands, its output and the
 * gradient of the output, the gradient of each operand (null for operands that take none, such as
 * indices and conditions). Rules are written with tensor ops and run with recording off.
 *
 * <p>Operands arrive as the tensor module recorded them: broadcasting is its own {@code Expand}
 * step and dtype promotion its own {@code Cast}, so elementwise rules see equal shapes and the
 * {@code Expand} rule alone sums over broadcast dims.
 */
final class GradientRules {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private GradientRules() {}

    static Tensor[] backward(Primitive op, Tensor[] in, Tensor out, Tensor g) {
        return switch (op) {
            case Primitive.Unary u -> new Tensor[] {unary(u, in[0], out, g)};
            case Primitive.Binary b -> binary(b.op(), in[0], in[1], out, g);
            // where(c, a, b): a's gradient where c holds, b's elsewhere
            case Primitive.Where w -> {
                Tensor zero = zerosLike(g);
                yield new Tensor[] {null, Tensor.where(in[0], g, zero), Tensor.where(in[0], zero, g)};
            }
            case Primitive.Reduce r -> new Tensor[] {reduce(r, in[0], out, g)};
            // C = A·B: dA = dC·Bᵀ, dB = Aᵀ·dC (batch dims are equal; Expand un-broadcasts)
            case Primitive.MatMul m ->
                new Tensor[] {g.matmul(in[1].mT()), in[0].mT().matmul(g)};
            // out = x[index] along dim: scatter the gradient back to where it was read
            case Primitive.Gather ga -> new Tensor[] {zerosLike(in[0]).scatterAdd(ga.dim(), in[1], g), null};
            // out = self + scatter(src): self passes g through, src reads it back at index
            case Primitive.ScatterAdd sa -> new Tensor[] {g, null, padTo(g.gather(sa.dim(), in[1]), in[2])};
            case Primitive.IndexSelect is -> new Tensor[] {indexSelectBackward(is.dim(), in[0], in[1], g), null};
            case Primitive.Cast c -> new Tensor[] {in[0].dtype().isFloating() ? g.to(in[0].dtype()) : null};
            case Primitive.Copy c -> new Tensor[] {g};
            case Primitive.Reshape r -> new Tensor[] {g.reshape(in[0].shape())};
            case Primitive.Permute p -> new Tensor[] {g.permute(inverse(p.dims()))};
            case Primitive.Expand e -> new Tensor[] {sumToShape(g, in[0].shape())};
            case Primitive.Slice s -> new Tensor[] {sliceBackward(s, in[0], g)};
            case Primitive.Concat c -> concatBackward(c.dim(), in, g);
            // y = W·x with W the (symmetric) DFT matrix: the gradient is W's adjoint conj(W) = H·W·ifft2,
            // and for the inverse (conj(W)/(H·W)) it is W/(H·W) = fft2/(H·W)
            case Primitive.Fft2 f -> {
                double points = (double) in[0].size(-3) * in[0].size(-2);
                yield new Tensor[] {
                    f.inverse() ? g.fft2().div(points) : g.ifft2().mul(points)
                };
            }
        };
    }

    private static Tensor unary(Primitive.Unary u, Tensor x, Tensor out, Tensor g) {
        return switch (u.op()) {
            case NEG -> g.neg();
            case EXP -> g.mul(out); // (eˣ)' = eˣ
            case LOG -> g.div(x); // (ln x)' = 1/x
            case SQRT -> g.div(out.mul(2)); // (√x)' = 1/(2√x)
            case RSQRT -> g.mul(out.mul(out).mul(out)).mul(-0.5); // (x^-½)' = -½·x^-3/2
            case RECIPROCAL -> g.mul(out.mul(out)).neg(); // (1/x)' = -1/x²
            case TANH -> g.mul(out.mul(out).neg().add(1)); // 1 - tanh²
            case SIGMOID -> g.mul(out.mul(out.neg().add(1))); // σ(1 - σ)
            case ERF -> g.mul(x.mul(x).neg().exp().mul(TWO_OVER_SQRT_PI)); // 2/√π·e^(-x²)
            case GELU -> x.geluBackward(g); // (x·Φ(x))' = Φ(x) + x·φ(x), times g in the same pass
            case GELU_DERIVATIVE -> g.mul(geluSecondDerivative(x));
            case ABS -> g.mul(x.gt(0).to(x.dtype()).sub(x.lt(0).to(x.dtype()))); // sign(x), 0 at 0
            case SIN -> g.mul(x.cos());
            case COS -> g.mul(x.sin()).neg();
        };
    }

    private static Tensor[] binary(BinaryOp op, Tensor a, Tensor b, Tensor out, Tensor g) {
        return switch (op) {
            case ADD -> new Tensor[] {g, g};
            case SUB -> new Tensor[] {g, g.neg()};
            case MUL -> new Tensor[] {g.mul(b), g.mul(a)};
            case DIV -> new Tensor[] {g.div(b), g.mul(out).div(b).neg()}; // d(a/b)/db = -(a/b)/b
            case POW ->
                new Tensor[] {
                    // b·a^(b-1), taken as 0 where b = 0 (PyTorch's convention, avoiding 0·∞ at a = 0)
                    g.mul(Tensor.where(b.eq(0), zerosLike(a), b.mul(a.pow(b.sub(1))))),
                    // a^b·ln a, taken as 0 where a = 0 and b >= 0
                    g.mul(Tensor.where(a.eq(0).mul(b.ge(zerosLike(b))), zerosLike(a), out.mul(a.log())))
                };
            // ties split the gradient evenly, as PyTorch does
            case MAXIMUM -> new Tensor[] {g.mul(share(a.gt(b), a.eq(b), g)), g.mul(share(b.gt(a), a.eq(b), g))};
            case MINIMUM -> new Tensor[] {g.mul(share(a.lt(b), a.eq(b), g)), g.mul(share(b.lt(a), a.eq(b), g))};
            // b·gelu′(a): d/da = b·gelu″(a), d/db = gelu′(a)
            case GELU_BACKWARD -> new Tensor[] {g.mul(b).mul(geluSecondDerivative(a)), a.geluBackward(g)};
            case EQ, NE, LT, LE, GT, GE -> new Tensor[] {null, null};
        };
    }

    /** gelu″(x) = (Φ + x·φ)′ = φ·(2 − x²). */
    private static Tensor geluSecondDerivative(Tensor x) {
        return x.mul(x).mul(-0.5).exp().mul(INV_SQRT_2PI).mul(x.mul(x).neg().add(2));
    }

    /** 1 where this operand wins, ½ on ties, 0 where it loses, in the gradient's dtype. */
    private static Tensor share(Tensor wins, Tensor ties, Tensor like) {
        return wins.to(like.dtype()).add(ties.to(like.dtype()).mul(0.5));
    }

    private static Tensor reduce(Primitive.Reduce r, Tensor x, Tensor out, Tensor g) {
        if (r.op() == ReduceOp.SUM) {
            return g.expand(x.shape());
        }
        // max/min: the gradient goes to every element equal to the result, split evenly among ties
        Tensor mask = x.eq(out).to(x.dtype());
        Tensor count = mask.sum(reducedDims(r.reduced()), true);
        return mask.mul(g.div(count));
    }

    private static Tensor indexSelectBackward(int dim, Tensor x, Tensor index, Tensor g) {
        if (x.dim() == 0) {
            return g.reshape();
        }
        int[] indexShape = new int[x.dim()];
        java.util.Arrays.fill(indexShape, 1);
        indexShape[dim] = -1;
        Tensor spread = index.to(DType.I64).reshape(indexShape).expand(g.shape());
        return zerosLike(x).scatterAdd(dim, spread, g);
    }

    private static Tensor sliceBackward(Primitive.Slice s, Tensor x, Tensor g) {
        Tensor grad = zerosLike(x);
        int length = g.size(s.dim());
        int end = length == 0 ? s.start() : s.start() + (length - 1) * s.step() + 1;
        grad.slice(s.dim(), s.start(), end, s.step()).copyFrom(g);
        return grad;
    }

    private static Tensor[] concatBackward(int dim, Tensor[] in, Tensor g) {
        int[] sizes = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            sizes[i] = in[i].size(dim);
        }
        java.util.List<Tensor> parts = g.split(sizes, dim);
        Tensor[] grads = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) {
            grads[i] = in[i].dtype().isFloating() ? parts.get(i).to(in[i].dtype()) : null;
        }
        return grads;
    }

    /** Sums g over the dims that broadcasting added or grew, giving a tensor of {@code shape}. */
    static Tensor sumToShape(Tensor g, int[] shape) {
        int lead = g.dim() - shape.length;
        java.util.List<Integer> dims = new java.util.ArrayList<>();
        for (int d = 0; d < g.dim(); d++) {
            if (d < lead || (shape[d - lead] == 1 && g.size(d) != 1)) {
                dims.add(d);
            }
        }
        Tensor summed = dims.isEmpty()
                ? g
                : g.sum(dims.stream().mapToInt(Integer::intValue).toArray(), true);
        return summed.reshape(shape);
    }

    /** src's gradient when the index covered only its leading block: zeros elsewhere. */
    private static Tensor padTo(Tensor block, Tensor like) {
        if (java.util.Arrays.equals(block.shape(), like.shape())) {
            return block;
        }
        Tensor full = zerosLike(like);
        Tensor region = full;
        for (int d = 0; d < block.dim(); d++) {
            region = region.narrow(d, 0, block.size(d));
        }
        region.copyFrom(block);
        return full;
    }

    private static Tensor zerosLike(Tensor t) {
        return Tensor.zeros(t.dtype(), t.device(), t.shape());
    }

    private static int[] reducedDims(boolean[] reduced) {
        return java.util.stream.IntStream.range(0, reduced.length)
                .filter(d -> reduced[d])
                .toArray();
    }

    private static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inv[perm[i]] = i;
        }
        return inv;
    }
}
