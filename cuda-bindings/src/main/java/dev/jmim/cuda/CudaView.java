package dev.jmim.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code View} struct of {@code jmim.cuh}: offset, strides and shape (in elements) of one operand,
 * passed to kernels by value. Operands of one elementwise walk are collapsed together first (size-1
 * dims dropped, dims merged where every operand is contiguous across them), so most walks reach the
 * kernel as rank 1 and dense.
 *
 * <pre>
 * struct View { long long offset; long long strides[8]; int shape[8]; int rank; int dense; }  // 112 bytes
 * </pre>
 */
record CudaView(long offset, long[] strides, int[] shape) {
    static final int MAX_DIMS = 8;
    static final long BYTES = 112;

    boolean dense() {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (strides[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /**
     * Rank 1 or 2 with a last-dim stride of 1 or 0 and rows starting on 16-byte boundaries (offset and
     * row stride multiples of 4 floats): a row, or one value broadcast along it.
     */
    boolean rowBroadcast() {
        return (shape.length == 1 || shape.length == 2)
                && (columnStride() == 0 || columnStride() == 1)
                && rowStride() % 4 == 0
                && offset % 4 == 0;
    }

    /** Stride of the last dim (the row's). */
    int columnStride() {
        return (int) strides[shape.length - 1];
    }

    /** Stride between rows; 0 for a single row. */
    long rowStride() {
        return shape.length == 2 ? strides[0] : 0;
    }

    /** The struct's bytes, in {@code arena}. */
    MemorySegment write(Arena arena) {
        if (shape.length > MAX_DIMS) {
            throw new IllegalArgumentException("CUDA kernels take views of at most " + MAX_DIMS + " dims after"
                    + " merging contiguous ones; this one has " + shape.length);
        }
        MemorySegment s = arena.allocate(BYTES, 8);
        s.set(ValueLayout.JAVA_LONG, 0, offset);
        for (int d = 0; d < shape.length; d++) {
            s.set(ValueLayout.JAVA_LONG, 8 + 8L * d, strides[d]);
            s.set(ValueLayout.JAVA_INT, 72 + 4L * d, shape[d]);
        }
        s.set(ValueLayout.JAVA_INT, 104, shape.length);
        s.set(ValueLayout.JAVA_INT, 108, dense() ? 1 : 0);
        return s;
    }

    /**
     * Views of several operands walked together over {@code shape} (row-major), with the dims that can be
     * merged for all of them merged, so the walk visits the same elements in the same order.
     */
    static CudaView[] walk(int[] shape, long[] offsets, long[]... strides) {
        List<Integer> keptDims = new ArrayList<>();
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] != 1) {
                keptDims.add(d);
            }
        }
        List<Integer> sizes = new ArrayList<>();
        List<long[]> merged = new ArrayList<>(); // per dim: a stride per operand
        for (int d : keptDims) {
            long[] here = new long[strides.length];
            for (int o = 0; o < strides.length; o++) {
                here[o] = strides[o][d];
            }
            if (!sizes.isEmpty()) {
                int last = sizes.size() - 1;
                long[] outer = merged.get(last);
                boolean mergeable = true;
                for (int o = 0; o < strides.length; o++) {
                    mergeable &= outer[o] == here[o] * shape[d];
                }
                if (mergeable) {
                    sizes.set(last, sizes.get(last) * shape[d]);
                    merged.set(last, here);
                    continue;
                }
            }
            sizes.add(shape[d]);
            merged.add(here);
        }
        int[] walkShape = sizes.stream().mapToInt(Integer::intValue).toArray();
        CudaView[] views = new CudaView[strides.length];
        for (int o = 0; o < strides.length; o++) {
            long[] s = new long[walkShape.length];
            for (int d = 0; d < s.length; d++) {
                s[d] = merged.get(d)[o];
            }
            views[o] = new CudaView(offsets[o], s, walkShape);
        }
        return views;
    }
}
