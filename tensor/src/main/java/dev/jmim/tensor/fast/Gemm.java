package dev.jmim.tensor.fast;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * F32 matrix multiply C = A·B in the BLIS shape: B is packed into panels NR wide, A into panels MR
 * tall, and a register-blocked MR×NR micro-kernel (4×16: eight 8-float accumulators) runs over each
 * pair of panels. (4×16 keeps 8 accumulators + 2 B vectors + 1 broadcast in registers; a 6×16
 * kernel measured 2.3× slower on JDK 25 because C2 spills its 12 accumulators: bench/NOTES.md.) A and B are read through arbitrary element strides, so transposed operands cost
 * nothing extra; C is dense with row stride ldc. Every element of C is summed in the same order
 * whatever the thread count, so results are identical run to run and across thread counts.
 */
public final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    static final int MR = 4;
    static final int NR = 16;
    static final int KC = 256;
    static final int MC = 96;
    static final int NC = 1024;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Gemm() {}

    /** A view of a matrix in a segment: element (i, j) at byte offset + 4·(i·rowStride + j·colStride). */
    public record Matrix(MemorySegment segment, long offset, long rowStride, long colStride) {}

    /** C[m×n] = A[m×k]·B[k×n], rows of C split across the threads of {@code parallel}. */
    public static void multiply(
            int m, int n, int k, Matrix a, Matrix b, MemorySegment c, long cOffset, long ldc, Parallel parallel) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                c.asSlice((cOffset + i * ldc) * 4, n * 4L).fill((byte) 0);
            }
            return;
        }
        int parts = Math.min(parallel.threads(), (m + MR - 1) / MR);
        parallel.run(parts, part -> {
            int rowStart = (int) Parallel.split(m, parts, part, MR);
            int rowEnd = (int) Parallel.split(m, parts, part + 1, MR);
            if (rowEnd > rowStart) {
                multiplyRows(rowStart, rowEnd, n, k, a, b, c, cOffset, ldc);
            }
        });
    }

    /** Per-thread packing buffers and edge tile, allocated once: a GEMM call allocates nothing. */
    private static final class Workspace {
        final float[] packedA = new float[KC * MC];
        final float[] packedB = new float[KC * NC];
        final float[] row = new float[Math.max(KC, Math.max(MC, NC))];
        final float[] tile = new float[MR * NR];
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private static void multiplyRows(
            int rowStart, int rowEnd, int n, int k, Matrix a, Matrix b, MemorySegment c, long cOffset, long ldc) {
        Workspace w = WORKSPACE.get();
        float[] packedA = w.packedA;
        float[] packedB = w.packedB;
        float[] tile = w.tile;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(b, pc, kc, jc, nc, packedB, w.row);
                boolean accumulate = pc > 0;
                for (int ic = rowStart; ic < rowEnd; ic += MC) {
                    int mc = Math.min(MC, rowEnd - ic);
                    packA(a, ic, mc, pc, kc, packedA, w.row);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            kernel(packedA, ir * kc, packedB, jr * kc, kc, tile);
                            storeTile(tile, c, cOffset + (long) (ic + ir) * ldc + jc + jr, ldc, mr, nr, accumulate);
                        }
                    }
                }
            }
        }
    }

    /**
     * B[pc..pc+kc, jc..jc+nc] into panels of NR columns: panel q, row p at q·kc·NR + p·NR; the last
     * panel's columns past nc zero-padded (the only floats not copied from B).
     */
    private static void packB(Matrix b, int pc, int kc, int jc, int nc, float[] out, float[] row) {
        int panels = (nc + NR - 1) / NR;
        int last = (panels - 1) * kc * NR;
        int tail = nc - (panels - 1) * NR;
        if (tail < NR) {
            for (int p = 0; p < kc; p++) {
                java.util.Arrays.fill(out, last + p * NR + tail, last + (p + 1) * NR, 0f);
            }
        }
        if (b.colStride() == 1 || b.rowStride() != 1) {
            // rows of B along j: read each row (one bulk copy when colStride is 1), deal it into the panels
            for (int p = 0; p < kc; p++) {
                readLine(
                        b.segment(),
                        b.offset() + (pc + p) * b.rowStride() + jc * b.colStride(),
                        b.colStride(),
                        nc,
                        row);
                for (int q = 0; q < panels; q++) {
                    System.arraycopy(row, q * NR, out, q * kc * NR + p * NR, Math.min(NR, nc - q * NR));
                }
            }
        } else {
            // Bᵀ stored row-major: each column of B is contiguous along p
            for (int j = 0; j < nc; j++) {
                readLine(b.segment(), b.offset() + pc + (long) (jc + j) * b.colStride(), 1, kc, row);
                int base = (j / NR) * kc * NR + (j % NR);
                for (int p = 0; p < kc; p++) {
                    out[base + p * NR] = row[p];
                }
            }
        }
    }

    /**
     * A[ic..ic+mc, pc..pc+kc] into panels of MR rows: panel q, step p at q·kc·MR + p·MR; the last
     * panel's rows past mc zero-padded (the only floats not copied from A).
     */
    private static void packA(Matrix a, int ic, int mc, int pc, int kc, float[] out, float[] row) {
        int panels = (mc + MR - 1) / MR;
        int last = (panels - 1) * kc * MR;
        int tail = mc - (panels - 1) * MR;
        if (tail < MR) {
            for (int p = 0; p < kc; p++) {
                java.util.Arrays.fill(out, last + p * MR + tail, last + (p + 1) * MR, 0f);
            }
        }
        if (a.colStride() == 1 || a.rowStride() != 1) {
            for (int i = 0; i < mc; i++) {
                readLine(
                        a.segment(),
                        a.offset() + (long) (ic + i) * a.rowStride() + pc * a.colStride(),
                        a.colStride(),
                        kc,
                        row);
                int base = (i / MR) * kc * MR + (i % MR);
                for (int p = 0; p < kc; p++) {
                    out[base + p * MR] = row[p];
                }
            }
        } else {
            // Aᵀ stored row-major: each column of A is contiguous along i
            for (int p = 0; p < kc; p++) {
                readLine(a.segment(), a.offset() + (pc + p) * a.colStride() + ic, 1, mc, row);
                for (int q = 0; q < panels; q++) {
                    System.arraycopy(row, q * MR, out, q * kc * MR + p * MR, Math.min(MR, mc - q * MR));
                }
            }
        }
    }

    /** count floats starting at element {@code at}, stride apart, into line[0..count). */
    private static void readLine(MemorySegment s, long at, long stride, int count, float[] line) {
        if (stride == 1) {
            MemorySegment.copy(s, F, at * 4, line, 0, count);
        } else {
            for (int i = 0; i < count; i++) {
                line[i] = s.get(F, (at + i * stride) * 4);
            }
        }
    }

    /**
     * The 4×16 micro-kernel: tile = A panel · B panel over kc steps. It touches only Java arrays and
     * stays small: with the C update (a MemorySegment access per row) inside it, C2's node budget
     * ran out during training and left the FMAs un-intrinsified (boxed vectors, 4× slower; see
     * bench/NOTES.md).
     */
    private static void kernel(float[] a, int aAt, float[] b, int bAt, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bi = bAt + p * NR;
            int ai = aAt + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + 8);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, 8);
        c10.intoArray(tile, 16);
        c11.intoArray(tile, 24);
        c20.intoArray(tile, 32);
        c21.intoArray(tile, 40);
        c30.intoArray(tile, 48);
        c31.intoArray(tile, 56);
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

    private static void putTile(float[] tile, MemorySegment c, long cAt, long ldc) {
        for (int i = 0; i < MR; i++) {
            long bytes = (cAt + i * ldc) * 4;
            FloatVector.fromArray(S, tile, i * NR).intoMemorySegment(c, bytes, ByteOrder.nativeOrder());
            FloatVector.fromArray(S, tile, i * NR + 8).intoMemorySegment(c, bytes + 32, ByteOrder.nativeOrder());
        }
    }

    private static void addTile(float[] tile, MemorySegment c, long cAt, long ldc) {
        for (int i = 0; i < MR; i++) {
            long bytes = (cAt + i * ldc) * 4;
            FloatVector.fromArray(S, tile, i * NR)
                    .add(FloatVector.fromMemorySegment(S, c, bytes, ByteOrder.nativeOrder()))
                    .intoMemorySegment(c, bytes, ByteOrder.nativeOrder());
            FloatVector.fromArray(S, tile, i * NR + 8)
                    .add(FloatVector.fromMemorySegment(S, c, bytes + 32, ByteOrder.nativeOrder()))
                    .intoMemorySegment(c, bytes + 32, ByteOrder.nativeOrder());
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
