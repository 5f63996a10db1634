package dev.jmim.tensor.fast;

import static dev.jmim.tensor.fast.Lanes.F32;
import static dev.jmim.tensor.fast.Lanes.L;
import static dev.jmim.tensor.fast.Lanes.ORDER;
import static dev.jmim.tensor.fast.Lanes.S;

import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Fused F32 kernels over the rows of a contiguous [rows, n] tensor: softmax, log-softmax and
 * layer_norm, each reading its row from memory once and keeping it in L1 for the remaining passes
 * (the composites they replace make 5 to 8 passes over memory). Rows are split across threads.
 * layer_norm's backward, which also sums over the rows, is {@link LayerNormBackward}.
 */
final class RowKernels {
    private RowKernels() {}

    /**
     * out = softmax(x) (or log_softmax) over the last dim; x and out contiguous F32. Whole vectors
     * go through straight-line vector loops (no vector crosses a merge, so none is boxed); the
     * last n mod L elements of a row go through the same exp on a padded buffer. Each pass is its
     * own method: the row body in one compilation unit overran C2's node budget and boxed its
     * vectors (bench/NOTES.md). The exp pass over a row also takes the maximum of the part's next
     * row, so that row's first read from memory overlaps this row's arithmetic instead of stalling
     * a pass of its own (the maximum is exact in any order: the same bits).
     */
    static void softmax(Tensor x, boolean log, Tensor out, Parallel parallel) {
        MemorySegment xs = HostStorage.segmentOf(x);
        MemorySegment os = HostStorage.segmentOf(out);
        int n = x.dim() == 0 ? 1 : x.size(-1);
        long rows = n == 0 ? 0 : x.numel() / n;
        int full = n - n % L;
        int parts = parallel.partsFor(rows * n, rows);
        parallel.run(parts, part -> {
            float[] buffer = new float[2 * L];
            long first = rows * part / parts;
            long end = rows * (part + 1) / parts;
            float max = first < end ? rowMax(xs, x.offset() + first * n, n, full, buffer) : 0;
            for (long row = first; row < end; row++) {
                long xa = x.offset() + row * n;
                long oa = out.offset() + row * n;
                long next = row + 1 < end ? xa + n : xa;
                float sum = expSum(xs, xa, os, oa, full, max, !log, buffer, next);
                float nextMax = Lanes.fold(buffer, L, true);
                for (int j = full; j < n; j++) {
                    nextMax = Math.max(nextMax, xs.getAtIndex(F32, next + j));
                }
                if (full < n) { // the tail through the same vector exp, padded with e^−∞ = 0
                    java.util.Arrays.fill(buffer, Float.NEGATIVE_INFINITY);
                    for (int j = full; j < n; j++) {
                        buffer[j - full] = xs.getAtIndex(F32, xa + j) - max;
                    }
                    expInPlace(buffer);
                    for (int j = full; j < n; j++) {
                        sum += buffer[j - full];
                        if (!log) {
                            os.setAtIndex(F32, oa + j, buffer[j - full]);
                        }
                    }
                }
                if (log) {
                    float shift = max + (float) StrictMath.log(sum);
                    shiftRow(xs, xa, os, oa, full, shift);
                    for (int j = full; j < n; j++) {
                        os.setAtIndex(F32, oa + j, xs.getAtIndex(F32, xa + j) - shift);
                    }
                } else {
                    float inverse = 1 / sum; // a multiply per element instead of a division: one rounding more
                    scaleRow(os, oa, full, inverse);
                    for (int j = full; j < n; j++) {
                        os.setAtIndex(F32, oa + j, os.getAtIndex(F32, oa + j) * inverse);
                    }
                }
                max = nextMax;
            }
        });
    }

    /** The maximum of the row's n floats at xa (the first {@code full} as vectors), −∞ when n is 0. */
    private static float rowMax(MemorySegment xs, long xa, int n, int full, float[] buffer) {
        FloatVector maxV = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < full; i += L) {
            maxV = maxV.max(FloatVector.fromMemorySegment(S, xs, (xa + i) * 4, ORDER));
        }
        maxV.intoArray(buffer, 0);
        float max = Lanes.fold(buffer, L, true);
        for (int j = full; j < n; j++) {
            max = Math.max(max, xs.getAtIndex(F32, xa + j));
        }
        return max;
    }

    /**
     * Σ e^(x − max) over the row's first {@code full} floats (one exp per iteration: two overran
     * C2's inlining budget), each e^(x − max) written to out when {@code store}; the lane maxima of
     * the first {@code full} floats at element {@code next} are left in buffer[0, L).
     */
    private static float expSum(
            MemorySegment xs,
            long xa,
            MemorySegment os,
            long oa,
            int full,
            float max,
            boolean store,
            float[] buffer,
            long next) {
        FloatVector sumV = FloatVector.zero(S);
        FloatVector nextMax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < full; i += L) {
            FloatVector e = VectorMath.exp(
                    FloatVector.fromMemorySegment(S, xs, (xa + i) * 4, ORDER).sub(max));
            sumV = sumV.add(e);
            if (store) {
                e.intoMemorySegment(os, (oa + i) * 4, ORDER);
            }
            nextMax = nextMax.max(FloatVector.fromMemorySegment(S, xs, (next + i) * 4, ORDER));
        }
        sumV.intoArray(buffer, 0);
        float sum = Lanes.fold(buffer, L, false);
        nextMax.intoArray(buffer, 0);
        return sum;
    }

    /** buffer[0, L) = e^buffer[0, L), through the vector exp. */
    private static void expInPlace(float[] buffer) {
        VectorMath.exp(FloatVector.fromArray(S, buffer, 0)).intoArray(buffer, 0);
    }

    /** out[0, full) = x[0, full) − shift. */
    private static void shiftRow(MemorySegment xs, long xa, MemorySegment os, long oa, int full, float shift) {
        for (int i = 0; i < full; i += L) {
            FloatVector.fromMemorySegment(S, xs, (xa + i) * 4, ORDER)
                    .sub(shift)
                    .intoMemorySegment(os, (oa + i) * 4, ORDER);
        }
    }

    /** out[0, full) ·= inverse. */
    private static void scaleRow(MemorySegment os, long oa, int full, float inverse) {
        for (int i = 0; i < full; i += L) {
            FloatVector.fromMemorySegment(S, os, (oa + i) * 4, ORDER)
                    .mul(inverse)
                    .intoMemorySegment(os, (oa + i) * 4, ORDER);
        }
    }

    /**
     * out = (x − μ)·r·w + b per row with r = 1/√(σ² + eps), σ² the biased variance computed from
     * the centred row (two passes, as the composite); weight and bias ([n], contiguous) may be null
     * (read as ones and zeros, so that one straight-line loop serves every case).
     */
    static void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor out, Parallel parallel) {
        MemorySegment xs = HostStorage.segmentOf(x);
        MemorySegment os = HostStorage.segmentOf(out);
        int n = x.size(-1);
        MemorySegment ws = weight == null ? Lanes.filled(n, 1f) : HostStorage.segmentOf(weight);
        MemorySegment bs = bias == null ? Lanes.filled(n, 0f) : HostStorage.segmentOf(bias);
        long w0 = weight == null ? 0 : weight.offset();
        long b0 = bias == null ? 0 : bias.offset();
        long rows = n == 0 ? 0 : x.numel() / n;
        int full = n - n % L;
        forRows(rows, n, parallel, (row, buffer) -> {
            long xa = x.offset() + row * n;
            long oa = out.offset() + row * n;
            float mean = rowMean(xs, xa, n, buffer);
            float r = rowInverseStd(xs, xa, n, mean, eps, buffer);
            for (int i = 0; i < full; i += L) {
                FloatVector.fromMemorySegment(S, xs, (xa + i) * 4, ORDER)
                        .sub(mean)
                        .mul(r)
                        .mul(FloatVector.fromMemorySegment(S, ws, (w0 + i) * 4, ORDER))
                        .add(FloatVector.fromMemorySegment(S, bs, (b0 + i) * 4, ORDER))
                        .intoMemorySegment(os, (oa + i) * 4, ORDER);
            }
            for (int j = full; j < n; j++) {
                float y = (xs.getAtIndex(F32, xa + j) - mean) * r * ws.getAtIndex(F32, w0 + j);
                os.setAtIndex(F32, oa + j, y + bs.getAtIndex(F32, b0 + j));
            }
        });
    }

    /** The mean of the n floats of a row at element xa, summed in double, rounded to float. */
    static float rowMean(MemorySegment xs, long xa, int n, float[] buffer) {
        int pairs = n - n % (2 * L);
        FloatVector sumV = FloatVector.zero(S);
        FloatVector sumW = FloatVector.zero(S);
        for (int i = 0; i < pairs; i += 2 * L) {
            sumV = sumV.add(FloatVector.fromMemorySegment(S, xs, (xa + i) * 4, ORDER));
            sumW = sumW.add(FloatVector.fromMemorySegment(S, xs, (xa + i + L) * 4, ORDER));
        }
        sumV.add(sumW).intoArray(buffer, 0);
        double sum = foldInDouble(buffer, 0);
        for (int j = pairs; j < n; j++) {
            sum += xs.getAtIndex(F32, xa + j);
        }
        return (float) (sum / n);
    }

    /** layer_norm's r = 1/√(biased variance + eps) of the row, its squares folded in double. */
    static float rowInverseStd(MemorySegment xs, long xa, int n, float mean, double eps, float[] buffer) {
        int pairs = n - n % (2 * L);
        FloatVector squaresV = FloatVector.zero(S);
        FloatVector squaresW = FloatVector.zero(S);
        for (int i = 0; i < pairs; i += 2 * L) {
            FloatVector c =
                    FloatVector.fromMemorySegment(S, xs, (xa + i) * 4, ORDER).sub(mean);
            FloatVector d = FloatVector.fromMemorySegment(S, xs, (xa + i + L) * 4, ORDER)
                    .sub(mean);
            squaresV = c.fma(c, squaresV);
            squaresW = d.fma(d, squaresW);
        }
        squaresV.add(squaresW).intoArray(buffer, 0);
        double squares = foldInDouble(buffer, 0);
        for (int j = pairs; j < n; j++) {
            float c = xs.getAtIndex(F32, xa + j) - mean;
            squares += c * c;
        }
        return (float) (1.0 / Math.sqrt(squares / n + eps));
    }

    @FunctionalInterface
    private interface RowBody {
        void run(long row, float[] buffer);
    }

    private static void forRows(long rows, int n, Parallel parallel, RowBody body) {
        int parts = parallel.partsFor(rows * n, rows);
        parallel.run(parts, part -> {
            float[] buffer = new float[2 * L];
            for (long row = rows * part / parts; row < rows * (part + 1) / parts; row++) {
                body.run(row, buffer);
            }
        });
    }

    /** buffer[from, from + L): vector lanes stored by the caller (a vector passed to a call may be boxed), summed in double in lane order. */
    static double foldInDouble(float[] buffer, int from) {
        double acc = 0;
        for (int lane = from; lane < from + L; lane++) {
            acc += buffer[lane];
        }
        return acc;
    }
}
