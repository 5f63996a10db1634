package dev.jmim.tensor.fast;

import static dev.jmim.tensor.fast.Butterfly.lower;
import static dev.jmim.tensor.fast.Butterfly.upper;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * F32 matrix multiply C = A·B in the BLIS shape: B is packed into panels NR wide, A into panels MR
 * tall, and a register-blocked MR×NR micro-kernel runs over each pair of panels: 8×32 (sixteen
 * 16-float accumulators) where the CPU has 512-bit vectors, 4×16 (eight 8-float ones) elsewhere.
 * The shapes follow the register file: AVX-512 has 32 vector registers, AVX2 16, and C2 spilled
 * a 6×16 kernel's 12 accumulators there (2.3× slower); on an AVX-512 Xeon, alone on in-cache
 * panels, 8×32 ran at 103–124 GFLOP/s against 66–92 for 4×32 and 85–95 for 10×32 and 12×32
 * (bench/NOTES.md). {@code -Djmim.cpu.gemm=4x16} or {@code 8x32} picks one. A and B are read
 * through arbitrary element strides, so transposed operands cost nothing extra; C's rows are dense
 * (column stride 1), any row stride apart. Every element of C is one FMA chain over K in the same
 * order whatever the thread count (and whichever kernel: the two gave the same bits on the shapes
 * tried), so results are identical run to run and across thread counts. A bias row, where given,
 * is added as each tile of C is stored for the last time (after the product, so the bits equal a
 * separate add), which saves a pass over C.
 */
public final class Gemm {
    /** The micro-kernel in use, as "MR×NR", for {@code jmim info}. */
    public static final String KERNEL;

    static final VectorSpecies<Float> S;
    static final int MR;

    static {
        String chosen = System.getProperty("jmim.cpu.gemm", "");
        boolean wide =
                switch (chosen) {
                    case "8x32" -> true;
                    case "4x16" -> false;
                    case "" -> Lanes.MANY_REGISTERS;
                    default ->
                        throw new IllegalArgumentException(
                                "-Djmim.cpu.gemm must be 4x16 or 8x32 (or unset: chosen by the CPU's vector width); got "
                                        + chosen);
                };
        S = wide ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
        MR = wide ? 8 : 4;
        KERNEL = MR + "x" + 2 * S.length();
    }

    static final int L = S.length();
    static final int NR = 2 * L;
    static final int KC = 256;
    // rows of A per packed block: 48 for 8x32 measured +10% at (8192, 192, 768) on 2 threads over 96
    // (bench/NOTES.md), 96 stays the 4x16's
    static final int MC = MR == 8 ? 48 : 96;
    static final int NC = 1024;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final VectorSpecies<Float> S8 = Butterfly.S8;
    // two-vector shuffles of 8 floats for packing A 4 rows at a time (index i >= 8: lane i - 8 of
    // the second vector): single floats, then pairs of floats, interleaved
    private static final VectorShuffle<Float> ZIP_LOW = VectorShuffle.fromValues(S8, 0, 8, 1, 9, 2, 10, 3, 11);
    private static final VectorShuffle<Float> ZIP_HIGH = VectorShuffle.fromValues(S8, 4, 12, 5, 13, 6, 14, 7, 15);
    private static final VectorShuffle<Float> ZIP_PAIRS_LOW = VectorShuffle.fromValues(S8, 0, 1, 8, 9, 2, 3, 10, 11);
    private static final VectorShuffle<Float> ZIP_PAIRS_HIGH = VectorShuffle.fromValues(S8, 4, 5, 12, 13, 6, 7, 14, 15);

    private Gemm() {}

    /** A view of a matrix in a segment: element (i, j) at byte offset + 4·(i·rowStride + j·colStride). */
    public record Matrix(MemorySegment segment, long offset, long rowStride, long colStride) {
        /** The same matrix from column j on. */
        Matrix fromColumn(int j) {
            return new Matrix(segment, offset + j * colStride, rowStride, colStride);
        }
    }

    /**
     * C[m×n] = A[m×k]·B[k×n] (+ bias, n dense floats from byte 0 of {@code bias}, on every row, where
     * bias is not null), C's rows in blocks that the threads of {@code parallel} take as they come
     * free (its columns split between them when there are fewer rows than columns). C's column
     * stride must be 1.
     */
    public static void multiply(
            int m, int n, int k, Matrix a, Matrix b, MemorySegment bias, Matrix c, Parallel parallel) {
        if (c.colStride() != 1) {
            throw new IllegalArgumentException("GEMM writes C with dense rows; got column stride " + c.colStride());
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                MemorySegment row = c.segment().asSlice((c.offset() + i * c.rowStride()) * 4, n * 4L);
                if (bias == null) {
                    row.fill((byte) 0);
                } else {
                    row.copyFrom(bias.asSlice(0, n * 4L));
                }
            }
            return;
        }
        if (m < n && n >= 2 * NR) {
            // fewer rows than columns (a weight gradient gᵀ·x with few output features): split the
            // columns, so that each thread packs its share of B and all of the smaller A, rather than
            // all of B for a share of A. Each element of C is still summed by one thread in one order.
            int parts = Math.min(parallel.threads(), n / NR);
            parallel.run(parts, part -> {
                int from = (int) Parallel.split(n, parts, part, NR);
                int to = (int) Parallel.split(n, parts, part + 1, NR);
                if (to > from) {
                    MemorySegment biasColumns = bias == null ? null : bias.asSlice(from * 4L, (to - from) * 4L);
                    // inside a part, parallel.run runs every part on this thread
                    multiplyRowBlocks(
                            m, to - from, k, a, b.fromColumn(from), biasColumns, c.fromColumn(from), parallel, 1);
                }
            });
            return;
        }
        multiplyRowBlocks(m, n, k, a, b, bias, c, parallel, parallel.threads());
    }

    /**
     * C's rows in blocks, several per thread, each taken by whichever thread is free; a thread packs
     * B (or B's block of K × NC) the first time it takes a block of rows in a call.
     */
    private static void multiplyRowBlocks(
            int m, int n, int k, Matrix a, Matrix b, MemorySegment bias, Matrix c, Parallel parallel, int threads) {
        int rows = rowsPerBlock(m, threads);
        int blocks = (m + rows - 1) / rows;
        if (wholeB(k, n)) {
            Object call = new Object();
            parallel.run(blocks, rowBlock -> {
                Workspace w = packedB(call, b, 0, k, 0, n);
                int ic = rowBlock * rows;
                int mc = Math.min(rows, m - ic);
                for (int pc = 0; pc < k; pc += KC) {
                    int kc = Math.min(KC, k - pc);
                    packA(a, ic, mc, pc, kc, w.packedA);
                    block(w, ic, mc, 0, n, kc, (long) pc * NR, k, pc > 0, pc + kc == k ? bias : null, c);
                }
            });
            return;
        }
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                Object call = new Object();
                int j0 = jc;
                int p0 = pc;
                parallel.run(blocks, rowBlock -> {
                    Workspace w = packedB(call, b, p0, kc, j0, nc);
                    int ic = rowBlock * rows;
                    int mc = Math.min(rows, m - ic);
                    packA(a, ic, mc, p0, kc, w.packedA);
                    block(w, ic, mc, j0, nc, kc, 0, kc, p0 > 0, p0 + kc == k ? bias : null, c);
                });
            }
        }
    }

    /** This thread's workspace, with B[pc..pc+kc, jc..jc+nc] packed in it once per {@code call}. */
    private static Workspace packedB(Object call, Matrix b, int pc, int kc, int jc, int nc) {
        Workspace w = WORKSPACE.get();
        if (w.packedFor != call) {
            packB(b, pc, kc, jc, nc, w.packedB);
            w.packedFor = call;
        }
        return w;
    }

    /**
     * Rows per block handed to a thread: a multiple of MR, at most MC, small enough that each
     * thread gets {@link Parallel#PARTS_PER_THREAD} blocks or more.
     */
    private static int rowsPerBlock(int m, int threads) {
        int share = Math.ceilDiv(m, Parallel.PARTS_PER_THREAD * threads);
        return Math.min(MC, Math.ceilDiv(share, MR) * MR);
    }

    /**
     * Per-thread packing buffers and edge tile, allocated once: a GEMM call allocates no buffer. B's
     * panels live off the heap, 64-byte aligned, so that no vector load of the micro-kernel splits
     * a cache line (a float[]'s elements start 16 bytes into the object, wherever the GC puts it).
     * {@code packedFor} names the call (and block of B) the packed B belongs to.
     */
    private static final class Workspace {
        final float[] packedA = new float[KC * MC];
        final MemorySegment packedB = Arena.ofAuto().allocate(KC * NC * 4L, 64);
        final float[] tile = new float[MR * NR];
        Object packedFor;
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /**
     * Whether all of B fits the packed buffer at once while K spans several KC blocks: then B is
     * packed once and each block of A's rows runs through every K block before the next, so that
     * its tiles of C are added to while they are still in cache (each K block's partial sums go to C
     * in the same order as the other path: the same bits, so a thread's share of the columns may
     * take one path while the whole problem would take the other).
     */
    private static boolean wholeB(int k, int n) {
        return k > KC && (long) k * ((n + NR - 1) / NR * NR) <= (long) KC * NC;
    }

    /**
     * C[ic.., jc..] (+)= packed A (mc rows, kc steps) · packed B, whose panel q starts at float
     * q·panelSteps·NR, its kc steps used from {@code skip} floats further on; C is added to where
     * {@code accumulate}, and the bias, where given, goes in too.
     */
    private static void block(
            Workspace w,
            int ic,
            int mc,
            int jc,
            int nc,
            int kc,
            long skip,
            int panelSteps,
            boolean accumulate,
            MemorySegment lastBias,
            Matrix c) {
        MemorySegment cs = c.segment();
        long ldc = c.rowStride();
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                MicroKernel.run(w.packedA, ir * kc, w.packedB, (long) jr * panelSteps + skip, kc, w.tile);
                long cAt = c.offset() + (ic + ir) * ldc + jc + jr;
                if (lastBias == null) {
                    storeTile(w.tile, cs, cAt, ldc, mr, nr, accumulate);
                } else {
                    storeTileWithBias(w.tile, cs, cAt, ldc, mr, nr, accumulate, lastBias, jc + jr);
                }
            }
        }
    }

    /**
     * B[pc..pc+kc, jc..jc+nc] into panels of NR columns: panel q, row p at q·kc·NR + p·NR; the last
     * panel's columns past nc zero-padded (the only floats not copied from B). Rows of B along j
     * (B row-major) are copied as vectors; columns along p (B = Wᵀ of a row-major W) go through 8 × 8
     * register transposes; what is left over, and any other strides, element by element.
     */
    private static void packB(Matrix b, int pc, int kc, int jc, int nc, MemorySegment out) {
        int panels = (nc + NR - 1) / NR;
        int last = (panels - 1) * kc * NR;
        int tail = nc - (panels - 1) * NR;
        if (tail < NR) {
            for (int p = 0; p < kc; p++) {
                out.asSlice((last + p * NR + tail) * 4L, (NR - tail) * 4L).fill((byte) 0);
            }
        }
        int columns = nc - nc % NR;
        int steps = 0;
        long at = b.offset() + pc * b.rowStride() + jc * b.colStride();
        if (b.colStride() == 1) {
            steps = kc;
            packRowsOfB(b.segment(), at, b.rowStride(), kc, columns, out);
        } else if (b.rowStride() == 1) {
            steps = kc - kc % 8;
            packColumnsOfB(b.segment(), at, b.colStride(), kc, steps, columns, out);
        }
        packBElements(b, pc, kc, jc, out, columns, nc, 0, kc);
        packBElements(b, pc, kc, jc, out, 0, columns, steps, kc);
    }

    /**
     * Full panels of a row-major B (row p at element at + p·ldb): two vectors per panel row. The
     * output offset is a long stepped by a long (an int offset widened at each store ran 5–15% slower
     * alone, as in {@link MicroKernel}).
     */
    private static void packRowsOfB(MemorySegment s, long at, long ldb, int kc, int columns, MemorySegment out) {
        long panelBytes = kc * (NR * 4L);
        for (int p = 0; p < kc; p++) {
            long row = (at + p * ldb) * 4;
            long o = p * (NR * 4L);
            for (int j = 0; j < columns; j += NR, o += panelBytes) {
                FloatVector.fromMemorySegment(S, s, row + j * 4L, ORDER).intoMemorySegment(out, o, ORDER);
                FloatVector.fromMemorySegment(S, s, row + j * 4L + 4L * L, ORDER)
                        .intoMemorySegment(out, o + 4L * L, ORDER);
            }
        }
    }

    /**
     * Full panels of a B whose columns are contiguous (column j at element at + j·ldw), 8 columns × 8
     * steps at a time: loaded as 8 vectors along p, transposed in registers (a {@link Butterfly}),
     * stored as 8 vectors along j.
     */
    private static void packColumnsOfB(
            MemorySegment s, long at, long ldw, int kc, int steps, int columns, MemorySegment out) {
        long w = ldw * 4;
        for (int j = 0; j < columns; j += 8) {
            int o = (j / NR) * kc * NR + j % NR;
            for (int p = 0; p < steps; p += 8) {
                long c = (at + j * ldw + p) * 4;
                Butterfly.transpose(s, c, w, out, (o + p * NR) * 4L, NR * 4L);
            }
        }
    }

    /** B's columns [from, to) × steps [stepFrom, stepTo) into their panels, element by element. */
    private static void packBElements(
            Matrix b, int pc, int kc, int jc, MemorySegment out, int from, int to, int stepFrom, int stepTo) {
        for (int j = from; j < to; j++) {
            int base = (j / NR) * kc * NR + j % NR;
            long at = b.offset() + pc * b.rowStride() + (jc + j) * b.colStride();
            for (int p = stepFrom; p < stepTo; p++) {
                out.setAtIndex(F, base + p * NR, b.segment().getAtIndex(F, at + p * b.rowStride()));
            }
        }
    }

    /**
     * A[ic..ic+mc, pc..pc+kc] into panels of MR rows: panel q, step p at q·kc·MR + p·MR; the last
     * panel's rows past mc zero-padded (the only floats not copied from A). Row-major A goes 4 rows ×
     * 8 steps at a time through two rounds of shuffles; A whose columns are contiguous (Xᵀ of a
     * row-major X, as in a weight gradient) 8 rows × 2 steps at a time through one; the rest, and any
     * other strides, element by element.
     */
    private static void packA(Matrix a, int ic, int mc, int pc, int kc, float[] out) {
        int panels = (mc + MR - 1) / MR;
        int last = (panels - 1) * kc * MR;
        int tail = mc - (panels - 1) * MR;
        if (tail < MR) {
            for (int p = 0; p < kc; p++) {
                java.util.Arrays.fill(out, last + p * MR + tail, last + (p + 1) * MR, 0f);
            }
        }
        int rows = 0;
        int steps = 0;
        long at = a.offset() + (long) ic * a.rowStride() + pc * a.colStride();
        if (a.colStride() == 1) {
            rows = mc - mc % MR;
            steps = kc - kc % 8;
            if (MR == 8) {
                packRowsOfA8(a.segment(), at, a.rowStride(), kc, rows, steps, out);
            } else {
                packRowsOfA4(a.segment(), at, a.rowStride(), kc, rows, steps, out);
            }
        } else if (a.rowStride() == 1) {
            if (MR == 8) {
                rows = mc - mc % MR;
                steps = kc;
                packColumnsOfA8(a.segment(), at, a.colStride(), kc, rows, out);
            } else {
                rows = mc - mc % (2 * MR);
                steps = kc - kc % 2;
                packColumnsOfA4(a.segment(), at, a.colStride(), kc, rows, steps, out);
            }
        }
        packAElements(a, ic, pc, kc, out, rows, mc, 0, kc);
        packAElements(a, ic, pc, kc, out, 0, rows, steps, kc);
    }

    /** Full 8-row panels of a row-major A (row i at element at + i·lda), 8 rows × 8 steps per {@link Butterfly}. */
    private static void packRowsOfA8(MemorySegment s, long at, long lda, int kc, int rows, int steps, float[] out) {
        long w = lda * 4;
        for (int i = 0; i < rows; i += 8) {
            long r = (at + i * lda) * 4;
            for (int p = 0; p < steps; p += 8) {
                Butterfly.transpose(s, r + p * 4L, w, out, i * kc + p * 8, 8);
            }
        }
    }

    /** Full 4-row panels of a row-major A (row i at element at + i·lda), 4 rows × 8 steps per round. */
    private static void packRowsOfA4(MemorySegment s, long at, long lda, int kc, int rows, int steps, float[] out) {
        long w = lda * 4;
        for (int i = 0; i < rows; i += MR) {
            long r = (at + i * lda) * 4;
            int o = i * kc;
            for (int p = 0; p < steps; p += 8) {
                FloatVector r0 = FloatVector.fromMemorySegment(S8, s, r + p * 4L, ORDER);
                FloatVector r1 = FloatVector.fromMemorySegment(S8, s, r + w + p * 4L, ORDER);
                FloatVector r2 = FloatVector.fromMemorySegment(S8, s, r + 2 * w + p * 4L, ORDER);
                FloatVector r3 = FloatVector.fromMemorySegment(S8, s, r + 3 * w + p * 4L, ORDER);
                FloatVector a = r0.rearrange(ZIP_LOW, r1);
                FloatVector b = r0.rearrange(ZIP_HIGH, r1);
                FloatVector c = r2.rearrange(ZIP_LOW, r3);
                FloatVector d = r2.rearrange(ZIP_HIGH, r3);
                a.rearrange(ZIP_PAIRS_LOW, c).intoArray(out, o + p * MR);
                a.rearrange(ZIP_PAIRS_HIGH, c).intoArray(out, o + p * MR + 8);
                b.rearrange(ZIP_PAIRS_LOW, d).intoArray(out, o + p * MR + 16);
                b.rearrange(ZIP_PAIRS_HIGH, d).intoArray(out, o + p * MR + 24);
            }
        }
    }

    /** Full 8-row panels of an A whose columns are contiguous (step p at element at + p·ldx): one vector per step. */
    private static void packColumnsOfA8(MemorySegment s, long at, long ldx, int kc, int rows, float[] out) {
        for (int i = 0; i < rows; i += 8) {
            for (int p = 0; p < kc; p++) {
                FloatVector.fromMemorySegment(S8, s, (at + p * ldx + i) * 4, ORDER)
                        .intoArray(out, i * kc + p * 8);
            }
        }
    }

    /**
     * Full 4-row panel pairs of an A whose columns are contiguous (step p at element at + p·ldx): for
     * two steps of 8 rows, the first 4 rows of both go to one panel and the last 4 to the next.
     */
    private static void packColumnsOfA4(MemorySegment s, long at, long ldx, int kc, int rows, int steps, float[] out) {
        for (int i = 0; i < rows; i += 2 * MR) {
            for (int p = 0; p < steps; p += 2) {
                long c = (at + p * ldx + i) * 4;
                FloatVector x0 = FloatVector.fromMemorySegment(S8, s, c, ORDER);
                FloatVector x1 = FloatVector.fromMemorySegment(S8, s, c + ldx * 4, ORDER);
                lower(x0, x1, 4).intoArray(out, i * kc + p * MR); // first halves of both
                upper(x0, x1, 4).intoArray(out, (i + MR) * kc + p * MR); // second halves
            }
        }
    }

    /** A's rows [from, to) × steps [stepFrom, stepTo) into their panels, element by element. */
    private static void packAElements(
            Matrix a, int ic, int pc, int kc, float[] out, int from, int to, int stepFrom, int stepTo) {
        for (int i = from; i < to; i++) {
            int base = (i / MR) * kc * MR + i % MR;
            long at = a.offset() + (long) (ic + i) * a.rowStride() + pc * a.colStride();
            for (int p = stepFrom; p < stepTo; p++) {
                out[base + p * MR] = a.segment().getAtIndex(F, at + p * a.colStride());
            }
        }
    }

    /** C's mr×nr corner at cAt (+)= the tile. Each case is its own small method, for C2's sake. */
    private static void storeTile(
            float[] tile, MemorySegment c, long cAt, long ldc, int mr, int nr, boolean accumulate) {
        if (mr == MR && nr == NR) {
            if (accumulate) {
                addTile(tile, c, cAt, ldc);
            } else {
                putTile(tile, c, cAt, ldc);
            }
        } else {
            edgeTile(tile, c, cAt, ldc, mr, nr, accumulate);
        }
    }

    /** As {@link #storeTile}, then + bias[j0 + j] on column j: (product) + bias, as a separate add rounds. */
    private static void storeTileWithBias(
            float[] tile,
            MemorySegment c,
            long cAt,
            long ldc,
            int mr,
            int nr,
            boolean accumulate,
            MemorySegment bias,
            int j0) {
        if (mr == MR && nr == NR) {
            if (accumulate) {
                addTileWithBias(tile, c, cAt, ldc, bias, j0 * 4L);
            } else {
                putTileWithBias(tile, c, cAt, ldc, bias, j0 * 4L);
            }
        } else {
            edgeTile(tile, c, cAt, ldc, mr, nr, accumulate);
            for (int i = 0; i < mr; i++) {
                for (int j = 0; j < nr; j++) {
                    long at = (cAt + i * ldc + j) * 4;
                    c.set(F, at, c.get(F, at) + bias.get(F, (j0 + j) * 4L));
                }
            }
        }
    }

    private static void putTileWithBias(float[] tile, MemorySegment c, long cAt, long ldc, MemorySegment bias, long b) {
        FloatVector bias0 = FloatVector.fromMemorySegment(S, bias, b, ORDER);
        FloatVector bias1 = FloatVector.fromMemorySegment(S, bias, b + 4L * L, ORDER);
        for (int i = 0; i < MR; i++) {
            long bytes = (cAt + i * ldc) * 4;
            FloatVector.fromArray(S, tile, i * NR).add(bias0).intoMemorySegment(c, bytes, ORDER);
            FloatVector.fromArray(S, tile, i * NR + L).add(bias1).intoMemorySegment(c, bytes + 4L * L, ORDER);
        }
    }

    private static void addTileWithBias(float[] tile, MemorySegment c, long cAt, long ldc, MemorySegment bias, long b) {
        FloatVector bias0 = FloatVector.fromMemorySegment(S, bias, b, ORDER);
        FloatVector bias1 = FloatVector.fromMemorySegment(S, bias, b + 4L * L, ORDER);
        for (int i = 0; i < MR; i++) {
            long bytes = (cAt + i * ldc) * 4;
            FloatVector.fromArray(S, tile, i * NR)
                    .add(FloatVector.fromMemorySegment(S, c, bytes, ORDER))
                    .add(bias0)
                    .intoMemorySegment(c, bytes, ORDER);
            FloatVector.fromArray(S, tile, i * NR + L)
                    .add(FloatVector.fromMemorySegment(S, c, bytes + 4L * L, ORDER))
                    .add(bias1)
                    .intoMemorySegment(c, bytes + 4L * L, ORDER);
        }
    }

    private static void putTile(float[] tile, MemorySegment c, long cAt, long ldc) {
        for (int i = 0; i < MR; i++) {
            long bytes = (cAt + i * ldc) * 4;
            FloatVector.fromArray(S, tile, i * NR).intoMemorySegment(c, bytes, ORDER);
            FloatVector.fromArray(S, tile, i * NR + L).intoMemorySegment(c, bytes + 4L * L, ORDER);
        }
    }

    private static void addTile(float[] tile, MemorySegment c, long cAt, long ldc) {
        for (int i = 0; i < MR; i++) {
            long bytes = (cAt + i * ldc) * 4;
            FloatVector.fromArray(S, tile, i * NR)
                    .add(FloatVector.fromMemorySegment(S, c, bytes, ORDER))
                    .intoMemorySegment(c, bytes, ORDER);
            FloatVector.fromArray(S, tile, i * NR + L)
                    .add(FloatVector.fromMemorySegment(S, c, bytes + 4L * L, ORDER))
                    .intoMemorySegment(c, bytes + 4L * L, ORDER);
        }
    }

    private static void edgeTile(
            float[] tile, MemorySegment c, long cAt, long ldc, int mr, int nr, boolean accumulate) {
        for (int i = 0; i < mr; i++) {
            for (int j = 0; j < nr; j++) {
                long at = (cAt + i * ldc + j) * 4;
                float v = tile[i * NR + j];
                c.set(F, at, accumulate ? c.get(F, at) + v : v);
            }
        }
    }
}
