package dev.jmim.tensor;

import java.util.Arrays;

/** Stride arithmetic for views: which reshapes can share storage, and the shapes they infer. */
final class Views {
    private Views() {}

    /** Replaces a single -1 by the size that keeps the element count; checks the count matches. */
    static int[] inferShape(String op, int[] from, int[] requested) {
        long numel = Shapes.numel(from);
        int inferAt = -1;
        long known = 1;
        for (int i = 0; i < requested.length; i++) {
            if (requested[i] == -1) {
                if (inferAt >= 0) {
                    throw new IllegalArgumentException(
                            op + ": only one dim can be -1, got " + Shapes.format(requested));
                }
                inferAt = i;
            } else if (requested[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid size in " + Shapes.format(requested));
            } else {
                known *= requested[i];
            }
        }
        int[] shape = requested.clone();
        if (inferAt >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException(op + ": cannot infer -1 in " + Shapes.format(requested)
                        + " for a tensor of shape " + Shapes.format(from) + " (" + numel + " elements)");
            }
            shape[inferAt] = Math.toIntExact(numel / known);
        } else if (known != numel) {
            throw new IllegalArgumentException(op + ": shape " + Shapes.format(requested) + " (" + known
                    + " elements) is invalid for a tensor of shape " + Shapes.format(from) + " (" + numel
                    + " elements)");
        }
        return shape;
    }

    /**
     * Strides that let a tensor of {@code shape}/{@code strides} be seen with {@code newShape} without
     * copying, or null when the memory layout does not allow it (PyTorch's view rule: each run of
     * old dims merged into new dims must be contiguous within itself).
     */
    static long[] viewStrides(int[] shape, long[] strides, int[] newShape) {
        long[] newStrides = new long[newShape.length];
        if (Shapes.numel(shape) == 0) {
            return Shapes.contiguousStrides(newShape);
        }
        int newDim = newShape.length - 1;
        long chunkBaseStride = strides.length > 0 ? strides[strides.length - 1] : 1;
        long tensorElems = 1;
        long viewElems = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            tensorElems *= shape[d];
            boolean chunkEnds = d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorElems * chunkBaseStride);
            if (chunkEnds) {
                while (newDim >= 0 && (viewElems < tensorElems || newShape[newDim] == 1)) {
                    newStrides[newDim] = viewElems * chunkBaseStride;
                    viewElems *= newShape[newDim];
                    newDim--;
                }
                if (viewElems != tensorElems) {
                    return null;
                }
                if (d > 0) {
                    chunkBaseStride = strides[d - 1];
                    tensorElems = 1;
                    viewElems = 1;
                }
            }
        }
        while (newDim >= 0) {
            // Only size-1 dims can remain; their stride is irrelevant.
            if (newShape[newDim] != 1) {
                return null;
            }
            newStrides[newDim] = 1;
            newDim--;
        }
        return newStrides;
    }

    static int[] checkedPermutation(String op, int[] dims, int rank) {
        if (dims.length != rank) {
            throw new IllegalArgumentException(
                    op + ": needs " + rank + " dims for a rank-" + rank + " tensor, got " + Arrays.toString(dims));
        }
        int[] normalized = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int d = Shapes.normalizeDim(op, dims[i], rank);
            if (seen[d]) {
                throw new IllegalArgumentException(op + ": dim " + d + " repeats in " + Arrays.toString(dims));
            }
            seen[d] = true;
            normalized[i] = d;
        }
        return normalized;
    }
}
