package dev.jmim.tensor.fast;

import static dev.jmim.tensor.fast.Lanes.ORDER;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies of 4-byte elements whose loop is a batch of 2-D transposes: out contiguous along the
 * innermost dim, x contiguous along the one before it ({@code mT().contiguous()}, a head permute).
 * Element by element, every access on x's side of such a copy starts a new cache line and, for large
 * matrices, a new page. Here each matrix is cut into tiles of {@value #TILE}² elements (few enough
 * pages for the TLB) and each tile into 8 × 8 blocks that are transposed in registers: eight vector
 * loads along x's contiguous dim, three rounds of two-vector shuffles, eight vector stores along
 * out's. The ragged edges, and every block where vectors are narrower than 8 floats, are copied
 * element by element. Bits move unchanged (loads, shuffles and stores only).
 */
final class Transpose {
    private static final int TILE = 128;
    private static final int B = 8;
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
    private static final boolean VECTOR = Lanes.L >= B;
    // two-vector shuffles: index i < 8 picks lane i of the first vector, 8 + i lane i of the second
    private static final VectorShuffle<Float> PAIRS_LOW = VectorShuffle.fromValues(S8, 0, 8, 1, 9, 4, 12, 5, 13);
    private static final VectorShuffle<Float> PAIRS_HIGH = VectorShuffle.fromValues(S8, 2, 10, 3, 11, 6, 14, 7, 15);
    private static final VectorShuffle<Float> QUADS_LOW = VectorShuffle.fromValues(S8, 0, 1, 8, 9, 4, 5, 12, 13);
    private static final VectorShuffle<Float> QUADS_HIGH = VectorShuffle.fromValues(S8, 2, 3, 10, 11, 6, 7, 14, 15);
    static final VectorShuffle<Float> HALVES_LOW = VectorShuffle.fromValues(S8, 0, 1, 2, 3, 8, 9, 10, 11);
    static final VectorShuffle<Float> HALVES_HIGH = VectorShuffle.fromValues(S8, 4, 5, 6, 7, 12, 13, 14, 15);

    private Transpose() {}

    /** Whether loop (operands x, out) is a batch of transposes this class copies. */
    static boolean handles(Strided loop) {
        int rank = loop.rank();
        return rank >= 2
                && loop.size() > 0
                && loop.innerStride(1) == 1
                && loop.stride(0, rank - 2) == 1
                && loop.innerStride(0) != 1;
    }

    /** One matrix of a batch: out[r·outRow + c] = x[r + c·xColumn], element offsets from x0 and o0. */
    private record Matrix(MemorySegment xs, long x0, long xColumn, MemorySegment os, long o0, long outRow) {}

    /** out = x for a loop that {@link #handles}, tiles split across threads. */
    static void copy(MemorySegment xs, MemorySegment os, Strided loop, Parallel parallel) {
        int rank = loop.rank();
        int rows = loop.size(rank - 2);
        int cols = loop.size(rank - 1);
        long matrices = loop.size() / ((long) rows * cols);
        int tileRows = Math.ceilDiv(rows, TILE);
        int tileCols = Math.ceilDiv(cols, TILE);
        long tiles = matrices * tileRows * tileCols;
        int parts = parallel.partsFor(loop.size(), tiles);
        parallel.run(parts, part -> {
            for (long t = tiles * part / parts; t < tiles * (part + 1) / parts; t++) {
                long index = t / ((long) tileRows * tileCols);
                int inMatrix = (int) (t % ((long) tileRows * tileCols));
                int r0 = inMatrix / tileCols * TILE;
                int c0 = inMatrix % tileCols * TILE;
                Matrix m = new Matrix(
                        xs,
                        loop.offsetOver(0, index, rank - 2),
                        loop.stride(0, rank - 1),
                        os,
                        loop.offsetOver(1, index, rank - 2),
                        loop.stride(1, rank - 2));
                tile(m, r0, Math.min(rows, r0 + TILE), c0, Math.min(cols, c0 + TILE));
            }
        });
    }

    /** Rows [r0, r1) and columns [c0, c1) of m: whole 8 × 8 blocks in registers, the edges element-wise. */
    private static void tile(Matrix m, int r0, int r1, int c0, int c1) {
        int rBlocks = VECTOR ? r0 + (r1 - r0) / B * B : r0;
        int cBlocks = VECTOR ? c0 + (c1 - c0) / B * B : c0;
        for (int r = r0; r < rBlocks; r += B) {
            for (int c = c0; c < cBlocks; c += B) {
                block(
                        m.xs(),
                        (m.x0() + r + c * m.xColumn()) * 4,
                        m.xColumn() * 4,
                        m.os(),
                        (m.o0() + r * m.outRow() + c) * 4,
                        m.outRow() * 4);
            }
        }
        elements(m, rBlocks, r1, c0, c1);
        elements(m, r0, rBlocks, cBlocks, c1);
    }

    private static void elements(Matrix m, int r0, int r1, int c0, int c1) {
        for (int r = r0; r < r1; r++) {
            for (int c = c0; c < c1; c++) {
                m.os().setAtIndex(
                                ValueLayout.JAVA_INT,
                                m.o0() + r * m.outRow() + c,
                                m.xs().getAtIndex(ValueLayout.JAVA_INT, m.x0() + r + c * m.xColumn()));
            }
        }
    }

    /** One 8 × 8 block at byte offsets: x's columns are xStep bytes apart, out's rows outStep. */
    private static void block(MemorySegment xs, long x, long xStep, MemorySegment os, long o, long outStep) {
        FloatVector c0 = FloatVector.fromMemorySegment(S8, xs, x, ORDER);
        FloatVector c1 = FloatVector.fromMemorySegment(S8, xs, x + xStep, ORDER);
        FloatVector c2 = FloatVector.fromMemorySegment(S8, xs, x + 2 * xStep, ORDER);
        FloatVector c3 = FloatVector.fromMemorySegment(S8, xs, x + 3 * xStep, ORDER);
        FloatVector c4 = FloatVector.fromMemorySegment(S8, xs, x + 4 * xStep, ORDER);
        FloatVector c5 = FloatVector.fromMemorySegment(S8, xs, x + 5 * xStep, ORDER);
        FloatVector c6 = FloatVector.fromMemorySegment(S8, xs, x + 6 * xStep, ORDER);
        FloatVector c7 = FloatVector.fromMemorySegment(S8, xs, x + 7 * xStep, ORDER);
        // p0 holds rows 0, 1, 4, 5 of columns 0 and 1, p1 rows 2, 3, 6, 7 of them; p2, p3 the same of columns 2, 3 ...
        FloatVector p0 = c0.rearrange(PAIRS_LOW, c1);
        FloatVector p1 = c0.rearrange(PAIRS_HIGH, c1);
        FloatVector p2 = c2.rearrange(PAIRS_LOW, c3);
        FloatVector p3 = c2.rearrange(PAIRS_HIGH, c3);
        FloatVector p4 = c4.rearrange(PAIRS_LOW, c5);
        FloatVector p5 = c4.rearrange(PAIRS_HIGH, c5);
        FloatVector p6 = c6.rearrange(PAIRS_LOW, c7);
        FloatVector p7 = c6.rearrange(PAIRS_HIGH, c7);
        // q0-q3 hold rows i and i + 4 of columns 0-3, q4-q7 the same of columns 4-7; the halves round joins them
        FloatVector q0 = p0.rearrange(QUADS_LOW, p2);
        FloatVector q1 = p0.rearrange(QUADS_HIGH, p2);
        FloatVector q2 = p1.rearrange(QUADS_LOW, p3);
        FloatVector q3 = p1.rearrange(QUADS_HIGH, p3);
        FloatVector q4 = p4.rearrange(QUADS_LOW, p6);
        FloatVector q5 = p4.rearrange(QUADS_HIGH, p6);
        FloatVector q6 = p5.rearrange(QUADS_LOW, p7);
        FloatVector q7 = p5.rearrange(QUADS_HIGH, p7);
        q0.rearrange(HALVES_LOW, q4).intoMemorySegment(os, o, ORDER);
        q1.rearrange(HALVES_LOW, q5).intoMemorySegment(os, o + outStep, ORDER);
        q2.rearrange(HALVES_LOW, q6).intoMemorySegment(os, o + 2 * outStep, ORDER);
        q3.rearrange(HALVES_LOW, q7).intoMemorySegment(os, o + 3 * outStep, ORDER);
        q0.rearrange(HALVES_HIGH, q4).intoMemorySegment(os, o + 4 * outStep, ORDER);
        q1.rearrange(HALVES_HIGH, q5).intoMemorySegment(os, o + 5 * outStep, ORDER);
        q2.rearrange(HALVES_HIGH, q6).intoMemorySegment(os, o + 6 * outStep, ORDER);
        q3.rearrange(HALVES_HIGH, q7).intoMemorySegment(os, o + 7 * outStep, ORDER);
    }
}
