package dev.jmim.tensor.fast;

import dev.jmim.tensor.Tensor;

/**
 * A loop nest over operands that share one shape, each with its own strides. Size-1 dims are
 * dropped and adjacent dims merged wherever every operand allows it, so a contiguous or broadcast
 * loop usually becomes one long row; a kernel then sees rows as (offset, inner stride, count) per
 * operand and can vectorise the common inner strides 1 and 0.
 */
final class Strided {
    private final int[] shape;
    private final long[][] strides;
    private final long[] offsets;

    private Strided(int[] shape, long[][] strides, long[] offsets) {
        this.shape = shape;
        this.strides = strides;
        this.offsets = offsets;
    }

    /** The loop over {@code shape} for operands of that shape (broadcast views included). */
    static Strided of(int[] shape, Tensor... operands) {
        int n = operands.length;
        int[] dims = new int[shape.length];
        long[][] st = new long[n][shape.length];
        int rank = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) {
                continue;
            }
            boolean merge = rank > 0;
            for (int k = 0; k < n && merge; k++) {
                merge = st[k][rank - 1] == operands[k].stride(d) * shape[d];
            }
            if (merge) {
                dims[rank - 1] *= shape[d];
                for (int k = 0; k < n; k++) {
                    st[k][rank - 1] = operands[k].stride(d);
                }
            } else {
                dims[rank] = shape[d];
                for (int k = 0; k < n; k++) {
                    st[k][rank] = operands[k].stride(d);
                }
                rank++;
            }
        }
        int[] collapsed = rank == 0 ? new int[] {1} : java.util.Arrays.copyOf(dims, rank);
        long[][] collapsedStrides = new long[n][];
        long[] base = new long[n];
        for (int k = 0; k < n; k++) {
            collapsedStrides[k] = rank == 0 ? new long[1] : java.util.Arrays.copyOf(st[k], rank);
            base[k] = operands[k].offset();
        }
        return new Strided(collapsed, collapsedStrides, base);
    }

    /** Elements in the loop. */
    long size() {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /** Dims left after collapsing. */
    int rank() {
        return shape.length;
    }

    /** Length of collapsed dim d. */
    int size(int d) {
        return shape[d];
    }

    /** Element stride of operand k along collapsed dim d. */
    long stride(int k, int d) {
        return strides[k][d];
    }

    /** Operand k's element offset at position index of the loop over the dims before {@code dims}. */
    long offsetOver(int k, long index, int dims) {
        return offsets[k] + offsetOf(index, shape, strides[k], dims);
    }

    /** The element offset, by strides, of position index in row-major order over the first dims of sizes. */
    static long offsetOf(long index, int[] sizes, long[] strides, int dims) {
        long at = 0;
        for (int d = dims - 1; d >= 0; d--) {
            at += index % sizes[d] * strides[d];
            index /= sizes[d];
        }
        return at;
    }

    /** Length of the innermost (contiguous-in-the-loop) dim. */
    int inner() {
        return shape[shape.length - 1];
    }

    /** Element stride of operand k along the innermost dim. */
    long innerStride(int k) {
        return strides[k][shape.length - 1];
    }

    /** What a kernel does with one piece of a row: {@code at[k]} is operand k's element offset. */
    @FunctionalInterface
    interface Row {
        void run(long[] at, int count);
    }

    /** Calls row for each piece of a row that lies in the element range [from, to), in order. */
    void forRange(long from, long to, Row row) {
        if (from >= to) {
            return;
        }
        int rank = shape.length;
        int n = offsets.length;
        int inner = inner();
        long[] base = offsets.clone();
        long[] at = new long[n];
        int[] counter = new int[rank];
        long rowIndex = from / inner;
        int col = (int) (from % inner);
        for (int d = rank - 2; d >= 0; d--) {
            counter[d] = (int) (rowIndex % shape[d]);
            rowIndex /= shape[d];
            for (int k = 0; k < n; k++) {
                base[k] += counter[d] * strides[k][d];
            }
        }
        long done = from;
        while (done < to) {
            int count = (int) Math.min(inner - col, to - done);
            for (int k = 0; k < n; k++) {
                at[k] = base[k] + col * strides[k][rank - 1];
            }
            row.run(at, count);
            done += count;
            col = 0;
            for (int d = rank - 2; d >= 0; d--) {
                for (int k = 0; k < n; k++) {
                    base[k] += strides[k][d];
                }
                if (++counter[d] < shape[d]) {
                    break;
                }
                for (int k = 0; k < n; k++) {
                    base[k] -= (long) shape[d] * strides[k][d];
                }
                counter[d] = 0;
            }
        }
    }

    /** Runs the whole loop on the threads of parallel, cut into equal element ranges aligned to cache lines. */
    void run(Parallel parallel, Row row) {
        long total = size();
        int parts = parallel.partsFor(total, total);
        parallel.run(
                parts,
                part -> forRange(
                        Parallel.split(total, parts, part, 64), Parallel.split(total, parts, part + 1, 64), row));
    }
}
