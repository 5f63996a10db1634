package dev.jmim.tensor.fast;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.Shapes;
import dev.jmim.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * gather / scatter_add / index_select when whole rows move: the index picks along a dim other
 * than the last and is the same across the last dim (a stride-0 view, as MAE's masking builds
 * it), and the rows are contiguous. A row is then one bulk copy (gather, index_select) or one
 * vector add (scatter_add). Anything else returns false and runs the reference loops.
 *
 * <p>scatter_add visits the index in row-major order, as the reference does, so repeated indices
 * add in the same order and the result is bit-identical to it; it runs on one thread for that
 * reason. gather and index_select write disjoint rows and split them across threads.
 */
final class Indexing {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Indexing() {}

    /** Whether a gather or scatter_add with these operands moves whole rows. */
    private static boolean rowShaped(int dim, Tensor index, Tensor... rows) {
        int last = index.dim() - 1;
        if (last < 1 || dim == last || (index.stride(last) != 0 && index.size(last) != 1)) {
            return false;
        }
        for (Tensor t : rows) {
            if (t.stride(last) != 1 && t.size(last) != 1) {
                return false;
            }
        }
        return true;
    }

    static boolean gather(Tensor x, int dim, Tensor index, Tensor out, Parallel parallel) {
        if (!rowShaped(dim, index, x, out)) {
            return false;
        }
        MemorySegment is = HostStorage.segmentOf(index);
        copyRows(x, dim, out, parallel, (at, position) -> checked("gather", index, is, at, dim, x.size(dim)));
        return true;
    }

    static boolean scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        if (out.dtype() != DType.F32 || src.dtype() != DType.F32 || !rowShaped(dim, index, out, src)) {
            return false;
        }
        if (index.numel() == 0) {
            return true;
        }
        int[] rowsShape = rowsOf(index.shape());
        long rows = Shapes.numel(rowsShape);
        int length = index.size(-1);
        MemorySegment os = HostStorage.segmentOf(out);
        MemorySegment ss = HostStorage.segmentOf(src);
        MemorySegment is = HostStorage.segmentOf(index);
        int[] at = new int[rowsShape.length];
        for (long r = 0; r < rows; r++) {
            Shapes.unravel(r, rowsShape, at);
            int k = checked("scatter_add", index, is, at, dim, out.size(dim));
            addRow(ss, offset(src, at, -1, 0) * 4, os, offset(out, at, dim, k) * 4, length);
        }
        return true;
    }

    /** index_select of rows: dim is not the last, and x's last dim is contiguous. */
    static boolean indexSelect(Tensor x, int dim, Tensor index, Tensor out, Parallel parallel) {
        int last = x.dim() - 1;
        if (last < 1 || dim == last || (x.stride(last) != 1 && x.size(last) != 1)) {
            return false;
        }
        MemorySegment is = HostStorage.segmentOf(index);
        copyRows(x, dim, out, parallel, (at, position) -> {
            position[0] = at[dim];
            return checked("index_select", index, is, position, 0, x.size(dim));
        });
        return true;
    }

    /** Where out's row at position {@code at} comes from along dim; position is a 1-element scratch. */
    @FunctionalInterface
    private interface SourceRow {
        int of(int[] at, int[] position);
    }

    /** Copies each row of out (every dim but the last) from x's row at the index source gives along dim. */
    private static void copyRows(Tensor x, int dim, Tensor out, Parallel parallel, SourceRow source) {
        if (out.numel() == 0) {
            return;
        }
        int[] rowsShape = rowsOf(out.shape());
        long rows = Shapes.numel(rowsShape);
        int length = out.size(-1);
        int bytes = x.dtype().byteSize();
        MemorySegment xs = HostStorage.segmentOf(x);
        MemorySegment os = HostStorage.segmentOf(out);
        int parts = parallel.partsFor(rows * length, rows);
        parallel.run(parts, part -> {
            int[] at = new int[rowsShape.length];
            int[] position = new int[1];
            for (long r = Parallel.split(rows, parts, part, 1); r < Parallel.split(rows, parts, part + 1, 1); r++) {
                Shapes.unravel(r, rowsShape, at);
                long from = offset(x, at, dim, source.of(at, position));
                long to = offset(out, at, -1, 0);
                MemorySegment.copy(xs, from * bytes, os, to * bytes, (long) length * bytes);
            }
        });
    }

    /** The shape of the rows: every dim but the last (whose position is always 0). */
    private static int[] rowsOf(int[] shape) {
        int[] rows = shape.clone();
        rows[rows.length - 1] = 1;
        return rows;
    }

    /** Element offset of t at position {@code at}, with dim {@code replaced} (if ≥ 0) set to {@code k}. */
    private static long offset(Tensor t, int[] at, int replaced, int k) {
        long element = t.offset();
        for (int d = 0; d < at.length; d++) {
            element += (long) (d == replaced ? k : at[d]) * t.stride(d);
        }
        return element;
    }

    private static int checked(String op, Tensor index, MemorySegment is, int[] at, int dim, int size) {
        long element = offset(index, at, -1, 0);
        long k = index.dtype() == DType.I64
                ? is.get(ValueLayout.JAVA_LONG_UNALIGNED, element * 8)
                : is.get(ValueLayout.JAVA_INT_UNALIGNED, element * 4);
        if (k < 0 || k >= size) {
            throw Shapes.indexOutOfRange(op, k, at, dim, size);
        }
        return (int) k;
    }

    /** out[to..to+n) += src[from..from+n), floats at byte offsets. */
    private static void addRow(MemorySegment src, long from, MemorySegment out, long to, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            long o = to + 4L * i;
            FloatVector.fromMemorySegment(S, out, o, ByteOrder.nativeOrder())
                    .add(FloatVector.fromMemorySegment(S, src, from + 4L * i, ByteOrder.nativeOrder()))
                    .intoMemorySegment(out, o, ByteOrder.nativeOrder());
        }
        for (; i < n; i++) {
            long o = to + 4L * i;
            out.set(F, o, out.get(F, o) + src.get(F, from + 4L * i));
        }
    }
}
