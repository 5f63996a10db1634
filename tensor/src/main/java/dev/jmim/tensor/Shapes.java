package dev.jmim.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by the tensor front end and the backends: sizes, strides, broadcasting. */
public final class Shapes {
    private Shapes() {}

    public static long numel(int[] shape) {
        long n = 1;
        for (int size : shape) {
            n = Math.multiplyExact(n, size);
        }
        return n;
    }

    /** Row-major strides, in elements, of a dense tensor of this shape. */
    public static long[] contiguousStrides(int[] shape) {
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= Math.max(shape[d], 1);
        }
        return strides;
    }

    /** Resolves a possibly negative dim against a rank, or says which dims are valid. */
    public static int normalizeDim(String op, int dim, int rank) {
        int lo = rank == 0 ? -1 : -rank;
        int hi = rank == 0 ? 0 : rank - 1;
        if (dim < lo || dim > hi) {
            throw new IllegalArgumentException(op + ": dim " + dim + " is out of range for a tensor of rank " + rank
                    + " (valid: " + lo + ".." + hi + ")");
        }
        return dim < 0 ? dim + Math.max(rank, 1) : dim;
    }

    /** NumPy broadcasting of two shapes, or an error naming both. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + format(a) + " and " + format(b)
                        + " do not broadcast (dim " + i + " of the aligned shapes: " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Fills index with the row-major multi-index of element number linear of shape. */
    public static void unravel(long linear, int[] shape, int[] index) {
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 0) {
                return;
            }
            index[d] = (int) (linear % shape[d]);
            linear /= shape[d];
        }
    }

    /** The error every backend gives when index {@code k}, at {@code position} of the index tensor, misses dim. */
    public static IndexOutOfBoundsException indexOutOfRange(String op, long k, int[] position, int dim, int size) {
        return new IndexOutOfBoundsException(op + ": index " + k + " at position " + Arrays.toString(position)
                + " is out of range for dim " + dim + " of size " + size);
    }

    public static String format(int[] shape) {
        return Arrays.toString(shape).replace(" ", "");
    }

    /** Checks every size is >= 0 and the element count fits a long. */
    public static int[] checked(String op, int[] shape) {
        for (int size : shape) {
            if (size < 0) {
                throw new IllegalArgumentException(op + ": negative size in shape " + format(shape));
            }
        }
        try {
            numel(shape);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(op + ": shape " + format(shape) + " has more than 2^63 elements");
        }
        return shape.clone();
    }
}
