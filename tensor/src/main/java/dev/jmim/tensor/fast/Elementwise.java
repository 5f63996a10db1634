package dev.jmim.tensor.fast;

import static dev.jmim.tensor.fast.Lanes.F32;
import static dev.jmim.tensor.fast.Lanes.L;
import static dev.jmim.tensor.fast.Lanes.ORDER;
import static dev.jmim.tensor.fast.Lanes.S;
import static dev.jmim.tensor.fast.Lanes.load;
import static dev.jmim.tensor.fast.Lanes.store;

import dev.jmim.tensor.BinaryOp;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.HalfFloats;
import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.UnaryOp;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * F32 elementwise kernels over any strides (broadcast included): unary, binary (comparisons write
 * BOOL), where, fill, and copies between F32 and the other dtypes. Each runs on the fixed element
 * partition of {@link Strided#run}; elements are independent, so the partition never changes a bit.
 */
final class Elementwise {
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    private Elementwise() {}

    static void unary(UnaryOp op, Tensor x, Tensor out, Parallel parallel) {
        MemorySegment xs = HostStorage.segmentOf(x);
        MemorySegment os = HostStorage.segmentOf(out);
        Strided loop = Strided.of(out.shape(), x, out);
        long sx = loop.innerStride(0);
        long so = loop.innerStride(1);
        // one lambda, so one compilation unit, per function (see below); none for the StrictMath ops
        DenseRow row =
                switch (op) {
                    case NEG, SQRT, RSQRT, RECIPROCAL, ABS ->
                        (in, x0, to, o0, count) -> unaryDense(op, in, x0, to, o0, count);
                    case EXP -> (in, x0, to, o0, count) -> VectorMath.expRow(in, x0, to, o0, count);
                    case SIGMOID -> (in, x0, to, o0, count) -> VectorMath.sigmoidRow(in, x0, to, o0, count);
                    case ERF -> (in, x0, to, o0, count) -> VectorMath.erfRow(in, x0, to, o0, count);
                    case GELU -> (in, x0, to, o0, count) -> VectorMath.geluRow(in, x0, to, o0, count);
                    case GELU_DERIVATIVE ->
                        (in, x0, to, o0, count) -> VectorMath.geluDerivativeRow(in, x0, to, o0, count);
                    case LOG, TANH, SIN, COS -> null;
                };
        if (sx != 1 || so != 1 || row == null) {
            loop.run(parallel, (at, count) -> unaryStrided(op, xs, at[0], sx, os, at[1], so, count));
            return;
        }
        loop.run(parallel, (at, count) -> {
            int full = count - count % L;
            row.run(xs, at[0] * 4, os, at[1] * 4, full);
            if (full < count) { // the tail goes through the same row function on a padded copy
                MemorySegment tail = TAIL.get();
                tail.fill((byte) 0);
                MemorySegment.copy(xs, (at[0] + full) * 4, tail, 0, (count - full) * 4L);
                row.run(tail, 0, tail, 0, L);
                MemorySegment.copy(tail, 0, os, (at[1] + full) * 4, (count - full) * 4L);
            }
        });
    }

    /** A dense unary loop over count floats (a multiple of L) at byte offsets. */
    @FunctionalInterface
    private interface DenseRow {
        void run(MemorySegment in, long inAt, MemorySegment out, long outAt, int count);
    }

    private static final ThreadLocal<MemorySegment> TAIL =
            ThreadLocal.withInitial(() -> java.lang.foreign.Arena.ofAuto().allocate(L * 4L, 64));

    // Hot loops are straight-line: one vector load, the function, one store. A vector that flows
    // through a merge (a ternary, a switch expression, a helper with several returns) or across a
    // call C2 did not inline is boxed, a heap allocation per vector; that ran NEG at 3 ns per
    // element. Each polynomial function has its own row loop in VectorMath, so that no compilation
    // unit holds several and overruns C2's inlining budget (bench/NOTES.md). Loops count an int
    // element index and derive the long byte offset: a long loop counter ran exp and GELU ~10% slower.

    private static void unaryDense(UnaryOp op, MemorySegment xs, long x0, MemorySegment os, long o0, int count) {
        for (int e = 0; e < count; e += L) {
            long i = e * 4L;
            FloatVector v = FloatVector.fromMemorySegment(S, xs, x0 + i, ORDER);
            switch (op) {
                case NEG -> v.neg().intoMemorySegment(os, o0 + i, ORDER);
                case SQRT -> v.sqrt().intoMemorySegment(os, o0 + i, ORDER);
                case RSQRT -> ONE.div(v.sqrt()).intoMemorySegment(os, o0 + i, ORDER);
                case RECIPROCAL -> ONE.div(v).intoMemorySegment(os, o0 + i, ORDER);
                case ABS -> v.abs().intoMemorySegment(os, o0 + i, ORDER);
                default -> throw new IllegalArgumentException(op + " has its own loop");
            }
        }
    }

    /** Any strides, up to one vector at a time through a buffer: strided rows and the StrictMath ops. */
    private static void unaryStrided(
            UnaryOp op, MemorySegment xs, long x0, long sx, MemorySegment os, long o0, long so, int count) {
        float[] buffer = new float[L];
        for (int i = 0; i < count; i += L) {
            FloatVector v = load(xs, x0 + i * sx, sx, count - i, buffer);
            store(apply(op, v), os, o0 + i * so, so, count - i, buffer);
        }
    }

    /**
     * Lane by lane through StrictMath, in double, rounded once: the Vector API's LOG, TANH, SIN, COS
     * and POW give different bits before and after C2 compiles a loop (see {@link VectorMath}).
     * These ops are rare in training; exp, GELU and erf, which are not, have exact-arithmetic
     * versions there.
     */
    private static FloatVector strict(FloatVector v, java.util.function.DoubleUnaryOperator f) {
        float[] lanes = v.toArray();
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = (float) f.applyAsDouble(lanes[i]);
        }
        return FloatVector.fromArray(S, lanes, 0);
    }

    private static FloatVector strictPow(FloatVector x, FloatVector y) {
        float[] base = x.toArray();
        float[] exponent = y.toArray();
        for (int i = 0; i < base.length; i++) {
            base[i] = (float) StrictMath.pow(base[i], exponent[i]);
        }
        return FloatVector.fromArray(S, base, 0);
    }

    static FloatVector apply(UnaryOp op, FloatVector v) {
        return switch (op) {
            case NEG -> v.neg();
            case EXP -> VectorMath.exp(v);
            case LOG -> strict(v, StrictMath::log);
            case SQRT -> v.sqrt();
            case RSQRT -> ONE.div(v.sqrt());
            case RECIPROCAL -> ONE.div(v);
            case TANH -> strict(v, StrictMath::tanh);
            case SIGMOID -> ONE.div(VectorMath.exp(v.neg()).add(1f));
            case ERF -> VectorMath.erf(v);
            case ABS -> v.abs();
            case SIN -> strict(v, StrictMath::sin);
            case COS -> strict(v, StrictMath::cos);
            case GELU -> VectorMath.gelu(v);
            case GELU_DERIVATIVE -> VectorMath.geluDerivative(v);
        };
    }

    static void binary(BinaryOp op, Tensor a, Tensor b, Tensor out, Parallel parallel) {
        MemorySegment as = HostStorage.segmentOf(a);
        MemorySegment bs = HostStorage.segmentOf(b);
        MemorySegment os = HostStorage.segmentOf(out);
        Strided loop = Strided.of(out.shape(), a, b, out);
        long sa = loop.innerStride(0);
        long sb = loop.innerStride(1);
        long so = loop.innerStride(2);
        // POW stays out of the dense loop: its per-lane StrictMath call made C2 box the loop's vectors
        // for every op (bench/NOTES.md). Dense: out and at least one input contiguous, the other
        // contiguous or one value.
        if (op == BinaryOp.GELU_BACKWARD && sa == 1 && sb == 1 && so == 1) {
            // its own loop, as each polynomial unary has (see unary); the tail through the general path
            loop.run(parallel, (at, count) -> {
                int full = count - count % L;
                VectorMath.geluBackwardRow(as, at[0] * 4, bs, at[1] * 4, os, at[2] * 4, full);
                if (full < count) {
                    binaryStrided(op, as, at[0] + full, 1, bs, at[1] + full, 1, os, at[2] + full, 1, count - full);
                }
            });
            return;
        }
        boolean dense = !op.isComparison()
                && op != BinaryOp.POW
                && op != BinaryOp.GELU_BACKWARD
                && so == 1
                && (sa | 1) == 1
                && (sb | 1) == 1
                && (sa | sb) == 1;
        if (!dense) {
            loop.run(parallel, (at, count) -> binaryStrided(op, as, at[0], sa, bs, at[1], sb, os, at[2], so, count));
            return;
        }
        // one lambda, so one compilation unit, per loop: the three vector loops and the general path
        // in one lambda overran C2's node budget during training and boxed every vector (bench/NOTES.md)
        if (sa == 1 && sb == 1) {
            loop.run(parallel, (at, count) -> {
                int full = count - count % L;
                binaryDense(op, as, at[0] * 4, bs, at[1] * 4, os, at[2] * 4, full);
                for (int i = full; i < count; i++) {
                    os.setAtIndex(
                            F32,
                            at[2] + i,
                            arithmetic(op, as.getAtIndex(F32, at[0] + i), bs.getAtIndex(F32, at[1] + i)));
                }
            });
        } else if (sa == 1) {
            // a stride-0 operand is one value, broadcast into a vector inside the loop's method; the loop
            // then reads only native segments (a heap segment of copies beside them made the loop's
            // accesses polymorphic: scalar mul ran at 68% of add's bandwidth)
            loop.run(parallel, (at, count) -> {
                int full = count - count % L;
                float y = bs.getAtIndex(F32, at[1]);
                binaryScalarRight(op, as, at[0] * 4, y, os, at[2] * 4, full);
                for (int i = full; i < count; i++) {
                    os.setAtIndex(F32, at[2] + i, arithmetic(op, as.getAtIndex(F32, at[0] + i), y));
                }
            });
        } else {
            loop.run(parallel, (at, count) -> {
                int full = count - count % L;
                float x = as.getAtIndex(F32, at[0]);
                binaryScalarLeft(op, x, bs, at[1] * 4, os, at[2] * 4, full);
                for (int i = full; i < count; i++) {
                    os.setAtIndex(F32, at[2] + i, arithmetic(op, x, bs.getAtIndex(F32, at[1] + i)));
                }
            });
        }
    }

    /** Any strides, any op: whole vectors gathered and scattered through a buffer. */
    private static void binaryStrided(
            BinaryOp op,
            MemorySegment as,
            long a0,
            long sa,
            MemorySegment bs,
            long b0,
            long sb,
            MemorySegment os,
            long o0,
            long so,
            int count) {
        float[] buffer = new float[L];
        for (int i = 0; i < count; i += L) {
            FloatVector x = load(as, a0 + i * sa, sa, count - i, buffer);
            FloatVector y = load(bs, b0 + i * sb, sb, count - i, buffer);
            if (op.isComparison()) {
                Lanes.storeMask(x.compare(comparison(op), y), os, o0 + i * so, so, count - i);
            } else {
                store(apply(op, x, y), os, o0 + i * so, so, count - i, buffer);
            }
        }
    }

    /**
     * Byte offsets; both inputs dense. The four arithmetic ops each have a loop method of their own:
     * through the shared {@link #arithmetic}, C2 once compiled that switch as a method of its own
     * (too big to inline after that) and a step's SUB ran on boxed vectors (bench/NOTES.md).
     */
    private static void binaryDense(
            BinaryOp op, MemorySegment as, long a0, MemorySegment bs, long b0, MemorySegment os, long o0, int count) {
        switch (op) {
            case ADD -> addDense(as, a0, bs, b0, os, o0, count);
            case SUB -> subDense(as, a0, bs, b0, os, o0, count);
            case MUL -> mulDense(as, a0, bs, b0, os, o0, count);
            case DIV -> divDense(as, a0, bs, b0, os, o0, count);
            default -> {
                for (int e = 0; e < count; e += L) {
                    long i = e * 4L;
                    FloatVector x = FloatVector.fromMemorySegment(S, as, a0 + i, ORDER);
                    FloatVector y = FloatVector.fromMemorySegment(S, bs, b0 + i, ORDER);
                    arithmetic(op, x, y).intoMemorySegment(os, o0 + i, ORDER);
                }
            }
        }
    }

    private static void addDense(
            MemorySegment as, long a0, MemorySegment bs, long b0, MemorySegment os, long o0, int count) {
        for (int e = 0; e < count; e += L) {
            long i = e * 4L;
            FloatVector.fromMemorySegment(S, as, a0 + i, ORDER)
                    .add(FloatVector.fromMemorySegment(S, bs, b0 + i, ORDER))
                    .intoMemorySegment(os, o0 + i, ORDER);
        }
    }

    private static void subDense(
            MemorySegment as, long a0, MemorySegment bs, long b0, MemorySegment os, long o0, int count) {
        for (int e = 0; e < count; e += L) {
            long i = e * 4L;
            FloatVector.fromMemorySegment(S, as, a0 + i, ORDER)
                    .sub(FloatVector.fromMemorySegment(S, bs, b0 + i, ORDER))
                    .intoMemorySegment(os, o0 + i, ORDER);
        }
    }

    private static void mulDense(
            MemorySegment as, long a0, MemorySegment bs, long b0, MemorySegment os, long o0, int count) {
        for (int e = 0; e < count; e += L) {
            long i = e * 4L;
            FloatVector.fromMemorySegment(S, as, a0 + i, ORDER)
                    .mul(FloatVector.fromMemorySegment(S, bs, b0 + i, ORDER))
                    .intoMemorySegment(os, o0 + i, ORDER);
        }
    }

    private static void divDense(
            MemorySegment as, long a0, MemorySegment bs, long b0, MemorySegment os, long o0, int count) {
        for (int e = 0; e < count; e += L) {
            long i = e * 4L;
            FloatVector.fromMemorySegment(S, as, a0 + i, ORDER)
                    .div(FloatVector.fromMemorySegment(S, bs, b0 + i, ORDER))
                    .intoMemorySegment(os, o0 + i, ORDER);
        }
    }

    /**
     * As {@link #binaryDense} with y one value, made into a vector inside each loop's method (a
     * vector passed in, or picked between a load and a value by a ternary, was boxed). Each op has a
     * loop of its own, as in binaryDense: through the shared {@link #arithmetic} switch, a step's
     * x − scalar ran on boxed vectors, ~140 MB of heap a step (JFR's allocation samples,
     * bench/NOTES.md). x − y is x + (−y), and x + y, x·y, max and min commute, exactly in IEEE arithmetic.
     */
    private static void binaryScalarRight(
            BinaryOp op, MemorySegment as, long a0, float yValue, MemorySegment os, long o0, int count) {
        switch (op) {
            case ADD -> addScalar(as, a0, yValue, os, o0, count);
            case SUB -> addScalar(as, a0, -yValue, os, o0, count);
            case MUL -> mulScalar(as, a0, yValue, os, o0, count);
            case DIV -> divByScalar(as, a0, yValue, os, o0, count);
            default -> {
                FloatVector y = FloatVector.broadcast(S, yValue);
                for (int e = 0; e < count; e += L) {
                    long i = e * 4L;
                    FloatVector x = FloatVector.fromMemorySegment(S, as, a0 + i, ORDER);
                    arithmetic(op, x, y).intoMemorySegment(os, o0 + i, ORDER);
                }
            }
        }
    }

    /** As {@link #binaryScalarRight} with x the one value; the ops that commute exactly go there. */
    private static void binaryScalarLeft(
            BinaryOp op, float xValue, MemorySegment bs, long b0, MemorySegment os, long o0, int count) {
        switch (op) {
            case SUB -> scalarMinus(xValue, bs, b0, os, o0, count);
            case DIV -> scalarDividedBy(xValue, bs, b0, os, o0, count);
            default -> binaryScalarRight(op, bs, b0, xValue, os, o0, count);
        }
    }

    private static void addScalar(MemorySegment as, long a0, float value, MemorySegment os, long o0, int count) {
        FloatVector v = FloatVector.broadcast(S, value);
        for (int e = 0; e < count; e += L) {
            long i = e * 4L;
            FloatVector.fromMemorySegment(S, as, a0 + i, ORDER).add(v).intoMemorySegment(os, o0 + i, ORDER);
        }
    }

    private static void mulScalar(MemorySegment as, long a0, float value, MemorySegment os, long o0, int count) {
        FloatVector v = FloatVector.broadcast(S, value);
        for (int e = 0; e < count; e += L) {
            long i = e * 4L;
            FloatVector.fromMemorySegment(S, as, a0 + i, ORDER).mul(v).intoMemorySegment(os, o0 + i, ORDER);
        }
    }

    private static void divByScalar(MemorySegment as, long a0, float value, MemorySegment os, long o0, int count) {
        FloatVector v = FloatVector.broadcast(S, value);
        for (int e = 0; e < count; e += L) {
            long i = e * 4L;
            FloatVector.fromMemorySegment(S, as, a0 + i, ORDER).div(v).intoMemorySegment(os, o0 + i, ORDER);
        }
    }

    private static void scalarMinus(float value, MemorySegment bs, long b0, MemorySegment os, long o0, int count) {
        FloatVector v = FloatVector.broadcast(S, value);
        for (int e = 0; e < count; e += L) {
            long i = e * 4L;
            v.sub(FloatVector.fromMemorySegment(S, bs, b0 + i, ORDER)).intoMemorySegment(os, o0 + i, ORDER);
        }
    }

    private static void scalarDividedBy(float value, MemorySegment bs, long b0, MemorySegment os, long o0, int count) {
        FloatVector v = FloatVector.broadcast(S, value);
        for (int e = 0; e < count; e += L) {
            long i = e * 4L;
            v.div(FloatVector.fromMemorySegment(S, bs, b0 + i, ORDER)).intoMemorySegment(os, o0 + i, ORDER);
        }
    }

    /**
     * The dense loops' ops. POW stays out: its per-lane StrictMath call, inlined into a loop, made C2
     * box the loop's vectors for every op (bench/NOTES.md).
     */
    private static FloatVector arithmetic(BinaryOp op, FloatVector x, FloatVector y) {
        return switch (op) {
            case ADD -> x.add(y);
            case SUB -> x.sub(y);
            case MUL -> x.mul(y);
            case DIV -> x.div(y);
            case MAXIMUM -> x.max(y);
            case MINIMUM -> x.min(y);
            case POW, GELU_BACKWARD, EQ, NE, LT, LE, GT, GE ->
                throw new IllegalArgumentException(op + " has no dense vector loop here");
        };
    }

    /** The dense loops' ops on one element, as the vector lanes compute them (MAX and MIN as Math.max and Math.min). */
    private static float arithmetic(BinaryOp op, float x, float y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MAXIMUM -> Math.max(x, y);
            case MINIMUM -> Math.min(x, y);
            case POW, GELU_BACKWARD, EQ, NE, LT, LE, GT, GE ->
                throw new IllegalArgumentException(op + " has no dense loop here");
        };
    }

    static FloatVector apply(BinaryOp op, FloatVector x, FloatVector y) {
        return switch (op) {
            case POW -> strictPow(x, y);
            case GELU_BACKWARD -> VectorMath.geluDerivative(x).mul(y);
            case EQ, NE, LT, LE, GT, GE -> throw new IllegalArgumentException(op + " writes BOOL");
            default -> arithmetic(op, x, y);
        };
    }

    private static VectorOperators.Comparison comparison(BinaryOp op) {
        return switch (op) {
            case EQ -> VectorOperators.EQ;
            case NE -> VectorOperators.NE;
            case LT -> VectorOperators.LT;
            case LE -> VectorOperators.LE;
            case GT -> VectorOperators.GT;
            case GE -> VectorOperators.GE;
            default -> throw new IllegalArgumentException(op + " is not a comparison");
        };
    }

    /** out = cond ? a : b with F32 a, b, out and BOOL cond. */
    static void where(Tensor cond, Tensor a, Tensor b, Tensor out, Parallel parallel) {
        MemorySegment cs = HostStorage.segmentOf(cond);
        MemorySegment as = HostStorage.segmentOf(a);
        MemorySegment bs = HostStorage.segmentOf(b);
        MemorySegment os = HostStorage.segmentOf(out);
        Strided loop = Strided.of(out.shape(), cond, a, b, out);
        long sc = loop.innerStride(0);
        long sa = loop.innerStride(1);
        long sb = loop.innerStride(2);
        long so = loop.innerStride(3);
        loop.run(parallel, (at, count) -> {
            for (int i = 0; i < count; i++) {
                boolean pick = cs.get(ValueLayout.JAVA_BYTE, at[0] + i * sc) != 0;
                float v = pick ? as.getAtIndex(F32, at[1] + i * sa) : bs.getAtIndex(F32, at[2] + i * sb);
                os.setAtIndex(F32, at[3] + i * so, v);
            }
        });
    }

    static void fill(Tensor out, float value, Parallel parallel) {
        MemorySegment os = HostStorage.segmentOf(out);
        Strided loop = Strided.of(out.shape(), out);
        long so = loop.innerStride(0);
        FloatVector v = FloatVector.broadcast(S, value);
        loop.run(parallel, (at, count) -> {
            float[] buffer = new float[L];
            for (int i = 0; i < count; i += L) {
                store(v, os, at[0] + i * so, so, count - i, buffer);
            }
        });
    }

    /** Whether {@link #copy} handles this pair of dtypes: equal dtypes, or F32 on one side. */
    static boolean copies(DType from, DType to) {
        return from == to || to == DType.F32 || from == DType.F32;
    }

    /**
     * out = x elementwise. Equal dtypes copy bytes (contiguous runs in one bulk copy); otherwise one
     * side is F32 and the other is converted the way the reference backend does (truncation toward
     * zero into integers, round-to-nearest-even into BF16 and F16, != 0 into BOOL).
     */
    static void copy(Tensor x, Tensor out, Parallel parallel) {
        MemorySegment xs = HostStorage.segmentOf(x);
        MemorySegment os = HostStorage.segmentOf(out);
        DType from = x.dtype();
        DType to = out.dtype();
        int width = from.byteSize();
        Strided loop = Strided.of(out.shape(), x, out);
        long sx = loop.innerStride(0);
        long so = loop.innerStride(1);
        if (from == to && width == 4 && Transpose.handles(loop)) {
            Transpose.copy(xs, os, loop, parallel);
            return;
        }
        loop.run(parallel, (at, count) -> {
            if (from == to && sx == 1 && so == 1) {
                MemorySegment.copy(xs, at[0] * width, os, at[1] * width, (long) count * width);
            } else if (from == to) {
                for (int i = 0; i < count; i++) {
                    MemorySegment.copy(xs, (at[0] + i * sx) * width, os, (at[1] + i * so) * width, width);
                }
            } else if (to == DType.F32) {
                for (int i = 0; i < count; i++) {
                    os.setAtIndex(F32, at[1] + i * so, read(xs, from, at[0] + i * sx));
                }
            } else {
                for (int i = 0; i < count; i++) {
                    write(os, to, at[1] + i * so, xs.getAtIndex(F32, at[0] + i * sx));
                }
            }
        });
    }

    private static float read(MemorySegment s, DType type, long index) {
        return switch (type) {
            case F32 -> s.getAtIndex(F32, index);
            case F64 -> (float) s.getAtIndex(ValueLayout.JAVA_DOUBLE, index);
            case BF16 -> HalfFloats.bf16ToFloat(s.getAtIndex(ValueLayout.JAVA_SHORT, index));
            case F16 -> HalfFloats.f16ToFloat(s.getAtIndex(ValueLayout.JAVA_SHORT, index));
            case I64 -> (float) (double) s.getAtIndex(ValueLayout.JAVA_LONG, index); // as the reference: via double
            case I32 -> s.getAtIndex(ValueLayout.JAVA_INT, index);
            case U8 -> s.get(ValueLayout.JAVA_BYTE, index) & 0xFF;
            case BOOL -> s.get(ValueLayout.JAVA_BYTE, index) != 0 ? 1 : 0;
        };
    }

    private static void write(MemorySegment s, DType type, long index, float v) {
        switch (type) {
            case F32 -> s.setAtIndex(F32, index, v);
            case F64 -> s.setAtIndex(ValueLayout.JAVA_DOUBLE, index, v);
            case BF16 -> s.setAtIndex(ValueLayout.JAVA_SHORT, index, HalfFloats.floatToBf16(v));
            case F16 -> s.setAtIndex(ValueLayout.JAVA_SHORT, index, HalfFloats.floatToF16(v));
            case I64 -> s.setAtIndex(ValueLayout.JAVA_LONG, index, (long) v);
            case I32 -> s.setAtIndex(ValueLayout.JAVA_INT, index, (int) (long) v);
            case U8 -> s.set(ValueLayout.JAVA_BYTE, index, (byte) (long) v);
            case BOOL -> s.set(ValueLayout.JAVA_BYTE, index, (byte) (v != 0 ? 1 : 0));
        }
    }
}
