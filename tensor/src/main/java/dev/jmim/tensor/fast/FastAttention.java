package dev.jmim.tensor.fast;

import static dev.jmim.tensor.fast.Lanes.F32;
import static dev.jmim.tensor.fast.Lanes.ORDER;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.FusedAttention;
import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Attention on the CPU, one (batch, head) pair at a time: its q (times scale), k and v rows are
 * copied into per-thread arrays (k and v also transposed, rows padded to whole vectors), and the
 * pair's scores, softmax and products are computed there, in L1 and L2, by one small register-blocked
 * product ({@link #product}: blocks of 8 rows × 3 or 2 vectors on AVX-512, 4 rows × 2 vectors
 * otherwise, every element one FMA chain in order; rows padded with zeros to whole blocks). The
 * backward recomputes the probabilities from the saved log-sum-exp. Each pair is computed by one
 * thread, so results do not depend on the thread count.
 *
 * <p>It replaces six batched GEMMs of a few thousand flops each (17 × 64 × 17 in MAE-tiny's
 * encoder ran at 7 GFLOP/s through the packed GEMM: half its tile was padding), a softmax and its
 * backward, and their [B, H, N, N] temporaries.
 *
 * <p>Vectors hold 8 floats on every machine, AVX-512 included: rows pad to fewer columns (MAE-tiny's
 * 17 tokens to 24, not 32), k and v go through {@link Butterfly}'s 8 × 8 transposes, and any head
 * dimension that is a multiple of 8 is taken.
 */
final class FastAttention implements FusedAttention {
    private static final VectorSpecies<Float> S = Butterfly.S8;
    private static final int L = S.length();

    private final Parallel parallel;

    FastAttention(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public boolean supports(int headDim, DType dtype) {
        return dtype == DType.F32 && headDim > 0 && headDim % L == 0;
    }

    @Override
    public Forward forward(Tensor q, Tensor k, Tensor v, double scale) {
        int[] shape = q.shape();
        for (Tensor t : new Tensor[] {q, k, v}) {
            if (t.dim() != 4
                    || !Arrays.equals(t.shape(), shape)
                    || !supports(t.size(3), t.dtype())
                    || t.device() != Device.CPU) {
                throw new IllegalArgumentException("CPU attention takes q, k and v of one shape [B, H, N, Dh], F32,"
                        + " Dh a multiple of " + L + ", on the CPU; got " + t.describe());
            }
        }
        Tensor[] heads = {unitLast(q), unitLast(k), unitLast(v)};
        // rows stored in [B, N, H, Dh] order: merging the heads back into [B, N, H·Dh], as every caller
        // does next, is then a view instead of a strided copy, and so is its gradient on the way back
        Tensor out = Tensor.forOutput(DType.F32, Device.CPU, shape[0], shape[2], shape[1], shape[3])
                .transpose(1, 2);
        Tensor lse = Tensor.forOutput(DType.F32, Device.CPU, shape[0], shape[1], shape[2]);
        Geometry g = new Geometry(shape, (float) scale);
        run(
                g,
                (pair, scratch) -> forwardPair(g, pair, heads, out, lse, scratch),
                heads[0],
                heads[1],
                heads[2],
                out,
                lse);
        return new Forward() {
            @Override
            public Tensor out() {
                return out;
            }

            @Override
            public Tensor[] backward(Tensor gradOut) {
                Tensor[] grads = {
                    Tensor.forOutput(DType.F32, Device.CPU, shape),
                    Tensor.forOutput(DType.F32, Device.CPU, shape),
                    Tensor.forOutput(DType.F32, Device.CPU, shape)
                };
                backwardInto(gradOut, grads[0], grads[1], grads[2]);
                return grads;
            }

            @Override
            public void backwardInto(Tensor gradOut, Tensor dq, Tensor dk, Tensor dv) {
                Tensor[] grads = {dq, dk, dv};
                for (Tensor t : grads) {
                    if (!Arrays.equals(t.shape(), shape)
                            || t.stride(3) != 1
                            || t.dtype() != DType.F32
                            || t.device() != Device.CPU) {
                        throw new IllegalArgumentException("CPU attention writes its gradients into F32 CPU views of "
                                + Arrays.toString(shape) + " with unit stride along Dh; got " + t.describe());
                    }
                }
                Tensor grad = unitLast(gradOut);
                run(
                        g,
                        (pair, scratch) -> backwardPair(g, pair, heads, lse, grad, grads, scratch),
                        heads[0],
                        heads[1],
                        heads[2],
                        lse,
                        grad,
                        grads[0],
                        grads[1],
                        grads[2]);
            }
        };
    }

    /** t itself when its last dim has unit stride, else a contiguous copy. */
    private static Tensor unitLast(Tensor t) {
        return t.stride(3) == 1 ? t : t.contiguous();
    }

    /** Shape of one call: pairs = B·H, n rows of d floats, rows padded to np (whole vectors). */
    private record Geometry(int heads, int n, int d, int np, long pairs, float scale) {
        Geometry(int[] shape, float scale) {
            this(shape[1], shape[2], shape[3], (shape[2] + L - 1) / L * L, (long) shape[0] * shape[1], scale);
        }

        /**
         * n rounded up to whole blocks of {@link #product}'s 4 rows: the rows past n are zeros on the
         * way in and never stored on the way out.
         */
        int blockRows() {
            return (n + 3) / 4 * 4;
        }

        /** Element offset of row i of pair p in a [B, H, N, Dh] view t. */
        long row(Tensor t, long pair, int i) {
            return t.offset() + pair / heads * t.stride(0) + pair % heads * t.stride(1) + i * t.stride(2);
        }
    }

    private interface PairBody {
        void run(long pair, Scratch scratch);
    }

    private void run(Geometry g, PairBody body, Tensor... held) {
        try {
            int parts = parallel.partsFor(g.pairs() * g.n() * g.n() * g.d(), g.pairs());
            parallel.run(parts, part -> {
                Scratch scratch = Scratch.of(g);
                long from = g.pairs() * part / parts;
                long to = g.pairs() * (part + 1) / parts;
                for (long pair = from; pair < to; pair++) {
                    body.run(pair, scratch);
                }
            });
        } finally {
            Reference.reachabilityFence(held);
        }
    }

    /** Per-thread arrays for one pair, grown when a call needs more. */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);
        float[] q = new float[0]; // [n, d], times scale
        float[] k = new float[0]; // [n, d], for the backward
        float[] v = new float[0]; // [n, d], for the forward
        float[] gradOut = new float[0]; // [n, d]
        float[] result = new float[0]; // [n, d]: the output, then dq, dk, dv in turn
        float[] kT = new float[0]; // [d, np], zero beyond n
        float[] vT = new float[0]; // [d, np]
        float[] p = new float[0]; // [n, np]: scores, then probabilities
        float[] dp = new float[0]; // [n, np]: dP, then dS
        final float[] lanes = new float[L];

        static Scratch of(Geometry g) {
            Scratch s = PER_THREAD.get();
            int rows = g.blockRows() * g.d();
            int columns = g.d() * g.np();
            int scores = g.blockRows() * g.np();
            if (s.q.length < rows || s.kT.length < columns || s.p.length < scores) {
                int r = Math.max(rows, s.q.length);
                int c = Math.max(columns, s.kT.length);
                int sc = Math.max(scores, s.p.length);
                s.q = new float[r];
                s.k = new float[r];
                s.v = new float[r];
                s.gradOut = new float[r];
                s.result = new float[r];
                s.kT = new float[c];
                s.vT = new float[c];
                s.p = new float[sc];
                s.dp = new float[sc];
            }
            return s;
        }
    }

    private static void forwardPair(Geometry g, long pair, Tensor[] heads, Tensor out, Tensor lse, Scratch s) {
        int n = g.n();
        int m = g.blockRows();
        int d = g.d();
        int np = g.np();
        loadRows(g, heads[0], pair, s.q, g.scale());
        loadRows(g, heads[2], pair, s.v, 1f);
        loadTransposed(g, heads[1], pair, s.kT);
        product(m, np, d, s.q, d, 1, s.kT, np, s.p, np); // scores
        scoreRows(SOFTMAX, s, n, np, HostStorage.segmentOf(lse), lse.offset() + pair * n);
        product(m, d, n, s.p, np, 1, s.v, d, s.result, d); // P·v
        storeRows(g, out, pair, s.result);
    }

    private static void backwardPair(
            Geometry g, long pair, Tensor[] heads, Tensor lse, Tensor grad, Tensor[] grads, Scratch s) {
        int n = g.n();
        int m = g.blockRows();
        int d = g.d();
        int np = g.np();
        loadRows(g, heads[0], pair, s.q, g.scale());
        loadTransposed(g, heads[1], pair, s.kT);
        product(m, np, d, s.q, d, 1, s.kT, np, s.p, np);
        scoreRows(PROBABILITIES, s, n, np, HostStorage.segmentOf(lse), lse.offset() + pair * n);
        loadRows(g, heads[1], pair, s.k, 1f);
        loadTransposed(g, heads[2], pair, s.vT);
        loadRows(g, grad, pair, s.gradOut, 1f);
        product(m, np, d, s.gradOut, d, 1, s.vT, np, s.dp, np); // dP = dO·vᵀ
        scoreGradient(s.p, s.dp, n, np, s.lanes);
        product(m, d, n, s.dp, np, 1, s.k, d, s.result, d); // dq = scale·dS·k
        for (int c = 0; c < n * d; c += L) {
            FloatVector.fromArray(S, s.result, c).mul(g.scale()).intoArray(s.result, c);
        }
        storeRows(g, grads[0], pair, s.result);
        product(m, d, n, s.dp, 1, np, s.q, d, s.result, d); // dk = dSᵀ·(q·scale)
        storeRows(g, grads[1], pair, s.result);
        product(m, d, n, s.p, 1, np, s.gradOut, d, s.result, d); // dv = Pᵀ·dO
        storeRows(g, grads[2], pair, s.result);
    }

    private static final int SOFTMAX = 0;
    private static final int PROBABILITIES = 1;

    /**
     * One pass over the pair's n score rows (np wide, the padding past n included):
     * <ul>
     *   <li>{@link #SOFTMAX}: s.p's scores become probabilities, 0 over the padding; each row's
     *       log-sum-exp (max + log Σ) goes to lse at lseAt + row;
     *   <li>{@link #PROBABILITIES}: s.p's scores become e^(score − log-sum-exp), lse read at lseAt + row.
     * </ul>
     * The two sit in one method on purpose, with exp's one call site first: C2 inlines in bytecode
     * order until its node budget runs out, so what comes after exp must be what can be a call
     * (Lanes.fold: an array in, a float out). Inlined into backwardPair or forwardPair, whether exp fit
     * their node budget depended on the profile: where it did not (NodeCountInliningCutoff at
     * VectorMath.scaleByPowerOfTwo), exp's last step ran as calls on boxed vectors, 10% of the
     * decoder's attention (bench/NOTES.md). At 319 bytes of bytecode this method is under C2's 325
     * for hot callees; what keeps it out of its callers is that it is compiled first, into more code
     * than C2 inlines ("already compiled into a big method" under -XX:+PrintInlining). A boxed vector
     * shows as heap allocated: JMH's -prof gc, or the figure {@code jmim bench mae-step} prints.
     */
    private static void scoreRows(int pass, Scratch s, int n, int np, MemorySegment lse, long lseAt) {
        float[] p = s.p;
        for (int i = 0; i < n; i++) {
            int at = i * np;
            Arrays.fill(p, at + n, at + np, Float.NEGATIVE_INFINITY);
            float shift;
            if (pass == PROBABILITIES) {
                shift = lse.getAtIndex(F32, lseAt + i);
            } else {
                FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                for (int j = 0; j < np; j += L) {
                    max = max.max(FloatVector.fromArray(S, p, at + j));
                }
                max.intoArray(s.lanes, 0);
                shift = Lanes.fold(s.lanes, L, true);
            }
            // one call site of exp for both passes: two, inlined here, passed the node budget
            FloatVector sum = FloatVector.zero(S);
            for (int j = 0; j < np; j += L) {
                FloatVector e =
                        VectorMath.exp(FloatVector.fromArray(S, p, at + j).sub(shift));
                sum = sum.add(e);
                e.intoArray(p, at + j);
            }
            if (pass == PROBABILITIES) {
                continue;
            }
            sum.intoArray(s.lanes, 0);
            float total = Lanes.fold(s.lanes, L, false);
            for (int j = 0; j < np; j += L) {
                FloatVector.fromArray(S, p, at + j).div(total).intoArray(p, at + j);
            }
            lse.setAtIndex(F32, lseAt + i, shift + (float) StrictMath.log(total));
        }
    }

    /**
     * dP becomes dS = P·(dP − Σ P·dP) over the pair's n rows (np wide), the row sum from the row
     * itself, so that Σ dS is 0 up to rounding. Not in {@link #scoreRows}: there, after exp, C2's
     * node budget ran out at {@link #dot} and this loop's products were boxed, a heap allocation per
     * vector (~225 MB a step, seen in JFR's allocation samples; bench/NOTES.md).
     */
    private static void scoreGradient(float[] p, float[] dp, int n, int np, float[] lanes) {
        for (int at = 0; at < n * np; at += np) {
            float rowDot = dot(p, dp, at, np, lanes);
            for (int j = 0; j < np; j += L) {
                FloatVector.fromArray(S, p, at + j)
                        .mul(FloatVector.fromArray(S, dp, at + j).sub(rowDot))
                        .intoArray(dp, at + j);
            }
        }
    }

    /** Σ x[at + c]·y[at + c] over c < width: lane sums, then the lanes in order. */
    private static float dot(float[] x, float[] y, int at, int width, float[] lanes) {
        FloatVector sum = FloatVector.zero(S);
        for (int c = 0; c < width; c += L) {
            sum = FloatVector.fromArray(S, x, at + c).fma(FloatVector.fromArray(S, y, at + c), sum);
        }
        sum.intoArray(lanes, 0);
        return Lanes.fold(lanes, L, false);
    }

    /**
     * c[i·ldc + x] = Σ_p a[i·rowStep + p·colStep]·b[p·ldb + x] for i < m (a multiple of 4) and x < w
     * (a multiple of L), each element one FMA chain over p in order, in blocks of rows × vectors held
     * in registers. With 32 vector registers (AVX-512) rows go 8 at a time, as 8 × 3 vectors where
     * the width is whole triples (the scores: 24 or 72 columns for 17 or 65 tokens) and 8 × 2
     * elsewhere (the head dim); then, and with 16 registers throughout, 4 rows × 2 vectors (an odd
     * last vector 4 × 1). Every block sums in the same order, so the blocking never changes a bit.
     */
    private static void product(
            int m, int w, int k, float[] a, int rowStep, int colStep, float[] b, int ldb, float[] c, int ldc) {
        int i = 0;
        if (Lanes.MANY_REGISTERS) { // 8 × 3 accumulators fit 32 registers; 16 would spill them
            int step = w % (3 * L) == 0 ? 3 * L : 2 * L;
            int wide = w - w % step;
            for (; i + 8 <= m; i += 8) {
                for (int x = 0; x < wide; x += step) {
                    if (step == 3 * L) {
                        block8x3(i, x, k, a, rowStep, colStep, b, ldb, c, ldc);
                    } else {
                        block8x2(i, x, k, a, rowStep, colStep, b, ldb, c, ldc);
                    }
                }
                if (wide < w) { // one vector left
                    block4(false, i, wide, k, a, rowStep, colStep, b, ldb, c, ldc);
                    block4(false, i + 4, wide, k, a, rowStep, colStep, b, ldb, c, ldc);
                }
            }
        }
        for (; i < m; i += 4) {
            for (int x = 0; x < w; x += 2 * L) {
                block4(x + L < w, i, x, k, a, rowStep, colStep, b, ldb, c, ldc);
            }
        }
    }

    /** As {@link #block4} for rows i..i+7 × two vectors of columns from x: 16 accumulators. */
    private static void block8x2(
            int i, int x, int k, float[] a, int rowStep, int colStep, float[] b, int ldb, float[] c, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int a0 = i * rowStep;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, p * ldb + x);
            FloatVector b1 = FloatVector.fromArray(S, b, p * ldb + x + L);
            int at = a0 + p * colStep;
            FloatVector r = FloatVector.broadcast(S, a[at]);
            c00 = r.fma(b0, c00);
            c01 = r.fma(b1, c01);
            r = FloatVector.broadcast(S, a[at + rowStep]);
            c10 = r.fma(b0, c10);
            c11 = r.fma(b1, c11);
            r = FloatVector.broadcast(S, a[at + 2 * rowStep]);
            c20 = r.fma(b0, c20);
            c21 = r.fma(b1, c21);
            r = FloatVector.broadcast(S, a[at + 3 * rowStep]);
            c30 = r.fma(b0, c30);
            c31 = r.fma(b1, c31);
            r = FloatVector.broadcast(S, a[at + 4 * rowStep]);
            c40 = r.fma(b0, c40);
            c41 = r.fma(b1, c41);
            r = FloatVector.broadcast(S, a[at + 5 * rowStep]);
            c50 = r.fma(b0, c50);
            c51 = r.fma(b1, c51);
            r = FloatVector.broadcast(S, a[at + 6 * rowStep]);
            c60 = r.fma(b0, c60);
            c61 = r.fma(b1, c61);
            r = FloatVector.broadcast(S, a[at + 7 * rowStep]);
            c70 = r.fma(b0, c70);
            c71 = r.fma(b1, c71);
        }
        int o = i * ldc + x;
        c00.intoArray(c, o);
        c01.intoArray(c, o + L);
        c10.intoArray(c, o + ldc);
        c11.intoArray(c, o + ldc + L);
        c20.intoArray(c, o + 2 * ldc);
        c21.intoArray(c, o + 2 * ldc + L);
        c30.intoArray(c, o + 3 * ldc);
        c31.intoArray(c, o + 3 * ldc + L);
        c40.intoArray(c, o + 4 * ldc);
        c41.intoArray(c, o + 4 * ldc + L);
        c50.intoArray(c, o + 5 * ldc);
        c51.intoArray(c, o + 5 * ldc + L);
        c60.intoArray(c, o + 6 * ldc);
        c61.intoArray(c, o + 6 * ldc + L);
        c70.intoArray(c, o + 7 * ldc);
        c71.intoArray(c, o + 7 * ldc + L);
    }

    /** As {@link #block8x2} with three vectors of columns: 24 accumulators. */
    private static void block8x3(
            int i, int x, int k, float[] a, int rowStep, int colStep, float[] b, int ldb, float[] c, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S), c62 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S), c72 = FloatVector.zero(S);
        int a0 = i * rowStep;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, p * ldb + x);
            FloatVector b1 = FloatVector.fromArray(S, b, p * ldb + x + L);
            FloatVector b2 = FloatVector.fromArray(S, b, p * ldb + x + 2 * L);
            int at = a0 + p * colStep;
            FloatVector r = FloatVector.broadcast(S, a[at]);
            c00 = r.fma(b0, c00);
            c01 = r.fma(b1, c01);
            c02 = r.fma(b2, c02);
            r = FloatVector.broadcast(S, a[at + rowStep]);
            c10 = r.fma(b0, c10);
            c11 = r.fma(b1, c11);
            c12 = r.fma(b2, c12);
            r = FloatVector.broadcast(S, a[at + 2 * rowStep]);
            c20 = r.fma(b0, c20);
            c21 = r.fma(b1, c21);
            c22 = r.fma(b2, c22);
            r = FloatVector.broadcast(S, a[at + 3 * rowStep]);
            c30 = r.fma(b0, c30);
            c31 = r.fma(b1, c31);
            c32 = r.fma(b2, c32);
            r = FloatVector.broadcast(S, a[at + 4 * rowStep]);
            c40 = r.fma(b0, c40);
            c41 = r.fma(b1, c41);
            c42 = r.fma(b2, c42);
            r = FloatVector.broadcast(S, a[at + 5 * rowStep]);
            c50 = r.fma(b0, c50);
            c51 = r.fma(b1, c51);
            c52 = r.fma(b2, c52);
            r = FloatVector.broadcast(S, a[at + 6 * rowStep]);
            c60 = r.fma(b0, c60);
            c61 = r.fma(b1, c61);
            c62 = r.fma(b2, c62);
            r = FloatVector.broadcast(S, a[at + 7 * rowStep]);
            c70 = r.fma(b0, c70);
            c71 = r.fma(b1, c71);
            c72 = r.fma(b2, c72);
        }
        int o = i * ldc + x;
        c00.intoArray(c, o);
        c01.intoArray(c, o + L);
        c02.intoArray(c, o + 2 * L);
        c10.intoArray(c, o + ldc);
        c11.intoArray(c, o + ldc + L);
        c12.intoArray(c, o + ldc + 2 * L);
        c20.intoArray(c, o + 2 * ldc);
        c21.intoArray(c, o + 2 * ldc + L);
        c22.intoArray(c, o + 2 * ldc + 2 * L);
        c30.intoArray(c, o + 3 * ldc);
        c31.intoArray(c, o + 3 * ldc + L);
        c32.intoArray(c, o + 3 * ldc + 2 * L);
        c40.intoArray(c, o + 4 * ldc);
        c41.intoArray(c, o + 4 * ldc + L);
        c42.intoArray(c, o + 4 * ldc + 2 * L);
        c50.intoArray(c, o + 5 * ldc);
        c51.intoArray(c, o + 5 * ldc + L);
        c52.intoArray(c, o + 5 * ldc + 2 * L);
        c60.intoArray(c, o + 6 * ldc);
        c61.intoArray(c, o + 6 * ldc + L);
        c62.intoArray(c, o + 6 * ldc + 2 * L);
        c70.intoArray(c, o + 7 * ldc);
        c71.intoArray(c, o + 7 * ldc + L);
        c72.intoArray(c, o + 7 * ldc + 2 * L);
    }

    /**
     * Rows i..i+3 × one vector (two where {@code two}) of columns from x. Both widths sit in one method
     * on purpose: it is then too large for C2 to inline, so every product calls compiled kernels (as
     * it calls the 8-row blocks, larger still). With the one-vector loop in a method of its own, C2
     * inlined it into each of backwardPair's five products, the compilation passed C2's node budget
     * (NodeCountInliningCutoff), and exp's helpers further down were left as calls on boxed vectors:
     * the decoder's backward ran ~20% slower.
     */
    private static void block4(
            boolean two,
            int i,
            int x,
            int k,
            float[] a,
            int rowStep,
            int colStep,
            float[] b,
            int ldb,
            float[] c,
            int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int a0 = i * rowStep;
        if (two) {
            for (int p = 0; p < k; p++) {
                FloatVector b0 = FloatVector.fromArray(S, b, p * ldb + x);
                FloatVector b1 = FloatVector.fromArray(S, b, p * ldb + x + L);
                int at = a0 + p * colStep;
                FloatVector r = FloatVector.broadcast(S, a[at]);
                c00 = r.fma(b0, c00);
                c01 = r.fma(b1, c01);
                r = FloatVector.broadcast(S, a[at + rowStep]);
                c10 = r.fma(b0, c10);
                c11 = r.fma(b1, c11);
                r = FloatVector.broadcast(S, a[at + 2 * rowStep]);
                c20 = r.fma(b0, c20);
                c21 = r.fma(b1, c21);
                r = FloatVector.broadcast(S, a[at + 3 * rowStep]);
                c30 = r.fma(b0, c30);
                c31 = r.fma(b1, c31);
            }
        } else {
            for (int p = 0; p < k; p++) {
                FloatVector b0 = FloatVector.fromArray(S, b, p * ldb + x);
                int at = a0 + p * colStep;
                c00 = FloatVector.broadcast(S, a[at]).fma(b0, c00);
                c10 = FloatVector.broadcast(S, a[at + rowStep]).fma(b0, c10);
                c20 = FloatVector.broadcast(S, a[at + 2 * rowStep]).fma(b0, c20);
                c30 = FloatVector.broadcast(S, a[at + 3 * rowStep]).fma(b0, c30);
            }
        }
        int o = i * ldc + x;
        c00.intoArray(c, o);
        c10.intoArray(c, o + ldc);
        c20.intoArray(c, o + 2 * ldc);
        c30.intoArray(c, o + 3 * ldc);
        if (two) {
            c01.intoArray(c, o + L);
            c11.intoArray(c, o + ldc + L);
            c21.intoArray(c, o + 2 * ldc + L);
            c31.intoArray(c, o + 3 * ldc + L);
        }
    }

    /**
     * The pair's n rows of t into rows[n·d], each element times factor, vector by vector (d is whole
     * vectors); zeros up to {@link Geometry#blockRows}.
     */
    private static void loadRows(Geometry g, Tensor t, long pair, float[] rows, float factor) {
        MemorySegment segment = HostStorage.segmentOf(t);
        int d = g.d();
        for (int i = 0; i < g.n(); i++) {
            long row = g.row(t, pair, i) * 4;
            for (int c = 0; c < d; c += L) {
                FloatVector.fromMemorySegment(S, segment, row + c * 4L, ORDER)
                        .mul(factor)
                        .intoArray(rows, i * d + c);
            }
        }
        Arrays.fill(rows, g.n() * d, g.blockRows() * d, 0f);
    }

    /**
     * The pair's rows of t transposed into columns[d·np] (zero beyond n): 8 rows × 8 columns at a
     * time in registers, the last n mod 8 rows element by element.
     */
    private static void loadTransposed(Geometry g, Tensor t, long pair, float[] columns) {
        MemorySegment segment = HostStorage.segmentOf(t);
        int n = g.n();
        int d = g.d();
        int np = g.np();
        int blocked = n - n % 8;
        for (int c = 0; c < d; c++) { // the padding, and lanes the last rows overwrite next
            FloatVector.zero(S).intoArray(columns, (c + 1) * np - L);
        }
        long step = t.stride(2) * 4L;
        for (int j = 0; j < blocked; j += 8) {
            long row = g.row(t, pair, j) * 4;
            for (int c = 0; c < d; c += 8) {
                Butterfly.transpose(segment, row + c * 4L, step, columns, c * np + j, np);
            }
        }
        for (int j = blocked; j < n; j++) {
            long row = g.row(t, pair, j);
            for (int c = 0; c < d; c++) {
                columns[c * np + j] = segment.getAtIndex(F32, row + c);
            }
        }
    }

    private static void storeRows(Geometry g, Tensor t, long pair, float[] rows) {
        MemorySegment segment = HostStorage.segmentOf(t);
        int d = g.d();
        for (int i = 0; i < g.n(); i++) {
            long row = g.row(t, pair, i) * 4;
            for (int c = 0; c < d; c += L) {
                FloatVector.fromArray(S, rows, i * d + c).intoMemorySegment(segment, row + c * 4L, ORDER);
            }
        }
    }
}
