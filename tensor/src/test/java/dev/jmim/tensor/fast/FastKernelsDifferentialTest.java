package dev.jmim.tensor.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.jmim.tensor.BinaryOp;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.ReduceOp;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.UnaryOp;
import dev.jmim.tensor.naive.NaiveBackend;
import dev.jmim.tensor.random.Generator;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Property: every fast kernel equals the reference backend on generated operands — shapes of rank
 * 0 to 3 with sizes 0, 1, odd, prime and past the vector width, one large shape that takes the
 * 2-thread path, and operands that are contiguous, transposed, strided (every other element) or
 * broadcast (stride 0) — within a tolerance stated per op below, and gives the same bits on 1 and 2
 * threads. QuickTheories shrinks a failing case towards the smallest shape and simplest view.
 *
 * <p>Tolerances, in float ulps of the reference value (|Δ| ≤ n·ulp(ref)):
 *
 * <ul>
 *   <li>0 — copies, casts, fill, where, max/min, neg, abs, sqrt, add, sub, mul, div, comparisons:
 *       IEEE float arithmetic rounds once, like the reference's double result rounded to float;
 *   <li>2 — reciprocal, rsqrt, sigmoid (two roundings);
 *   <li>1 — exp ({@link VectorMath}), log, tanh, sin, cos, pow (StrictMath per lane); 4 — erf; an
 *       absolute floor of 2⁻²⁴ for erf, sin and cos near their zeros, of 8·2⁻¹²⁶ elsewhere
 *       (subnormal results);
 *   <li>GELU: 2 ulps plus 2⁻²²·|x|, GELU': 2 ulps plus 2⁻²² — Φ and GELU' are rational fits with an
 *       absolute error under 1.8e-7 and 2.2e-7 ({@code tools/python/fit_gelu.py}), so GELU = x·Φ
 *       carries x times Φ's;
 *   <li>sums: 1 ulp plus (2⁻²⁴ + 2⁻⁴⁰)·Σ|x| — the fast backend adds pairs of terms in float (one
 *       rounding each, at most 2⁻²⁴ of the pair's magnitude), then in double as the reference does;
 *   <li>softmax, log-softmax: 8 ulps plus 2⁻²² (2⁻²⁰ for log); layer_norm: 8 ulps plus
 *       2⁻²⁰·max|x|·max r·max(1, max|w|), the float rounding of x − mean amplified by r = 1/√(σ² + eps).
 * </ul>
 */
class FastKernelsDifferentialTest {
    /** A sum's allowed error beyond 1 ulp, per unit of Σ|x| (the class comment). */
    private static final double SUM_FLOOR = 0x1p-24 + 0x1p-40;

    private static final int[] SIZES = {0, 1, 2, 3, 5, 7, 8, 9, 16, 17, 31, 64};
    private static final int[] LARGE = {37, 1031}; // 38 147 elements: past the 2-thread threshold
    private static final FastBackend ONE_THREAD = new FastBackend(1);
    private static final FastBackend TWO_THREADS = new FastBackend(2);
    private static final NaiveBackend REFERENCE = new NaiveBackend();
    private static final int EXAMPLES = 60;

    enum View {
        CONTIGUOUS,
        TRANSPOSED,
        STRIDED,
        BROADCAST
    }

    record Layout(int[] shape, View view, int seed) {
        @Override
        public String toString() {
            return Arrays.toString(shape) + " " + view + " seed " + seed;
        }

        /** A float operand of this shape and view, values from values(randn) on a dense base. */
        Tensor operand(int which, Function<Tensor, Tensor> values) {
            Generator g = new Generator(seed * 31L + which);
            int rank = shape.length;
            return switch (rank == 0 ? View.CONTIGUOUS : view) {
                case CONTIGUOUS -> values.apply(Tensor.randn(g, shape));
                case TRANSPOSED -> {
                    int[] reversed = new int[rank];
                    int[] order = new int[rank];
                    for (int d = 0; d < rank; d++) {
                        reversed[d] = shape[rank - 1 - d];
                        order[d] = rank - 1 - d;
                    }
                    yield values.apply(Tensor.randn(g, reversed)).permute(order);
                }
                case STRIDED -> {
                    int[] wide = shape.clone();
                    wide[rank - 1] = 2 * shape[rank - 1] + 1;
                    yield values.apply(Tensor.randn(g, wide)).slice(rank - 1, 1, wide[rank - 1], 2);
                }
                case BROADCAST -> {
                    int[] narrow = shape.clone();
                    for (int d = 0; d < rank; d++) {
                        if (((seed + which) >> d & 1) == 1) {
                            narrow[d] = 1;
                        }
                    }
                    yield values.apply(Tensor.randn(g, narrow)).expand(shape);
                }
            };
        }
    }

    private static Gen<Layout> layouts() {
        Gen<Integer> size = integers().between(0, SIZES.length - 1).map(i -> SIZES[i]);
        Gen<int[]> shape = integers().between(0, 4).zip(size, size, size, (rank, a, b, c) -> switch (rank) {
            case 0 -> new int[0];
            case 1 -> new int[] {a};
            case 2 -> new int[] {a, b};
            case 3 -> new int[] {a, b, c};
            default -> LARGE.clone();
        });
        return shape.zip(
                integers().between(0, View.values().length - 1),
                integers().between(0, 1000),
                (s, v, seed) -> new Layout(s, View.values()[v], seed));
    }

    @Test
    void unaryOpsMatchTheReference() {
        qt().withFixedSeed(11L)
                .withExamples(EXAMPLES)
                .forAll(layouts(), integers().between(0, UnaryOp.values().length - 1))
                .checkAssert((layout, o) -> {
                    UnaryOp op = UnaryOp.values()[o];
                    boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT;
                    Tensor x = layout.operand(0, t -> positive ? t.abs().add(0.05) : t.mul(4));
                    Tensor[] outs = outputs(DType.F32, layout.shape());
                    ONE_THREAD.unary(op, x, outs[0]);
                    TWO_THREADS.unary(op, x, outs[1]);
                    REFERENCE.unary(op, x, outs[2]);
                    float[] xs = x.toFloatArray();
                    check(op + " on " + layout, outs, ulps(op), i -> floor(op, xs[i]));
                });
    }

    @Test
    void unaryOpsAgreeOnSpecialValues() {
        float[] special = {
            0f,
            -0f,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            Float.NaN,
            1e-30f,
            -1e-30f,
            1e30f,
            -1e30f,
            88.7f,
            -88.7f,
            -104f,
            0.5f,
            1f,
            -1f,
            1.0001f,
            3.9f,
            -5f,
            10f,
            -10f,
            -26f
        };
        for (UnaryOp op : UnaryOp.values()) {
            Tensor x = Tensor.of(special);
            Tensor[] outs = outputs(DType.F32, x.shape());
            ONE_THREAD.unary(op, x, outs[0]);
            TWO_THREADS.unary(op, x, outs[1]);
            REFERENCE.unary(op, x, outs[2]);
            check(op + " on special values " + Arrays.toString(special), outs, ulps(op), i -> floor(op, special[i]));
        }
    }

    @Test
    void binaryOpsMatchTheReference() {
        qt().withFixedSeed(12L)
                .withExamples(EXAMPLES)
                .forAll(layouts(), integers().between(0, BinaryOp.values().length - 1))
                .checkAssert((layout, o) -> {
                    BinaryOp op = BinaryOp.values()[o];
                    Tensor a =
                            layout.operand(0, t -> op == BinaryOp.POW ? t.abs().add(0.1) : t);
                    Tensor b = new Layout(layout.shape(), View.values()[layout.seed() % 4], layout.seed() + 1)
                            .operand(1, t -> op.isComparison() ? t.maximum(Tensor.scalar(0)) : t);
                    Tensor[] outs = outputs(op.isComparison() ? DType.BOOL : DType.F32, layout.shape());
                    ONE_THREAD.binary(op, a, b, outs[0]);
                    TWO_THREADS.binary(op, a, b, outs[1]);
                    REFERENCE.binary(op, a, b, outs[2]);
                    if (op.isComparison()) {
                        assertArrayEquals(outs[2].toBooleanArray(), outs[0].toBooleanArray(), op + " on " + layout);
                        assertArrayEquals(outs[0].toBooleanArray(), outs[1].toBooleanArray(), op + " 1 vs 2 threads");
                    } else {
                        float[] ys = b.toFloatArray();
                        check(op + " on " + layout, outs, ulps(op), i -> floor(op, ys[i]));
                    }
                });
    }

    /**
     * Both inputs one value per row (stride 0 along the rows): a case the generated layouts reach
     * rarely, and one the dense loops must leave to the general path.
     */
    @Test
    void binaryOpsOnTwoRowBroadcastsMatchTheReference() {
        for (BinaryOp op : BinaryOp.values()) {
            for (int n : new int[] {8, 17, 1031}) {
                Generator g = new Generator(n);
                Tensor a = Tensor.randn(g, 37, 1).expand(37, n);
                Tensor b = Tensor.randn(g, 37, 1).expand(37, n);
                Tensor[] outs = outputs(op.isComparison() ? DType.BOOL : DType.F32, new int[] {37, n});
                ONE_THREAD.binary(op, a, b, outs[0]);
                TWO_THREADS.binary(op, a, b, outs[1]);
                REFERENCE.binary(op, a, b, outs[2]);
                if (op.isComparison()) {
                    assertArrayEquals(outs[2].toBooleanArray(), outs[0].toBooleanArray(), op + " on rows of " + n);
                } else {
                    float[] ys = b.contiguous().toFloatArray();
                    check(op + " on rows of " + n, outs, ulps(op), i -> floor(op, ys[i]));
                }
            }
        }
    }

    /**
     * One input a single value along the rows (stride 0 in the last dim), on either side: every
     * arithmetic op has its own loop there (x − s runs as x + (−s), and the ops that commute share
     * the right-hand loops), so each op and side is checked, on rows long enough for whole vectors
     * and a tail. Special values in the scalar: −0, 0, ±∞ and NaN.
     */
    @Test
    void binaryOpsWithAScalarOnEitherSideMatchTheReference() {
        float[] scalars = {1.7f, -0.3f, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        for (BinaryOp op : BinaryOp.values()) {
            if (op.isComparison()) {
                continue;
            }
            for (float value : scalars) {
                for (boolean scalarLeft : new boolean[] {false, true}) {
                    Generator g = new Generator(Float.floatToIntBits(value));
                    Tensor x = Tensor.randn(g, 5, 67);
                    if (op == BinaryOp.POW) {
                        x = x.abs().add(0.1);
                    }
                    Tensor one = Tensor.full(value, DType.F32, 5, 1).expand(5, 67);
                    Tensor a = scalarLeft ? one : x;
                    Tensor b = scalarLeft ? x : one;
                    Tensor[] outs = outputs(DType.F32, new int[] {5, 67});
                    ONE_THREAD.binary(op, a, b, outs[0]);
                    TWO_THREADS.binary(op, a, b, outs[1]);
                    REFERENCE.binary(op, a, b, outs[2]);
                    float[] ys = b.contiguous().toFloatArray();
                    String what = op + (scalarLeft ? " with " + value + " on the left" : " by " + value);
                    check(what, outs, ulps(op), i -> floor(op, ys[i]));
                }
            }
        }
    }

    @Test
    void whereFillAndCopiesMatchTheReference() {
        qt().withFixedSeed(13L)
                .withExamples(EXAMPLES)
                .forAll(layouts(), integers().between(0, DType.values().length - 1))
                .checkAssert((layout, d) -> {
                    Tensor cond = layout.operand(0, t -> t.gt(0));
                    Tensor a = layout.operand(1, t -> t);
                    Tensor b = new Layout(layout.shape(), View.BROADCAST, layout.seed()).operand(2, t -> t);
                    Tensor[] outs = outputs(DType.F32, layout.shape());
                    ONE_THREAD.where(cond, a, b, outs[0]);
                    TWO_THREADS.where(cond, a, b, outs[1]);
                    REFERENCE.where(cond, a, b, outs[2]);
                    check("where on " + layout, outs, 0, 0);

                    Tensor[] filled = {layout.operand(3, t -> t), layout.operand(3, t -> t), layout.operand(3, t -> t)};
                    if (layout.view() != View.BROADCAST) { // fill writes; a broadcast view aliases itself
                        ONE_THREAD.fill(filled[0], -2.5);
                        TWO_THREADS.fill(filled[1], -2.5);
                        REFERENCE.fill(filled[2], -2.5);
                        check("fill on " + layout, filled, 0, 0);
                    }

                    DType other = DType.values()[d];
                    Tensor source = layout.operand(4, t -> t.mul(100));
                    Tensor[] there = outputs(other, layout.shape());
                    ONE_THREAD.copy(source, there[0]);
                    TWO_THREADS.copy(source, there[1]);
                    REFERENCE.copy(source, there[2]);
                    Tensor[] back = outputs(DType.F32, layout.shape());
                    ONE_THREAD.copy(there[2], back[0]);
                    TWO_THREADS.copy(there[2], back[1]);
                    REFERENCE.copy(there[2], back[2]);
                    for (Tensor[] t : new Tensor[][] {there, back}) {
                        Tensor[] asF64 =
                                Arrays.stream(t).map(x -> x.to(DType.F64)).toArray(Tensor[]::new);
                        assertArrayEquals(asF64[2].toDoubleArray(), asF64[0].toDoubleArray(), "copy F32↔" + other);
                        assertArrayEquals(asF64[0].toDoubleArray(), asF64[1].toDoubleArray(), "copy 1 vs 2 threads");
                    }
                });
    }

    @Test
    void reductionsMatchTheReference() {
        qt().withFixedSeed(14L)
                .withExamples(EXAMPLES)
                .forAll(layouts(), integers().between(0, 3 * 16 - 1))
                .checkAssert((layout, choice) -> {
                    ReduceOp op = ReduceOp.values()[choice % 3];
                    int rank = layout.shape().length;
                    boolean[] reduced = new boolean[rank];
                    int[] outShape = layout.shape().clone();
                    for (int d = 0; d < rank; d++) {
                        reduced[d] = (choice / 3 >> d & 1) == 1;
                        outShape[d] = reduced[d] ? 1 : outShape[d];
                    }
                    Tensor x = layout.operand(0, t -> t);
                    if (x.numel() == 0) {
                        return; // the fast backend hands empty inputs to the reference
                    }
                    Tensor[] outs = outputs(DType.F32, outShape);
                    ONE_THREAD.reduce(op, x, reduced, outs[0]);
                    TWO_THREADS.reduce(op, x, reduced, outs[1]);
                    REFERENCE.reduce(op, x, reduced, outs[2]);
                    double floor =
                            op == ReduceOp.SUM ? SUM_FLOOR * x.abs().sum().item() : 0;
                    check(
                            op + " over " + Arrays.toString(reduced) + " of " + layout,
                            outs,
                            op == ReduceOp.SUM ? 1 : 0,
                            floor);
                });
    }

    @Test
    void softmaxAndLayerNormForwardAndBackwardMatchTheReference() {
        qt().withFixedSeed(15L).withExamples(EXAMPLES).forAll(layouts()).checkAssert(layout -> {
            int[] shape = layout.shape().length == 0 ? new int[] {1} : layout.shape();
            Tensor x = layout.operand(0, t -> t.mul(3)).contiguous().view(shape);
            int n = shape[shape.length - 1];
            for (boolean log : new boolean[] {false, true}) {
                Tensor[] outs = outputs(DType.F32, shape);
                ONE_THREAD.softmax(x, log, outs[0]);
                TWO_THREADS.softmax(x, log, outs[1]);
                REFERENCE.softmax(x, log, outs[2]);
                check((log ? "log_softmax" : "softmax") + " on " + layout, outs, 8, log ? 0x1p-20 : 0x1p-22);
            }
            if (x.numel() == 0) {
                return;
            }
            Generator g = new Generator(layout.seed());
            Tensor weight = layout.seed() % 3 == 0 ? null : Tensor.randn(g, n);
            Tensor bias = layout.seed() % 2 == 0 ? null : Tensor.randn(g, n);
            Tensor[] outs = outputs(DType.F32, shape);
            ONE_THREAD.layerNorm(x, weight, bias, 1e-5, outs[0]);
            TWO_THREADS.layerNorm(x, weight, bias, 1e-5, outs[1]);
            REFERENCE.layerNorm(x, weight, bias, 1e-5, outs[2]);
            double maxR =
                    1 / x.var(new int[] {-1}, 0, false).min().add(1e-5).sqrt().item();
            double maxW = weight == null ? 1 : Math.max(1, weight.abs().max().item());
            check("layer_norm on " + layout, outs, 8, 0x1p-20 * x.abs().max().item() * maxR * maxW);

            // the backward: dx, Σ g·x̂ and Σ g against the composite of primitives
            Tensor gradOut = Tensor.randn(g, shape);
            Tensor[] dx = outputs(DType.F32, shape);
            Tensor[] dWeight = outputs(DType.F32, new int[] {n});
            Tensor[] dBias = outputs(DType.F32, new int[] {n});
            ONE_THREAD.layerNormBackward(x, weight, gradOut, 1e-5, dx[0], dWeight[0], dBias[0]);
            TWO_THREADS.layerNormBackward(x, weight, gradOut, 1e-5, dx[1], dWeight[1], dBias[1]);
            REFERENCE.layerNormBackward(x, weight, gradOut, 1e-5, dx[2], dWeight[2], dBias[2]);
            double normalised = 1 + x.abs().max().item() * maxR; // the largest |x̂|, bounded
            double gMax = gradOut.abs().max().item();
            check("layer_norm backward dx on " + layout, dx, 8, 0x1p-18 * maxR * maxW * gMax * normalised * normalised);
            // rows summed in float within blocks of 32, in double across them: ~32 roundings of a term's size
            long rows = x.numel() / n;
            check("layer_norm backward Σ g·x̂ on " + layout, dWeight, 8, 0x1p-18 * rows * gMax * normalised);
            check("layer_norm backward Σ g on " + layout, dBias, 8, 0x1p-18 * rows * gMax);
        });
    }

    /**
     * Row sums take contiguous rows two at a time where a part has two left: a row must get the same
     * bits paired or alone. 2 threads cut these 111 rows into 8 parts (odd lengths: some rows alone
     * that 1 thread pairs), and each row summed on its own is always alone. 333 floats per row: 10
     * vector pairs and a tail of 13.
     */
    @Test
    void rowSumsGiveTheSameBitsTwoRowsAtATimeOrOne() {
        Tensor x = Tensor.randn(new Generator(41), 111, 333);
        boolean[] lastDim = {false, true};
        Tensor[] outs = outputs(DType.F32, new int[] {111, 1});
        ONE_THREAD.reduce(ReduceOp.SUM, x, lastDim, outs[0]);
        TWO_THREADS.reduce(ReduceOp.SUM, x, lastDim, outs[1]);
        REFERENCE.reduce(ReduceOp.SUM, x, lastDim, outs[2]);
        check("row sums of " + x.describe(), outs, 1, SUM_FLOOR * x.abs().sum().item());
        float[] alone = new float[111];
        for (int row = 0; row < 111; row++) {
            Tensor one = Tensor.zeros(1, 1);
            ONE_THREAD.reduce(ReduceOp.SUM, x.narrow(0, row, 1), lastDim, one);
            alone[row] = (float) one.item();
        }
        assertArrayEquals(alone, outs[0].toFloatArray(), "each row alone against two at a time");
    }

    /**
     * Sums over many contiguous rows go by fixed blocks of rows (64, more past 256 blocks): row counts
     * around the block sizes, a ragged last block, widths with tails, a row stride wider than the row,
     * and a [B, N, C] bias gradient, on 1 and 2 threads.
     */
    @Test
    void columnSumsOverManyRowsMatchTheReference() {
        int[][] shapes = {{128, 7}, {129, 33}, {2176, 192}, {20000, 24}, {300, 2, 40}, {128, 17, 192}};
        for (int[] shape : shapes) {
            Tensor full = Tensor.randn(new Generator(shape.length * 1000 + shape[0]), shape);
            Tensor x = shape.length == 3 && shape[1] == 2 ? full.select(1, 0) : full; // rows 80 floats apart
            boolean[] reduced = new boolean[x.dim()];
            Arrays.fill(reduced, 0, x.dim() - 1, true);
            int[] outShape = x.shape();
            Arrays.fill(outShape, 0, x.dim() - 1, 1);
            Tensor[] outs = outputs(DType.F32, outShape);
            ONE_THREAD.reduce(ReduceOp.SUM, x, reduced, outs[0]);
            TWO_THREADS.reduce(ReduceOp.SUM, x, reduced, outs[1]);
            REFERENCE.reduce(ReduceOp.SUM, x, reduced, outs[2]);
            check(
                    "column sums of " + x.describe(),
                    outs,
                    1,
                    SUM_FLOOR * x.abs().sum().item());
        }
    }

    /**
     * The backward's parameter gradients sum rows in blocks (of 32, or more past 512 blocks): row
     * counts across several blocks, a ragged last block and grown blocks, on 1 and 2 threads.
     */
    @Test
    void layerNormBackwardSumsRowsInBlocksWhateverTheThreadCount() {
        for (int[] shape : new int[][] {{100, 33}, {2176, 24}, {20000, 8}}) {
            Generator g = new Generator(shape[0]);
            Tensor x = Tensor.randn(g, shape);
            Tensor weight = Tensor.randn(g, shape[1]);
            Tensor gradOut = Tensor.randn(g, shape);
            Tensor[] dx = outputs(DType.F32, shape);
            Tensor[] dWeight = outputs(DType.F32, new int[] {shape[1]});
            Tensor[] dBias = outputs(DType.F32, new int[] {shape[1]});
            ONE_THREAD.layerNormBackward(x, weight, gradOut, 1e-5, dx[0], dWeight[0], dBias[0]);
            TWO_THREADS.layerNormBackward(x, weight, gradOut, 1e-5, dx[1], dWeight[1], dBias[1]);
            REFERENCE.layerNormBackward(x, weight, gradOut, 1e-5, dx[2], dWeight[2], dBias[2]);
            String what = "layer_norm backward " + Arrays.toString(shape);
            check(what + " dx", dx, 8, 0x1p-16);
            // a sum of ~rows terms of size ~1 with ~√rows: allow 2⁻¹⁸ of the rows' count, far below a wrong row
            check(what + " Σ g·x̂", dWeight, 8, 0x1p-18 * shape[0]);
            check(what + " Σ g", dBias, 8, 0x1p-18 * shape[0]);
        }
    }

    private static Tensor[] outputs(DType dtype, int[] shape) {
        return new Tensor[] {
            Tensor.zeros(dtype, Device.CPU, shape),
            Tensor.zeros(dtype, Device.CPU, shape),
            Tensor.zeros(dtype, Device.CPU, shape)
        };
    }

    private static int ulps(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, SQRT -> 0;
            case RECIPROCAL, RSQRT, SIGMOID -> 2;
            case EXP, LOG, TANH, SIN, COS -> 1;
            case ERF -> 4;
            case GELU, GELU_DERIVATIVE -> 2;
        };
    }

    /** Exact arithmetic rounds once, as the reference does; GELU's backward rounds gelu′ and then the product. */
    private static int ulps(BinaryOp op) {
        return switch (op) {
            case POW -> 1;
            case GELU_BACKWARD -> 3;
            default -> 0;
        };
    }

    /** GELU's backward: gelu′'s absolute allowance, scaled by the gradient y. */
    private static double floor(BinaryOp op, float y) {
        return op == BinaryOp.GELU_BACKWARD ? 0x1p-22 * Math.abs(y) : 0;
    }

    /**
     * Near zeros of the function a relative bound means nothing; subnormal results have few digits;
     * GELU's absolute error is x times Φ's.
     */
    private static double floor(UnaryOp op, float x) {
        return switch (op) {
            case ERF, SIN, COS -> 0x1p-24;
            case GELU -> 0x1p-22 * Math.abs(x) + 8 * Float.MIN_NORMAL;
            case GELU_DERIVATIVE -> 0x1p-22;
            default -> 8 * Float.MIN_NORMAL;
        };
    }

    /**
     * outs = {fast on 1 thread, fast on 2 threads, reference}: 1 and 2 threads give equal bits, and
     * each fast element is within ulps·ulp(ref) + floor of the reference (NaN where it is NaN).
     */
    private static void check(String what, Tensor[] outs, int ulps, double floor) {
        check(what, outs, ulps, i -> floor);
    }

    /** As above with an absolute allowance per element. */
    private static void check(String what, Tensor[] outs, int ulps, IntToDoubleFunction floor) {
        float[] one = outs[0].toFloatArray();
        float[] two = outs[1].toFloatArray();
        float[] ref = outs[2].toFloatArray();
        assertArrayEquals(one, two, what + ": 1 and 2 threads must give the same bits");
        for (int i = 0; i < ref.length; i++) {
            boolean ok = Float.isNaN(ref[i])
                    ? Float.isNaN(one[i])
                    : one[i] == ref[i]
                            || Math.abs((double) one[i] - ref[i]) <= ulps * Math.ulp(ref[i]) + floor.applyAsDouble(i);
            if (!ok) {
                throw new AssertionError(what + ": element " + i + " fast " + one[i] + " reference " + ref[i]
                        + " differs by " + Math.abs((double) one[i] - ref[i]) / Math.ulp(ref[i]) + " ulps (allowed "
                        + ulps + " + " + floor.applyAsDouble(i) + ")");
            }
        }
    }
}
