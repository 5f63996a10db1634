package dev.jmim.tensor.naive;

import static dev.jmim.tensor.HostStorage.segmentOf;
import static dev.jmim.tensor.naive.Elements.byteOffset;
import static dev.jmim.tensor.naive.Elements.getDouble;
import static dev.jmim.tensor.naive.Elements.getLong;
import static dev.jmim.tensor.naive.Elements.putDouble;
import static dev.jmim.tensor.naive.Elements.putLong;

import dev.jmim.tensor.AdamwStep;
import dev.jmim.tensor.Backend;
import dev.jmim.tensor.BinaryOp;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.MemoryStats;
import dev.jmim.tensor.ReduceOp;
import dev.jmim.tensor.Shapes;
import dev.jmim.tensor.Storage;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.UnaryOp;
import dev.jmim.tensor.random.Distribution;
import dev.jmim.tensor.random.Philox;
import dev.jmim.tensor.random.PhiloxState;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.commons.numbers.gamma.Erf;
import org.apache.commons.numbers.gamma.Erfc;

/**
 * The reference CPU backend: one scalar loop per primitive, float math in double, integer math in
 * long, written to be obviously right rather than fast. Every other backend is tested against it,
 * and the fast backend extends it, overriding the primitives it accelerates.
 */
public class NaiveBackend implements Backend {
    private static final double INV_SQRT_2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2 * Math.PI);

    @Override
    public String name() {
        return "naive";
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public int threads() {
        return 1;
    }

    @Override
    public Storage allocate(long byteSize) {
        return HostStorage.allocate(byteSize);
    }

    @Override
    public Storage allocateForOutput(long byteSize) {
        return HostStorage.allocate(byteSize, false);
    }

    @Override
    public MemoryStats memoryStats() {
        return HostStorage.stats();
    }

    @Override
    public void copyFromHost(MemorySegment source, Storage target, long targetByteOffset, long byteCount) {
        MemorySegment.copy(source, 0, ((HostStorage) target).segment(), targetByteOffset, byteCount);
    }

    @Override
    public void copyToHost(Storage source, long sourceByteOffset, MemorySegment target, long byteCount) {
        MemorySegment.copy(((HostStorage) source).segment(), sourceByteOffset, target, 0, byteCount);
    }

    @Override
    public void copy(Tensor x, Tensor out) {
        boolean integral = !x.dtype().isFloating() && !out.dtype().isFloating();
        forEachIndex(out.shape(), i -> {
            if (integral) {
                putLong(
                        segmentOf(out),
                        out.dtype(),
                        byteOffset(out, i),
                        getLong(segmentOf(x), x.dtype(), byteOffset(x, i)));
            } else {
                putDouble(
                        segmentOf(out),
                        out.dtype(),
                        byteOffset(out, i),
                        getDouble(segmentOf(x), x.dtype(), byteOffset(x, i)));
            }
        });
    }

    @Override
    public void fill(Tensor out, double value) {
        forEachIndex(out.shape(), i -> putDouble(segmentOf(out), out.dtype(), byteOffset(out, i), value));
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor out) {
        forEachIndex(out.shape(), i -> {
            if (!x.dtype().isFloating()) {
                long v = getLong(segmentOf(x), x.dtype(), byteOffset(x, i));
                putLong(segmentOf(out), out.dtype(), byteOffset(out, i), op == UnaryOp.NEG ? -v : Math.abs(v));
                return;
            }
            double v = getDouble(segmentOf(x), x.dtype(), byteOffset(x, i));
            putDouble(segmentOf(out), out.dtype(), byteOffset(out, i), apply(op, v));
        });
    }

    static double apply(UnaryOp op, double v) {
        return switch (op) {
            case NEG -> -v;
            case EXP -> Math.exp(v);
            case LOG -> Math.log(v);
            case SQRT -> Math.sqrt(v);
            case RSQRT -> 1.0 / Math.sqrt(v);
            case RECIPROCAL -> 1.0 / v;
            case TANH -> Math.tanh(v);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-v));
            case ERF -> Double.isNaN(v) ? v : Erf.value(v);
            case ABS -> Math.abs(v);
            case SIN -> Math.sin(v);
            case COS -> Math.cos(v);
            case GELU -> Double.isNaN(v) ? v : 0.5 * v * Erfc.value(-v * INV_SQRT_2); // Φ(v) = erfc(−v/√2)/2
            case GELU_DERIVATIVE ->
                Double.isNaN(v) ? v : 0.5 * Erfc.value(-v * INV_SQRT_2) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
        };
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        boolean floating = a.dtype().isFloating();
        forEachIndex(out.shape(), i -> {
            long at = byteOffset(out, i);
            if (floating) {
                double x = getDouble(segmentOf(a), a.dtype(), byteOffset(a, i));
                double y = getDouble(segmentOf(b), b.dtype(), byteOffset(b, i));
                putDouble(segmentOf(out), out.dtype(), at, apply(op, x, y));
            } else {
                long x = getLong(segmentOf(a), a.dtype(), byteOffset(a, i));
                long y = getLong(segmentOf(b), b.dtype(), byteOffset(b, i));
                putLong(segmentOf(out), out.dtype(), at, apply(op, x, y));
            }
        });
    }

    static double apply(BinaryOp op, double x, double y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case POW -> Math.pow(x, y);
            case MAXIMUM -> Math.max(x, y);
            case MINIMUM -> Math.min(x, y);
            case GELU_BACKWARD -> y * apply(UnaryOp.GELU_DERIVATIVE, x);
            case EQ -> x == y ? 1 : 0;
            case NE -> x != y ? 1 : 0;
            case LT -> x < y ? 1 : 0;
            case LE -> x <= y ? 1 : 0;
            case GT -> x > y ? 1 : 0;
            case GE -> x >= y ? 1 : 0;
        };
    }

    static long apply(BinaryOp op, long x, long y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> throw new IllegalStateException("integer DIV reaches a backend only as float");
            case POW -> (long) Math.pow(x, y);
            case MAXIMUM -> Math.max(x, y);
            case MINIMUM -> Math.min(x, y);
            case GELU_BACKWARD ->
                throw new IllegalStateException("integer GELU_BACKWARD reaches a backend only as float");
            case EQ -> x == y ? 1 : 0;
            case NE -> x != y ? 1 : 0;
            case LT -> x < y ? 1 : 0;
            case LE -> x <= y ? 1 : 0;
            case GT -> x > y ? 1 : 0;
            case GE -> x >= y ? 1 : 0;
        };
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        boolean floating = out.dtype().isFloating();
        forEachIndex(out.shape(), i -> {
            Tensor pick = getLong(segmentOf(cond), cond.dtype(), byteOffset(cond, i)) != 0 ? a : b;
            long at = byteOffset(out, i);
            if (floating) {
                putDouble(
                        segmentOf(out), out.dtype(), at, getDouble(segmentOf(pick), pick.dtype(), byteOffset(pick, i)));
            } else {
                putLong(segmentOf(out), out.dtype(), at, getLong(segmentOf(pick), pick.dtype(), byteOffset(pick, i)));
            }
        });
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, boolean[] reduced, Tensor out) {
        int outCount = Math.toIntExact(out.numel());
        boolean floating = x.dtype().isFloating();
        double[] accD = new double[outCount];
        long[] accL = new long[outCount];
        boolean[] started = new boolean[outCount];
        int[] outShape = out.shape();
        long[] outStrides = Shapes.contiguousStrides(outShape);
        forEachIndex(x.shape(), i -> {
            int slot = 0;
            for (int d = 0; d < i.length; d++) {
                slot += (int) ((reduced[d] ? 0 : i[d]) * outStrides[d]);
            }
            if (floating) {
                double v = getDouble(segmentOf(x), x.dtype(), byteOffset(x, i));
                accD[slot] = !started[slot] && op != ReduceOp.SUM ? v : combine(op, accD[slot], v);
            } else {
                long v = getLong(segmentOf(x), x.dtype(), byteOffset(x, i));
                accL[slot] = !started[slot] && op != ReduceOp.SUM ? v : combine(op, accL[slot], v);
            }
            started[slot] = true;
        });
        int[] oi = new int[outShape.length];
        for (int slot = 0; slot < outCount; slot++) {
            Shapes.unravel(slot, outShape, oi);
            if (floating) {
                putDouble(segmentOf(out), out.dtype(), byteOffset(out, oi), accD[slot]);
            } else {
                putLong(segmentOf(out), out.dtype(), byteOffset(out, oi), accL[slot]);
            }
        }
    }

    private static double combine(ReduceOp op, double acc, double v) {
        return switch (op) {
            case SUM -> acc + v;
            case MAX -> Math.max(acc, v);
            case MIN -> Math.min(acc, v);
        };
    }

    private static long combine(ReduceOp op, long acc, long v) {
        return switch (op) {
            case SUM -> acc + v;
            case MAX -> Math.max(acc, v);
            case MIN -> Math.min(acc, v);
        };
    }

    @Override
    public void softmax(Tensor x, boolean log, Tensor out) {
        int n = x.dim() == 0 ? 1 : x.size(-1);
        double[] row = new double[n];
        forEachRow(x, out, row, () -> {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : row) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (double v : row) {
                sum += Math.exp(v - max);
            }
            for (int i = 0; i < n; i++) {
                row[i] = log ? row[i] - max - Math.log(sum) : Math.exp(row[i] - max) / sum;
            }
        });
    }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out) {
        int n = x.size(-1);
        double[] row = new double[n];
        forEachRow(x, out, row, () -> {
            double mean = 0;
            for (double v : row) {
                mean += v;
            }
            mean /= n;
            double variance = 0;
            for (double v : row) {
                variance += (v - mean) * (v - mean);
            }
            double r = 1.0 / Math.sqrt(variance / n + eps);
            for (int i = 0; i < n; i++) {
                double y = (row[i] - mean) * r;
                y = weight == null
                        ? y
                        : y * getDouble(segmentOf(weight), weight.dtype(), byteOffset(weight, new int[] {i}));
                row[i] = bias == null
                        ? y
                        : y + getDouble(segmentOf(bias), bias.dtype(), byteOffset(bias, new int[] {i}));
            }
        });
    }

    /** For each row of contiguous x: loads it into row, runs body, stores row into out's row. */
    private static void forEachRow(Tensor x, Tensor out, double[] row, Runnable body) {
        int n = row.length;
        long rows = n == 0 ? 0 : x.numel() / n;
        long size = x.dtype().byteSize();
        for (long r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                row[i] = getDouble(segmentOf(x), x.dtype(), (x.offset() + r * n + i) * size);
            }
            body.run();
            for (int i = 0; i < n; i++) {
                putDouble(segmentOf(out), out.dtype(), (out.offset() + r * n + i) * size, row[i]);
            }
        }
    }

    @Override
    public void argmax(Tensor x, int dim, Tensor out) {
        int length = x.dim() == 0 ? 1 : x.size(dim);
        forEachIndex(out.shape(), o -> {
            int[] i = o.clone();
            long best = 0;
            double bestValue = Double.NaN;
            for (int k = 0; k < length; k++) {
                if (i.length > 0) {
                    i[dim] = k;
                }
                double v = getDouble(segmentOf(x), x.dtype(), byteOffset(x, i));
                if (k == 0 || (!Double.isNaN(bestValue) && (Double.isNaN(v) || v > bestValue))) {
                    best = k;
                    bestValue = v;
                }
            }
            putLong(segmentOf(out), DType.I64, byteOffset(out, o), best);
        });
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        int rank = out.dim();
        int inner = a.size(-1);
        boolean floating = out.dtype().isFloating();
        forEachIndex(out.shape(), o -> {
            int[] ai = o.clone();
            int[] bi = o.clone();
            double sumD = 0;
            long sumL = 0;
            for (int k = 0; k < inner; k++) {
                ai[rank - 1] = k;
                bi[rank - 2] = k;
                if (floating) {
                    sumD += getDouble(segmentOf(a), a.dtype(), byteOffset(a, ai))
                            * getDouble(segmentOf(b), b.dtype(), byteOffset(b, bi));
                } else {
                    sumL += getLong(segmentOf(a), a.dtype(), byteOffset(a, ai))
                            * getLong(segmentOf(b), b.dtype(), byteOffset(b, bi));
                }
            }
            if (floating) {
                putDouble(segmentOf(out), out.dtype(), byteOffset(out, o), sumD);
            } else {
                putLong(segmentOf(out), out.dtype(), byteOffset(out, o), sumL);
            }
        });
    }

    @Override
    public void gather(Tensor x, int dim, Tensor index, Tensor out) {
        forEachIndex(out.shape(), o -> {
            int[] xi = o.clone();
            xi[dim] = checkedIndex("gather", index, o, dim, x.size(dim));
            copyElement(x, xi, out, o);
        });
    }

    @Override
    public void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        boolean floating = out.dtype().isFloating();
        forEachIndex(index.shape(), i -> {
            int[] oi = i.clone();
            oi[dim] = checkedIndex("scatter_add", index, i, dim, out.size(dim));
            long at = byteOffset(out, oi);
            if (floating) {
                double sum = getDouble(segmentOf(out), out.dtype(), at)
                        + getDouble(segmentOf(src), src.dtype(), byteOffset(src, i));
                putDouble(segmentOf(out), out.dtype(), at, sum);
            } else {
                long sum = getLong(segmentOf(out), out.dtype(), at)
                        + getLong(segmentOf(src), src.dtype(), byteOffset(src, i));
                putLong(segmentOf(out), out.dtype(), at, sum);
            }
        });
    }

    @Override
    public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        forEachIndex(out.shape(), o -> {
            int[] xi = o.clone();
            if (xi.length > 0) {
                xi[dim] = checkedIndex("index_select", index, new int[] {o[dim]}, 0, x.size(dim));
            }
            copyElement(x, xi, out, o);
        });
    }

    /** The textbook DFT, one axis after the other, in double: O(H·W·(H + W)) per image. */
    @Override
    public void fft2(Tensor x, boolean inverse, Tensor out) {
        int h = x.size(-3);
        int w = x.size(-2);
        long images = x.numel() / (2L * h * w);
        double sign = inverse ? 1 : -1;
        MemorySegment in = segmentOf(x);
        MemorySegment o = segmentOf(out);
        int bytes = x.dtype().byteSize();
        for (long image = 0; image < images; image++) {
            double[] re = new double[h * w];
            double[] im = new double[h * w];
            long base = x.offset() + image * 2L * h * w;
            for (int i = 0; i < h * w; i++) {
                re[i] = getDouble(in, x.dtype(), (base + 2L * i) * bytes);
                im[i] = getDouble(in, x.dtype(), (base + 2L * i + 1) * bytes);
            }
            for (int row = 0; row < h; row++) {
                dft(re, im, row * w, 1, w, sign);
            }
            for (int col = 0; col < w; col++) {
                dft(re, im, col, w, h, sign);
            }
            double scale = inverse ? 1.0 / ((double) h * w) : 1;
            long outBase = out.offset() + image * 2L * h * w;
            for (int i = 0; i < h * w; i++) {
                putDouble(o, out.dtype(), (outBase + 2L * i) * bytes, re[i] * scale);
                putDouble(o, out.dtype(), (outBase + 2L * i + 1) * bytes, im[i] * scale);
            }
        }
    }

    /** In place: the n points at start, start + stride, … replaced by their DFT (e^(sign·2πi·kj/n)). */
    private static void dft(double[] re, double[] im, int start, int stride, int n, double sign) {
        double[] outRe = new double[n];
        double[] outIm = new double[n];
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < n; j++) {
                double angle = sign * 2 * Math.PI * (((long) k * j) % n) / n;
                double c = Math.cos(angle);
                double s = Math.sin(angle);
                double a = re[start + j * stride];
                double b = im[start + j * stride];
                outRe[k] += a * c - b * s;
                outIm[k] += a * s + b * c;
            }
        }
        for (int k = 0; k < n; k++) {
            re[start + k * stride] = outRe[k];
            im[start + k * stride] = outIm[k];
        }
    }

    @Override
    public void adamw(AdamwStep step, Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq) {
        ValueLayout.OfFloat f32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
        AdamwStep.Factors f = step.factors();
        MemorySegment p = segmentOf(param);
        MemorySegment m = segmentOf(expAvg);
        MemorySegment v = segmentOf(expAvgSq);
        long[] i = {0};
        forEachIndex(param.shape(), at -> {
            float g = (float) getDouble(segmentOf(grad), DType.F32, byteOffset(grad, at));
            long pAt = (param.offset() + i[0]) * 4;
            long mAt = (expAvg.offset() + i[0]) * 4;
            long vAt = (expAvgSq.offset() + i[0]) * 4;
            i[0]++;
            float value = p.get(f32, pAt) * f.decay(); // 1 without weight decay: exact
            float mNew = m.get(f32, mAt) * f.beta1() + g * f.oneMinusBeta1();
            float vNew = v.get(f32, vAt) * f.beta2() + g * g * f.oneMinusBeta2();
            float denom = (float) Math.sqrt(vNew) / f.sqrtCorrection2() + f.eps();
            m.set(f32, mAt, mNew);
            v.set(f32, vAt, vNew);
            p.set(f32, pAt, value - mNew / denom * f.stepSize());
        });
    }

    @Override
    public void argsort(Tensor x, boolean descending, Tensor out) {
        int rank = x.dim();
        int length = x.size(-1);
        int[] rows = x.shape();
        rows[rank - 1] = 1;
        boolean floating = x.dtype().isFloating();
        forEachIndex(rows, r -> {
            int[] i = r.clone();
            double[] keys = new double[length];
            long[] longKeys = new long[length];
            List<Integer> order = new ArrayList<>(length);
            for (int k = 0; k < length; k++) {
                i[rank - 1] = k;
                if (floating) {
                    keys[k] = getDouble(segmentOf(x), x.dtype(), byteOffset(x, i));
                } else {
                    longKeys[k] = getLong(segmentOf(x), x.dtype(), byteOffset(x, i));
                }
                order.add(k);
            }
            Comparator<Integer> ascending = floating
                    ? (p, q) -> compareNaNLast(keys[p], keys[q])
                    : (p, q) -> Long.compare(longKeys[p], longKeys[q]);
            order.sort(descending ? ascending.reversed() : ascending);
            for (int k = 0; k < length; k++) {
                i[rank - 1] = k;
                putLong(segmentOf(out), DType.I64, byteOffset(out, i), order.get(k));
            }
        });
    }

    /** Orders numbers as usual with -0.0 equal to 0.0, and NaN after everything (equal to NaN). */
    private static int compareNaNLast(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Boolean.compare(Double.isNaN(a), Double.isNaN(b));
        }
        return a < b ? -1 : a > b ? 1 : 0;
    }

    @Override
    public void random(Distribution distribution, PhiloxState at, Tensor out) {
        long n = out.numel();
        long base = out.offset() * out.dtype().byteSize();
        for (long e = 0; e < n; e++) {
            float v = Philox.sample(distribution, at, e);
            putDouble(segmentOf(out), out.dtype(), base + e * out.dtype().byteSize(), v);
        }
    }

    private static void copyElement(Tensor from, int[] fromIndex, Tensor to, int[] toIndex) {
        if (to.dtype().isFloating()) {
            putDouble(
                    segmentOf(to),
                    to.dtype(),
                    byteOffset(to, toIndex),
                    getDouble(segmentOf(from), from.dtype(), byteOffset(from, fromIndex)));
        } else {
            putLong(
                    segmentOf(to),
                    to.dtype(),
                    byteOffset(to, toIndex),
                    getLong(segmentOf(from), from.dtype(), byteOffset(from, fromIndex)));
        }
    }

    /** The index stored at position i of index, checked against the size of the dim it addresses. */
    private static int checkedIndex(String op, Tensor index, int[] i, int dim, int size) {
        long k = getLong(segmentOf(index), index.dtype(), byteOffset(index, i));
        if (k < 0 || k >= size) {
            throw Shapes.indexOutOfRange(op, k, i, dim, size);
        }
        return (int) k;
    }

    /** Calls body with every multi-index of shape in row-major order (the array is reused). */
    private static void forEachIndex(int[] shape, Consumer<int[]> body) {
        long n = Shapes.numel(shape);
        int[] index = new int[shape.length];
        for (long linear = 0; linear < n; linear++) {
            Shapes.unravel(linear, shape, index);
            body.accept(index);
        }
    }
}
