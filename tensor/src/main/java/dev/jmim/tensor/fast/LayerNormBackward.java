package dev.jmim.tensor.fast;

import static dev.jmim.tensor.fast.Lanes.F32;
import static dev.jmim.tensor.fast.Lanes.L;
import static dev.jmim.tensor.fast.Lanes.ORDER;
import static dev.jmim.tensor.fast.Lanes.S;

import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * layer_norm's backward over the rows of contiguous F32 [rows, n] tensors (see {@code
 * Backend.layerNormBackward}): dx, and the affine parameters' gradients Σ g·x̂ and Σ g over the rows,
 * in one sweep over x and g. Each row takes three passes that keep it in L1: the mean and r as the
 * forward computes them; x̂ into a per-thread scratch row with the sums of ĝ = g·w and ĝ·x̂; then dx,
 * with g·x̂ and g added into the partial sums of the row's block. Rows go in blocks of {@value
 * #BLOCK} (more where there would be over {@value #MAX_BLOCKS} blocks: the partials stay small): one
 * thread sums a block in row order, in float, then the blocks' partials are added in block order, in
 * double. The blocks depend on the row count alone, so no bit depends on the thread count. (Before,
 * the two parameter gradients were a product and two column sums after the kernel: three more passes
 * over memory, and x̂ written out for them.)
 */
final class LayerNormBackward {
    static final int BLOCK = 32;
    static final int MAX_BLOCKS = 512;
    private static final ThreadLocal<MemorySegment[]> SCRATCH = ThreadLocal.withInitial(() -> new MemorySegment[1]);

    private LayerNormBackward() {}

    static void run(
            Tensor x, Tensor weight, Tensor g, double eps, Tensor dx, Tensor dWeight, Tensor dBias, Parallel parallel) {
        MemorySegment xs = HostStorage.segmentOf(x);
        MemorySegment gs = HostStorage.segmentOf(g);
        MemorySegment ds = HostStorage.segmentOf(dx);
        int n = x.size(-1);
        MemorySegment ws = weight == null ? Lanes.filled(n, 1f) : HostStorage.segmentOf(weight);
        long w0 = weight == null ? 0 : weight.offset();
        long rows = n == 0 ? 0 : x.numel() / n;
        long block = Math.max(BLOCK, Math.ceilDiv(rows, MAX_BLOCKS));
        int blocks = (int) Math.ceilDiv(rows, block);
        float[][] partials = PartialSums.floats(2, blocks * n); // weight, bias
        float[] weightParts = partials[0];
        float[] biasParts = partials[1];
        int full = n - n % L;
        int pairs = n - n % (2 * L);
        int parts = parallel.partsFor(rows * n, blocks);
        parallel.run(parts, part -> {
            float[] buffer = new float[2 * L];
            MemorySegment hs = scratch(n);
            for (int b = blocks * part / parts; b < blocks * (part + 1) / parts; b++) {
                int at = b * n;
                Arrays.fill(weightParts, at, at + n, 0f);
                Arrays.fill(biasParts, at, at + n, 0f);
                for (long row = b * block; row < Math.min(rows, (b + 1) * block); row++) {
                    long xa = x.offset() + row * n;
                    long ga = g.offset() + row * n;
                    long da = dx.offset() + row * n;
                    float mean = RowKernels.rowMean(xs, xa, n, buffer);
                    float r = RowKernels.rowInverseStd(xs, xa, n, mean, eps, buffer);
                    normalizeAndSum(xs, xa, gs, ga, ws, w0, hs, pairs, mean, r, buffer);
                    double gSum = RowKernels.foldInDouble(buffer, 0);
                    double gxSum = RowKernels.foldInDouble(buffer, L);
                    for (int j = pairs; j < n; j++) {
                        float h = (xs.getAtIndex(F32, xa + j) - mean) * r;
                        float gh = gs.getAtIndex(F32, ga + j) * ws.getAtIndex(F32, w0 + j);
                        hs.setAtIndex(F32, j, h);
                        gSum += gh;
                        gxSum += gh * h;
                    }
                    float gMean = (float) (gSum / n);
                    float gxMean = (float) (gxSum / n);
                    inputGradient(gs, ga, ws, w0, hs, ds, da, full, gMean, gxMean, r, weightParts, biasParts, at);
                    for (int j = full; j < n; j++) {
                        float gj = gs.getAtIndex(F32, ga + j);
                        float h = hs.getAtIndex(F32, j);
                        ds.setAtIndex(F32, da + j, (gj * ws.getAtIndex(F32, w0 + j) - gMean - h * gxMean) * r);
                        weightParts[at + j] = Math.fma(gj, h, weightParts[at + j]);
                        biasParts[at + j] += gj;
                    }
                }
            }
        });
        MemorySegment dws = HostStorage.segmentOf(dWeight);
        MemorySegment dbs = HostStorage.segmentOf(dBias);
        for (int j = 0; j < n; j++) {
            double weightSum = 0;
            double biasSum = 0;
            for (int b = 0; b < blocks; b++) {
                weightSum += weightParts[b * n + j];
                biasSum += biasParts[b * n + j];
            }
            dws.setAtIndex(F32, dWeight.offset() + j, (float) weightSum);
            dbs.setAtIndex(F32, dBias.offset() + j, (float) biasSum);
        }
    }

    /** A per-thread off-heap row of at least n floats for x̂ (off-heap: see Lanes.filled). */
    private static MemorySegment scratch(int n) {
        MemorySegment[] held = SCRATCH.get();
        if (held[0] == null || held[0].byteSize() < n * 4L) {
            held[0] = Arena.ofAuto().allocate(Math.max(n, 2 * L) * 4L, 64);
        }
        return held[0];
    }

    /**
     * The first pass over the row's first {@code pairs} elements: x̂ = (x − μ)·r into hs, and the lanes
     * of Σ ĝ and Σ ĝ·x̂ (ĝ = g·w) into lanes[0, L) and [L, 2L). Its own method, as is {@link
     * #inputGradient}: the row body in one compilation unit overran C2's node budget during training
     * and its vectors were boxed (bench/NOTES.md).
     */
    private static void normalizeAndSum(
            MemorySegment xs,
            long xa,
            MemorySegment gs,
            long ga,
            MemorySegment ws,
            long w0,
            MemorySegment hs,
            int pairs,
            float mean,
            float r,
            float[] lanes) {
        // two accumulators per sum (even and odd vectors): one would chain every add's latency
        FloatVector gSumV = FloatVector.zero(S);
        FloatVector gSumW = gSumV;
        FloatVector gxSumV = gSumV;
        FloatVector gxSumW = gSumV;
        for (int i = 0; i < pairs; i += 2 * L) {
            FloatVector h = FloatVector.fromMemorySegment(S, xs, (xa + i) * 4, ORDER)
                    .sub(mean)
                    .mul(r);
            FloatVector gh = FloatVector.fromMemorySegment(S, gs, (ga + i) * 4, ORDER)
                    .mul(FloatVector.fromMemorySegment(S, ws, (w0 + i) * 4, ORDER));
            FloatVector h2 = FloatVector.fromMemorySegment(S, xs, (xa + i + L) * 4, ORDER)
                    .sub(mean)
                    .mul(r);
            FloatVector gh2 = FloatVector.fromMemorySegment(S, gs, (ga + i + L) * 4, ORDER)
                    .mul(FloatVector.fromMemorySegment(S, ws, (w0 + i + L) * 4, ORDER));
            h.intoMemorySegment(hs, i * 4L, ORDER);
            h2.intoMemorySegment(hs, (i + L) * 4L, ORDER);
            gSumV = gSumV.add(gh);
            gSumW = gSumW.add(gh2);
            gxSumV = gh.fma(h, gxSumV);
            gxSumW = gh2.fma(h2, gxSumW);
        }
        gSumV.add(gSumW).intoArray(lanes, 0);
        gxSumV.add(gxSumW).intoArray(lanes, L);
    }

    /**
     * The last pass over the row's first {@code full} elements: dx = (ĝ − mean ĝ − x̂·mean ĝx̂)·r, and
     * g·x̂ and g added into the block's partial sums at [at, at + full).
     */
    private static void inputGradient(
            MemorySegment gs,
            long ga,
            MemorySegment ws,
            long w0,
            MemorySegment hs,
            MemorySegment ds,
            long da,
            int full,
            float gMean,
            float gxMean,
            float r,
            float[] weightParts,
            float[] biasParts,
            int at) {
        for (int i = 0; i < full; i += L) {
            FloatVector gv = FloatVector.fromMemorySegment(S, gs, (ga + i) * 4, ORDER);
            FloatVector h = FloatVector.fromMemorySegment(S, hs, i * 4L, ORDER);
            gv.mul(FloatVector.fromMemorySegment(S, ws, (w0 + i) * 4, ORDER))
                    .sub(gMean)
                    .sub(h.mul(gxMean))
                    .mul(r)
                    .intoMemorySegment(ds, (da + i) * 4, ORDER);
            gv.fma(h, FloatVector.fromArray(S, weightParts, at + i)).intoArray(weightParts, at + i);
            gv.add(FloatVector.fromArray(S, biasParts, at + i)).intoArray(biasParts, at + i);
        }
    }
}
