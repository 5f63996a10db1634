package dev.jmim.tensor.fast;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Copies of 4-byte elements whose loop is a batch of 2-D transposes: out contiguous along the
 * innermost dim, x contiguous along the one before it ({@code mT().contiguous()}, a head permute).
 * Element by element, every access on x's side of such a copy starts a new cache line and, for large
 * matrices, a new page. Here each matrix is cut into tiles of {@value #TILE}² elements (few enough
 * pages for the TLB) and each tile into 8 × 8 blocks that are transposed in registers: eight vector
 * loads along x's contiguous dim, the three rounds of a {@link Butterfly}, eight vector stores along
 * out's. The ragged edges, and every block where vectors are narrower than 8 floats, are copied
 * element by element. Bits move unchanged (loads, shuffles and stores only).
 */
final class Transpose {
    private static final int TILE = 128;
    private static final int B = 8;
    private static final boolean VECTOR = Lanes.L >= B;
    private static final int ALIGNED = 32;
    private static final int STAGED_HEIGHT = 32;
    private static final ThreadLocal<MemorySegment> STAGE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(TILE * TILE * 4L, 64));

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
        if (rBlocks > r0 && cBlocks > c0) {
            blocks(m, r0, rBlocks, c0, cBlocks);
        }
        elements(m, rBlocks, r1, c0, c1);
        elements(m, r0, rBlocks, cBlocks, c1);
    }

    /**
     * The 8 × 8 blocks of rows [r0, r1) × columns [c0, c1). Where x's vectors would start off a
     * 32-byte boundary (an odd row length), and the runs are long enough to pay for it, x's runs are
     * first copied into an aligned per-thread tile: split loads from memory halved the copy's speed.
     */
    private static void blocks(Matrix m, int r0, int r1, int c0, int c1) {
        MemorySegment source = m.xs();
        long first = m.x0() + r0 + c0 * m.xColumn();
        long column = m.xColumn();
        int height = r1 - r0;
        boolean aligned = (m.xs().address() + first * 4) % ALIGNED == 0 && column * 4 % ALIGNED == 0;
        if (!aligned && height >= STAGED_HEIGHT) {
            source = STAGE.get();
            for (int c = c0; c < c1; c++) {
                MemorySegment.copy(
                        m.xs(), (m.x0() + r0 + c * m.xColumn()) * 4, source, (c - c0) * height * 4L, height * 4L);
            }
            first = 0;
            column = height;
        }
        for (int r = r0; r < r1; r += B) {
            for (int c = c0; c < c1; c += B) {
                Butterfly.transpose(
                        source,
                        (first + (r - r0) + (c - c0) * column) * 4,
                        column * 4,
                        m.os(),
                        (m.o0() + r * m.outRow() + c) * 4,
                        m.outRow() * 4);
            }
        }
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
}
