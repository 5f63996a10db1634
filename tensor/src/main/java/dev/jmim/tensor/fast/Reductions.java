package dev.jmim.tensor.fast;

import static dev.jmim.tensor.fast.Lanes.L;
import static dev.jmim.tensor.fast.Lanes.S;

import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.ReduceOp;
import dev.jmim.tensor.Shapes;
import dev.jmim.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * F32 sum, max and min over any set of dims. The input's dims are collapsed (size 1 dropped,
 * neighbours with the same role and compatible strides merged), then one of two loops runs:
 *
 * <ul>
 *   <li><b>rows</b>, when the innermost dim is reduced (a loss mean, a layer-norm statistic): each
 *       output is one vector accumulator over its reduced elements, folded in lane order at the end;
 *   <li><b>columns</b>, when the innermost dim is kept (a bias gradient summed over the batch):
 *       accumulators for chunks of up to 1024 outputs (narrower where that gives every thread a
 *       chunk) stay in L1 while the reduced rows are added in, four rows per pass over them; a sum
 *       of contiguous rows into one row of outputs goes by fixed blocks of rows instead, each thread
 *       streaming whole rows ({@link #sumRowBlocks}).
 * </ul>
 *
 * Sums add their terms in pairs in float, then the pairs in double: each pair's sum rounds once, by
 * at most 2⁻²⁴ of its terms' magnitude, so a sum is off by at most 2⁻²⁴·Σ|x| (plus double's
 * rounding) before its own rounding to float — a million float terms keep 7 digits. Converting every
 * term to double, as the reference backend does, cost a third of the bandwidth on AVX-512 (13.5 against
 * 18–20 GB/s, bench/NOTES.md); pairs run at 18. Max and min stay in float, where they are exact.
 *
 * Each output is owned by one thread and summed in a fixed order, so results do not depend on the
 * thread count.
 */
final class Reductions {
    private static final int COLUMN_CHUNK = 1024;
    private static final int ROWS_PER_PASS = 4;
    private static final int ROW_BLOCK = 64;
    private static final int MAX_ROW_BLOCKS = 256;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    private static final VectorOperators.Conversion<Float, Double> F2D = VectorOperators.F2D;

    private Reductions() {}

    /** The collapsed loop: sizes, the input's strides, and which dims are reduced. */
    private record Dims(int[] size, long[] stride, boolean[] reduced) {
        static Dims of(Tensor x, boolean[] reducedDims) {
            int rank = x.dim();
            int[] size = new int[rank];
            long[] stride = new long[rank];
            boolean[] reduced = new boolean[rank];
            int n = 0;
            for (int d = 0; d < rank; d++) {
                if (x.size(d) == 1) {
                    continue;
                }
                if (n > 0 && reduced[n - 1] == reducedDims[d] && stride[n - 1] == x.stride(d) * x.size(d)) {
                    size[n - 1] *= x.size(d);
                    stride[n - 1] = x.stride(d);
                } else {
                    size[n] = x.size(d);
                    stride[n] = x.stride(d);
                    reduced[n] = reducedDims[d];
                    n++;
                }
            }
            return new Dims(Arrays.copyOf(size, n), Arrays.copyOf(stride, n), Arrays.copyOf(reduced, n));
        }

        /** The sizes and strides of the dims with the given role, in order. */
        int[] sizes(boolean role) {
            return java.util.stream.IntStream.range(0, size.length)
                    .filter(d -> reduced[d] == role)
                    .map(d -> size[d])
                    .toArray();
        }

        long[] strides(boolean role) {
            return java.util.stream.IntStream.range(0, size.length)
                    .filter(d -> reduced[d] == role)
                    .mapToLong(d -> stride[d])
                    .toArray();
        }
    }

    static void reduce(ReduceOp op, Tensor x, boolean[] reducedDims, Tensor out, Parallel parallel) {
        Dims dims = Dims.of(x, reducedDims);
        int rank = dims.size().length;
        if (rank == 0 || dims.reduced()[rank - 1]) {
            rows(op, x, dims, out, parallel);
        } else {
            columns(op, x, dims, out, parallel);
        }
    }

    private static void rows(ReduceOp op, Tensor x, Dims dims, Tensor out, Parallel parallel) {
        MemorySegment xs = HostStorage.segmentOf(x);
        MemorySegment os = HostStorage.segmentOf(out);
        int[] keptSize = dims.sizes(false);
        long[] keptStride = dims.strides(false);
        int[] outer = dims.sizes(true);
        long[] outerStride = dims.strides(true);
        int inner = outer.length == 0 ? 1 : outer[outer.length - 1];
        long innerStride = outer.length == 0 ? 1 : outerStride[outer.length - 1];
        int[] reducedOuter = Arrays.copyOf(outer, Math.max(0, outer.length - 1));
        long outputs = Shapes.numel(keptSize);
        int parts = parallel.partsFor(x.numel(), outputs);
        parallel.run(parts, part -> {
            float[] floats = new float[L];
            double[] doubles = new double[L];
            int[] counter = new int[reducedOuter.length];
            double[] two = new double[2];
            long end = outputs * (part + 1) / parts;
            for (long o = outputs * part / parts; o < end; o++) {
                long rowBase = x.offset() + Strided.offsetOf(o, keptSize, keptStride, keptSize.length);
                if (op == ReduceOp.SUM && reducedOuter.length == 0 && innerStride == 1 && o + 1 < end) {
                    long nextBase = x.offset() + Strided.offsetOf(o + 1, keptSize, keptStride, keptSize.length);
                    sumTwoRows(xs, rowBase, nextBase, inner, doubles, two);
                    os.setAtIndex(Lanes.F32, out.offset() + o, (float) two[0]);
                    os.setAtIndex(Lanes.F32, out.offset() + ++o, (float) two[1]);
                    continue;
                }
                Arrays.fill(counter, 0);
                double sum = 0;
                float extreme = identity(op);
                do {
                    if (op == ReduceOp.SUM) {
                        sum += sumRow(xs, rowBase, innerStride, inner, doubles);
                    } else {
                        extreme = combine(op, extreme, extremeRow(op, xs, rowBase, innerStride, inner, floats));
                    }
                    rowBase = next(counter, reducedOuter, outerStride, rowBase);
                } while (rowBase != Long.MIN_VALUE);
                os.setAtIndex(Lanes.F32, out.offset() + o, op == ReduceOp.SUM ? (float) sum : extreme);
            }
        });
    }

    /**
     * Σ of count floats from element offset at, stride apart: each float pair (element i, element i +
     * L) added in float, the pairs into two double accumulators (lanes 0–7 of the pair, lanes 8–15)
     * folded in lane order, then the tail one by one in order. Only a double leaves the method, so no
     * vector is ever boxed.
     */
    private static double sumRow(MemorySegment xs, long at, long stride, int count, double[] lanes) {
        int full = stride == 1 ? count - count % (2 * L) : 0;
        DoubleVector low = DoubleVector.zero(D);
        DoubleVector high = low;
        for (int i = 0; i < full; i += 2 * L) {
            FloatVector v = FloatVector.fromMemorySegment(S, xs, (at + i) * 4, Lanes.ORDER)
                    .add(FloatVector.fromMemorySegment(S, xs, (at + i + L) * 4, Lanes.ORDER));
            low = low.add(v.convertShape(F2D, D, 0));
            high = high.add(v.convertShape(F2D, D, 1));
        }
        low.intoArray(lanes, 0);
        high.intoArray(lanes, D.length());
        return addTail(xs, at, stride, full, count, foldLanes(lanes));
    }

    /**
     * {@link #sumRow} of two contiguous rows at once (their loads interleaved, each row's sums in the
     * same order, so the same bits), into sums[0] and sums[1]: from memory, one row at a time ran
     * 12.9–13.5 GB/s on 2 threads where one long range runs 15.7–15.9, two at a time 14.8–16.1.
     */
    private static void sumTwoRows(MemorySegment xs, long at, long next, int count, double[] lanes, double[] sums) {
        int full = count - count % (2 * L);
        DoubleVector low = DoubleVector.zero(D);
        DoubleVector high = low;
        DoubleVector nextLow = low;
        DoubleVector nextHigh = low;
        for (int i = 0; i < full; i += 2 * L) {
            FloatVector v = FloatVector.fromMemorySegment(S, xs, (at + i) * 4, Lanes.ORDER)
                    .add(FloatVector.fromMemorySegment(S, xs, (at + i + L) * 4, Lanes.ORDER));
            FloatVector w = FloatVector.fromMemorySegment(S, xs, (next + i) * 4, Lanes.ORDER)
                    .add(FloatVector.fromMemorySegment(S, xs, (next + i + L) * 4, Lanes.ORDER));
            low = low.add(v.convertShape(F2D, D, 0));
            high = high.add(v.convertShape(F2D, D, 1));
            nextLow = nextLow.add(w.convertShape(F2D, D, 0));
            nextHigh = nextHigh.add(w.convertShape(F2D, D, 1));
        }
        low.intoArray(lanes, 0);
        high.intoArray(lanes, D.length());
        sums[0] = addTail(xs, at, 1, full, count, foldLanes(lanes));
        nextLow.intoArray(lanes, 0);
        nextHigh.intoArray(lanes, D.length());
        sums[1] = addTail(xs, next, 1, full, count, foldLanes(lanes));
    }

    private static double foldLanes(double[] lanes) {
        double sum = 0;
        for (int lane = 0; lane < L; lane++) {
            sum += lanes[lane];
        }
        return sum;
    }

    /** sum + the floats i ∈ [from, count) at at + i·stride, in order. */
    private static double addTail(MemorySegment xs, long at, long stride, int from, int count, double sum) {
        for (int i = from; i < count; i++) {
            sum += xs.getAtIndex(Lanes.F32, at + i * stride);
        }
        return sum;
    }

    /** The maximum or minimum (NaN wins) of count floats, as {@link #sumRow}. */
    private static float extremeRow(ReduceOp op, MemorySegment xs, long at, long stride, int count, float[] lanes) {
        int full = stride == 1 ? count - count % L : 0;
        FloatVector acc = FloatVector.broadcast(S, identity(op));
        for (int i = 0; i < full; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, xs, (at + i) * 4, Lanes.ORDER);
            acc = op == ReduceOp.MAX ? acc.max(v) : acc.min(v);
        }
        acc.intoArray(lanes, 0);
        float result = identity(op);
        for (int lane = 0; lane < L; lane++) {
            result = combine(op, result, lanes[lane]);
        }
        for (int i = full; i < count; i++) {
            result = combine(op, result, xs.getAtIndex(Lanes.F32, at + i * stride));
        }
        return result;
    }

    private static void columns(ReduceOp op, Tensor x, Dims dims, Tensor out, Parallel parallel) {
        if (op == ReduceOp.SUM
                && dims.size().length == 2
                && dims.reduced()[0]
                && dims.stride()[1] == 1
                && dims.size()[0] >= 2 * ROW_BLOCK) {
            sumRowBlocks(x, dims.size()[0], dims.stride()[0], dims.size()[1], out, parallel);
            return;
        }
        MemorySegment xs = HostStorage.segmentOf(x);
        MemorySegment os = HostStorage.segmentOf(out);
        int[] keptSize = dims.sizes(false);
        long[] keptStride = dims.strides(false);
        int width = keptSize[keptSize.length - 1];
        long widthStride = keptStride[keptStride.length - 1];
        int[] outerKept = Arrays.copyOf(keptSize, keptSize.length - 1);
        long[] outerKeptStride = Arrays.copyOf(keptStride, keptStride.length - 1);
        int[] reducedSize = dims.sizes(true);
        long[] reducedStride = dims.strides(true);
        long outerRows = Shapes.numel(outerKept);
        // a chunk per thread when there are fewer rows of outputs than threads: each output is still
        // summed by one thread in row order, so the chunk width never changes a bit
        int chunk = outerRows >= parallel.threads()
                ? COLUMN_CHUNK
                : Math.clamp(Math.ceilDiv(Math.ceilDiv(width, parallel.threads()), 2 * L) * 2 * L, 2 * L, COLUMN_CHUNK);
        int chunks = Math.ceilDiv(width, chunk);
        long items = outerRows * chunks;
        int parts = parallel.partsFor(x.numel(), items);
        parallel.run(parts, part -> {
            double[] sums = new double[chunk];
            long[] rows = new long[ROWS_PER_PASS];
            int[] counter = new int[reducedSize.length];
            for (long item = items * part / parts; item < items * (part + 1) / parts; item++) {
                long row = item / chunks;
                int from = (int) (item % chunks) * chunk;
                int count = Math.min(chunk, width - from);
                long target = out.offset() + row * width + from;
                long at = x.offset()
                        + Strided.offsetOf(row, outerKept, outerKeptStride, outerKept.length)
                        + from * widthStride;
                Arrays.fill(counter, 0);
                Arrays.fill(sums, 0);
                if (op != ReduceOp.SUM) { // the first reduced row initialises the outputs
                    for (int j = 0; j < count; j++) {
                        os.setAtIndex(Lanes.F32, target + j, xs.getAtIndex(Lanes.F32, at + j * widthStride));
                    }
                }
                if (op == ReduceOp.SUM) {
                    int pending = 0;
                    do {
                        rows[pending++] = at;
                        at = next(counter, reducedSize, reducedStride, at);
                        if (pending == ROWS_PER_PASS || at == Long.MIN_VALUE) {
                            addRows(xs, rows, pending, widthStride, count, sums);
                            pending = 0;
                        }
                    } while (at != Long.MIN_VALUE);
                } else {
                    boolean first = true;
                    do {
                        if (!first) {
                            extremeInto(op, xs, at, widthStride, count, os, target);
                        }
                        first = false;
                        at = next(counter, reducedSize, reducedStride, at);
                    } while (at != Long.MIN_VALUE);
                }
                if (op == ReduceOp.SUM) {
                    for (int j = 0; j < count; j++) {
                        os.setAtIndex(Lanes.F32, target + j, (float) sums[j]);
                    }
                }
            }
        });
    }

    /**
     * Σ over the rows of a [rows, width] matrix with contiguous rows (a bias gradient): rows in fixed
     * blocks, each block's column sums in double by one thread (threads take whole blocks, so each
     * streams a contiguous range of memory), then the blocks' sums added in block order. Splitting the
     * columns instead made each thread read half of every row, and ran at ~57% of a copy's bandwidth.
     * The blocks depend on the row count alone, so no bit depends on the thread count.
     */
    private static void sumRowBlocks(Tensor x, int rows, long rowStride, int width, Tensor out, Parallel parallel) {
        MemorySegment xs = HostStorage.segmentOf(x);
        MemorySegment os = HostStorage.segmentOf(out);
        int block = Math.max(ROW_BLOCK, Math.ceilDiv(rows, MAX_ROW_BLOCKS));
        int blocks = Math.ceilDiv(rows, block);
        double[][] partials = PartialSums.doubles(blocks, width);
        int parts = parallel.partsFor(x.numel(), blocks);
        parallel.run(parts, part -> {
            long[] starts = new long[ROWS_PER_PASS];
            for (int b = blocks * part / parts; b < blocks * (part + 1) / parts; b++) {
                Arrays.fill(partials[b], 0, width, 0.0);
                int end = Math.min(rows, (b + 1) * block);
                for (int r = b * block; r < end; r += ROWS_PER_PASS) {
                    int n = Math.min(ROWS_PER_PASS, end - r);
                    for (int i = 0; i < n; i++) {
                        starts[i] = x.offset() + (r + i) * rowStride;
                    }
                    addRows(xs, starts, n, 1, width, partials[b]);
                }
            }
        });
        double[] sums = partials[0];
        for (int b = 1; b < blocks; b++) {
            for (int j = 0; j < width; j++) {
                sums[j] += partials[b][j];
            }
        }
        for (int j = 0; j < width; j++) {
            os.setAtIndex(Lanes.F32, out.offset() + j, (float) sums[j]);
        }
    }

    /**
     * sums[j] += x[row + j·stride] for j < count and each of the first n rows in turn: four rows per
     * load and store of the accumulators, rows 0 + 1 and 2 + 3 added in float, then into the double
     * sums in that order (the vector columns; the tail columns and fewer rows than four go one by one).
     */
    private static void addRows(MemorySegment xs, long[] rows, int n, long stride, int count, double[] sums) {
        if (n < ROWS_PER_PASS || stride != 1) {
            for (int r = 0; r < n; r++) {
                addRow(xs, rows[r], stride, count, sums);
            }
            return;
        }
        int full = count - count % L;
        int h = D.length();
        long r0 = rows[0] * 4;
        long r1 = rows[1] * 4;
        long r2 = rows[2] * 4;
        long r3 = rows[3] * 4;
        for (int i = 0; i < full; i += L) {
            FloatVector v0 = FloatVector.fromMemorySegment(S, xs, r0 + i * 4L, Lanes.ORDER);
            FloatVector v1 = FloatVector.fromMemorySegment(S, xs, r1 + i * 4L, Lanes.ORDER);
            FloatVector v2 = FloatVector.fromMemorySegment(S, xs, r2 + i * 4L, Lanes.ORDER);
            FloatVector v3 = FloatVector.fromMemorySegment(S, xs, r3 + i * 4L, Lanes.ORDER);
            FloatVector first = v0.add(v1);
            FloatVector second = v2.add(v3);
            DoubleVector.fromArray(D, sums, i)
                    .add(first.convertShape(F2D, D, 0))
                    .add(second.convertShape(F2D, D, 0))
                    .intoArray(sums, i);
            DoubleVector.fromArray(D, sums, i + h)
                    .add(first.convertShape(F2D, D, 1))
                    .add(second.convertShape(F2D, D, 1))
                    .intoArray(sums, i + h);
        }
        for (long row : rows) {
            for (int i = full; i < count; i++) {
                sums[i] += xs.getAtIndex(Lanes.F32, row + i);
            }
        }
    }

    /** sums[j] += x[at + j·stride] for j < count, in double. */
    private static void addRow(MemorySegment xs, long at, long stride, int count, double[] sums) {
        int full = stride == 1 ? count - count % L : 0;
        int h = D.length();
        for (int i = 0; i < full; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, xs, (at + i) * 4, Lanes.ORDER);
            DoubleVector.fromArray(D, sums, i)
                    .add(v.convertShape(VectorOperators.F2D, D, 0))
                    .intoArray(sums, i);
            DoubleVector.fromArray(D, sums, i + h)
                    .add(v.convertShape(VectorOperators.F2D, D, 1))
                    .intoArray(sums, i + h);
        }
        for (int i = full; i < count; i++) {
            sums[i] += xs.getAtIndex(Lanes.F32, at + i * stride);
        }
    }

    /** out[target + j] = max (or min) of itself and x[at + j·stride], for j < count. */
    private static void extremeInto(
            ReduceOp op, MemorySegment xs, long at, long stride, int count, MemorySegment os, long target) {
        int full = stride == 1 ? count - count % L : 0;
        for (int i = 0; i < full; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, xs, (at + i) * 4, Lanes.ORDER);
            FloatVector o = FloatVector.fromMemorySegment(S, os, (target + i) * 4, Lanes.ORDER);
            if (op == ReduceOp.MAX) {
                o.max(v).intoMemorySegment(os, (target + i) * 4, Lanes.ORDER);
            } else {
                o.min(v).intoMemorySegment(os, (target + i) * 4, Lanes.ORDER);
            }
        }
        for (int i = full; i < count; i++) {
            float v = xs.getAtIndex(Lanes.F32, at + i * stride);
            os.setAtIndex(Lanes.F32, target + i, combine(op, os.getAtIndex(Lanes.F32, target + i), v));
        }
    }

    /**
     * Advances an odometer over sizes and returns the offset moved by the strides, or
     * Long.MIN_VALUE once it wraps (so a loop over zero dims runs exactly once).
     */
    private static long next(int[] counter, int[] sizes, long[] strides, long offset) {
        for (int d = counter.length - 1; d >= 0; d--) {
            offset += strides[d];
            if (++counter[d] < sizes[d]) {
                return offset;
            }
            offset -= sizes[d] * strides[d];
            counter[d] = 0;
        }
        return Long.MIN_VALUE;
    }

    private static float identity(ReduceOp op) {
        return switch (op) {
            case SUM -> 0f;
            case MAX -> Float.NEGATIVE_INFINITY;
            case MIN -> Float.POSITIVE_INFINITY;
        };
    }

    private static float combine(ReduceOp op, float acc, float v) {
        return switch (op) {
            case SUM -> acc + v;
            case MAX -> Math.max(acc, v);
            case MIN -> Math.min(acc, v);
        };
    }
}
