package dev.jmim.tensor.fast;

import static dev.jmim.tensor.fast.Lanes.L;
import static dev.jmim.tensor.fast.Lanes.S;
import static dev.jmim.tensor.fast.Lanes.load;
import static dev.jmim.tensor.fast.Lanes.store;

import dev.jmim.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Fused F32 kernels over the rows of a contiguous [rows, n] tensor: softmax, log-softmax and
 * layer_norm, each reading its row from memory once and keeping it in L1 for the remaining passes
 * (the composites they replace make 5 to 8 passes over memory). Rows are split across threads.
 */
final class RowKernels {
    private RowKernels() {}

    /** out = softmax(x) (or log_softmax) over the last dim; x and out contiguous F32. */
    static void softmax(Tensor x, boolean log, Tensor out, Parallel parallel) {
        MemorySegment xs = Elementwise.segment(x);
        MemorySegment os = Elementwise.segment(out);
        int n = x.dim() == 0 ? 1 : x.size(-1);
        long rows = n == 0 ? 0 : x.numel() / n;
        forRows(rows, n, parallel, (row, buffer) -> {
            long xa = x.offset() + row * n;
            long oa = out.offset() + row * n;
            FloatVector maxV = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int i = 0; i < n; i += L) {
                FloatVector v = load(xs, xa + i, 1, n - i, buffer);
                maxV = maxV.max(
                        n - i < L
                                ? v.blend(
                                        Float.NEGATIVE_INFINITY,
                                        S.indexInRange(0, n - i).not())
                                : v);
            }
            float max = fold(maxV, buffer, true);
            FloatVector sumV = FloatVector.zero(S);
            for (int i = 0; i < n; i += L) {
                FloatVector e = load(xs, xa + i, 1, n - i, buffer).sub(max).lanewise(VectorOperators.EXP);
                if (n - i < L) {
                    e = e.blend(0f, S.indexInRange(0, n - i).not());
                }
                sumV = sumV.add(e);
                if (!log) {
                    store(e, os, oa + i, 1, n - i, buffer);
                }
            }
            float sum = fold(sumV, buffer, false);
            if (log) {
                float shift = max + (float) Math.log(sum);
                for (int i = 0; i < n; i += L) {
                    store(load(xs, xa + i, 1, n - i, buffer).sub(shift), os, oa + i, 1, n - i, buffer);
                }
            } else {
                for (int i = 0; i < n; i += L) {
                    store(load(os, oa + i, 1, n - i, buffer).div(sum), os, oa + i, 1, n - i, buffer);
                }
            }
        });
    }

    /**
     * out = (x − μ)·r·w + b per row with r = 1/√(σ² + eps), σ² the biased variance computed from
     * the centred row (two passes, as the composite); weight and bias ([n], contiguous) may be null.
     */
    static void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Parallel parallel) {
        MemorySegment xs = Elementwise.segment(x);
        MemorySegment os = Elementwise.segment(out);
        MemorySegment ws = weight == null ? null : Elementwise.segment(weight);
        MemorySegment bs = bias == null ? null : Elementwise.segment(bias);
        int n = x.size(-1);
        long rows = n == 0 ? 0 : x.numel() / n;
        forRows(rows, n, parallel, (row, buffer) -> {
            long xa = x.offset() + row * n;
            long oa = out.offset() + row * n;
            FloatVector sumV = FloatVector.zero(S);
            for (int i = 0; i < n; i += L) {
                sumV = sumV.add(load(xs, xa + i, 1, n - i, buffer));
            }
            float mean = (float) (foldInDouble(sumV, buffer) / n);
            FloatVector squares = FloatVector.zero(S);
            for (int i = 0; i < n; i += L) {
                FloatVector c = load(xs, xa + i, 1, n - i, buffer).sub(mean);
                if (n - i < L) {
                    c = c.blend(0f, S.indexInRange(0, n - i).not());
                }
                squares = c.fma(c, squares);
            }
            double variance = foldInDouble(squares, buffer) / n;
            float r = (float) (1.0 / Math.sqrt(variance + eps));
            for (int i = 0; i < n; i += L) {
                FloatVector y = load(xs, xa + i, 1, n - i, buffer).sub(mean).mul(r);
                if (ws != null) {
                    y = y.mul(load(ws, weight.offset() + i, 1, n - i, buffer));
                }
                if (bs != null) {
                    y = y.add(load(bs, bias.offset() + i, 1, n - i, buffer));
                }
                store(y, os, oa + i, 1, n - i, buffer);
            }
        });
    }

    @FunctionalInterface
    private interface RowBody {
        void run(long row, float[] buffer);
    }

    private static void forRows(long rows, int n, Parallel parallel, RowBody body) {
        int parts = rows * n < Strided.PARALLEL_MIN_ELEMENTS ? 1 : (int) Math.min(parallel.threads(), rows);
        parallel.run(parts, part -> {
            float[] buffer = new float[L];
            for (long row = rows * part / parts; row < rows * (part + 1) / parts; row++) {
                body.run(row, buffer);
            }
        });
    }

    /** The lanes of v summed in double, in lane order. */
    private static double foldInDouble(FloatVector v, float[] buffer) {
        v.intoArray(buffer, 0);
        double acc = 0;
        for (int lane = 0; lane < L; lane++) {
            acc += buffer[lane];
        }
        return acc;
    }

    /** The lanes of v folded in lane order: the maximum (NaN wins) or the sum. */
    private static float fold(FloatVector v, float[] buffer, boolean max) {
        v.intoArray(buffer, 0);
        float acc = buffer[0];
        for (int lane = 1; lane < L; lane++) {
            acc = max ? Math.max(acc, buffer[lane]) : acc + buffer[lane];
        }
        return acc;
    }
}
