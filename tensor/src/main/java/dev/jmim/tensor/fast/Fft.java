package dev.jmim.tensor.fast;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * 2-D FFT of complex pairs, one axis after the other, in double whatever the storage dtype. A line
 * of length n runs as a mixed-radix Cooley–Tukey transform (decimation in time, one pass per prime
 * factor) when every prime factor is at most {@link #MAX_RADIX}, and as Bluestein's chirp-z
 * convolution through a power-of-two transform otherwise — so 224 = 2⁵·7 costs 17 complex
 * multiply-adds per point and a prime like 1009 stays O(n log n). Images are split across threads
 * (a fixed partition, each image on one thread), so results never depend on the thread count.
 */
final class Fft {
    /** Larger prime factors go through Bluestein: a radix-p pass costs p operations per point. */
    static final int MAX_RADIX = 64;

    private static final Map<Integer, Plan> PLANS = new ConcurrentHashMap<>();

    private Fft() {}

    static void fft2(Tensor x, boolean inverse, Tensor out, Parallel parallel) {
        int h = x.size(-3);
        int w = x.size(-2);
        long images = x.numel() / (2L * h * w);
        if (images == 0 || h == 0 || w == 0) {
            return;
        }
        Plan rows = plan(w);
        Plan cols = plan(h);
        int sign = inverse ? 1 : -1;
        double scale = inverse ? 1.0 / ((double) h * w) : 1;
        boolean f64 = x.dtype() == DType.F64;
        MemorySegment in = HostStorage.segmentOf(x);
        MemorySegment o = HostStorage.segmentOf(out);
        int parts = (int) Math.min(parallel.threads(), images);
        parallel.run(parts, part -> {
            Line line = new Line(Math.max(h, w));
            double[] re = new double[h * w];
            double[] im = new double[h * w];
            for (long image = images * part / parts; image < images * (part + 1) / parts; image++) {
                long inAt = x.offset() + image * 2L * h * w;
                read(in, inAt, f64, re, im);
                for (int r = 0; r < h; r++) {
                    line.transform(rows, re, im, r * w, 1, sign);
                }
                for (int c = 0; c < w; c++) {
                    line.transform(cols, re, im, c, w, sign);
                }
                write(o, out.offset() + image * 2L * h * w, f64, re, im, scale);
            }
        });
    }

    private static void read(MemorySegment s, long element, boolean f64, double[] re, double[] im) {
        for (int i = 0; i < re.length; i++) {
            long at = element + 2L * i;
            re[i] = f64 ? s.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, at) : s.getAtIndex(F32, at);
            im[i] = f64 ? s.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, at + 1) : s.getAtIndex(F32, at + 1);
        }
    }

    private static void write(MemorySegment s, long element, boolean f64, double[] re, double[] im, double scale) {
        for (int i = 0; i < re.length; i++) {
            long at = element + 2L * i;
            if (f64) {
                s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, at, re[i] * scale);
                s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, at + 1, im[i] * scale);
            } else {
                s.setAtIndex(F32, at, (float) (re[i] * scale));
                s.setAtIndex(F32, at + 1, (float) (im[i] * scale));
            }
        }
    }

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    static Plan plan(int n) {
        return PLANS.computeIfAbsent(n, Plan::new);
    }

    /**
     * What a length needs, computed once: its prime factors and the table cos/sin(2πj/n), or for
     * Bluestein the chirp e^(iπj²/n) and the power-of-two plan of its convolution.
     */
    static final class Plan {
        final int n;
        final int[] factors;
        final double[] cos;
        final double[] sin;
        final boolean bluestein;
        final int m;
        final double[] chirpCos;
        final double[] chirpSin;
        /** FFT of the chirp filter, for sign −1 (index 0) and +1 (index 1), computed on first use. */
        private final double[][][] filter = new double[2][][];

        Plan(int n) {
            this.n = n;
            int[] f = primeFactors(n);
            this.bluestein = f.length > 0 && f[f.length - 1] > MAX_RADIX;
            if (bluestein) {
                this.factors = null;
                this.cos = null;
                this.sin = null;
                int size = 1;
                while (size < 2 * n - 1) {
                    size <<= 1;
                }
                this.m = size;
                this.chirpCos = new double[n];
                this.chirpSin = new double[n];
                for (int j = 0; j < n; j++) {
                    double angle = Math.PI * (((long) j * j) % (2L * n)) / n; // exact reduction of j²
                    chirpCos[j] = Math.cos(angle);
                    chirpSin[j] = Math.sin(angle);
                }
            } else {
                this.factors = f;
                this.cos = new double[n];
                this.sin = new double[n];
                for (int j = 0; j < n; j++) {
                    cos[j] = Math.cos(2 * Math.PI * j / n);
                    sin[j] = Math.sin(2 * Math.PI * j / n);
                }
                this.m = 0;
                this.chirpCos = null;
                this.chirpSin = null;
            }
        }

        /** DFT of the filter b[k] = e^(−sign·iπk²/n) laid out circularly over m points. */
        synchronized double[][] filter(int sign) {
            int slot = sign < 0 ? 0 : 1;
            if (filter[slot] == null) {
                double[] re = new double[m];
                double[] im = new double[m];
                for (int k = 0; k < n; k++) {
                    re[k] = chirpCos[k];
                    im[k] = -sign * chirpSin[k];
                    if (k > 0) {
                        re[m - k] = re[k];
                        im[m - k] = im[k];
                    }
                }
                new Line(m).transform(plan(m), re, im, 0, 1, -1);
                filter[slot] = new double[][] {re, im};
            }
            return filter[slot];
        }

        private static int[] primeFactors(int n) {
            int[] out = new int[32];
            int count = 0;
            int rest = n;
            for (int p = 2; (long) p * p <= rest; p++) {
                while (rest % p == 0) {
                    out[count++] = p;
                    rest /= p;
                }
            }
            if (rest > 1) {
                out[count++] = rest;
            }
            return java.util.Arrays.copyOf(out, count);
        }
    }

    /** One thread's scratch for transforming lines. */
    static final class Line {
        private double[] re;
        private double[] im;
        private final double[] radixRe = new double[MAX_RADIX];
        private final double[] radixIm = new double[MAX_RADIX];

        Line(int capacity) {
            re = new double[capacity];
            im = new double[capacity];
        }

        /** In place: the n points at start, start + stride, … of (dataRe, dataIm) replaced by their DFT. */
        void transform(Plan plan, double[] dataRe, double[] dataIm, int start, int stride, int sign) {
            int n = plan.n;
            if (n <= 1) {
                return;
            }
            if (plan.bluestein) {
                bluestein(plan, dataRe, dataIm, start, stride, sign);
                return;
            }
            if (re.length < n) {
                re = new double[n];
                im = new double[n];
            }
            radix(plan, dataRe, dataIm, start, stride, n, 0, 0, sign);
            for (int k = 0; k < n; k++) {
                dataRe[start + k * stride] = re[k];
                dataIm[start + k * stride] = im[k];
            }
        }

        /**
         * Decimation in time into re/im[outAt, outAt + len): the p sub-sequences x[r + p·j] are
         * transformed into consecutive blocks of len/p, then combined p points at a time.
         */
        private void radix(
                Plan plan,
                double[] inRe,
                double[] inIm,
                int inAt,
                int stride,
                int len,
                int level,
                int outAt,
                int sign) {
            if (len == 1) {
                re[outAt] = inRe[inAt];
                im[outAt] = inIm[inAt];
                return;
            }
            int p = plan.factors[level];
            int m = len / p;
            for (int r = 0; r < p; r++) {
                radix(plan, inRe, inIm, inAt + r * stride, stride * p, m, level + 1, outAt + r * m, sign);
            }
            int n = plan.n;
            long step = n / len; // W_len^j = W_n^(j·step)
            for (int k = 0; k < m; k++) {
                for (int r = 0; r < p; r++) { // t_r = W_len^(r·k) · Y_r[k]
                    int t = (int) ((r * k * step) % n);
                    double c = plan.cos[t];
                    double s = sign * plan.sin[t];
                    double a = re[outAt + r * m + k];
                    double b = im[outAt + r * m + k];
                    radixRe[r] = a * c - b * s;
                    radixIm[r] = a * s + b * c;
                }
                for (int q = 0; q < p; q++) { // X[k + m·q] = Σ_r t_r · W_p^(r·q)
                    double sumRe = 0;
                    double sumIm = 0;
                    for (int r = 0; r < p; r++) {
                        int t = (int) (((long) r * q % p) * m * step % n);
                        double c = plan.cos[t];
                        double s = sign * plan.sin[t];
                        sumRe += radixRe[r] * c - radixIm[r] * s;
                        sumIm += radixRe[r] * s + radixIm[r] * c;
                    }
                    re[outAt + k + m * q] = sumRe;
                    im[outAt + k + m * q] = sumIm;
                }
            }
        }

        /**
         * Bluestein: jk = (j² + k² − (k − j)²)/2 turns the DFT into X[k] = c[k]·Σ_j (x[j]·c[j])·b[k − j]
         * with c[j] = e^(sign·iπj²/n) and b[j] = e^(−sign·iπj²/n), a convolution done by power-of-two
         * FFTs of m ≥ 2n − 1 points.
         */
        private void bluestein(Plan plan, double[] dataRe, double[] dataIm, int start, int stride, int sign) {
            int n = plan.n;
            int m = plan.m;
            double[] aRe = new double[m];
            double[] aIm = new double[m];
            for (int j = 0; j < n; j++) { // a[j] = x[j]·e^(sign·iπj²/n)
                double c = plan.chirpCos[j];
                double s = sign * plan.chirpSin[j];
                double x = dataRe[start + j * stride];
                double y = dataIm[start + j * stride];
                aRe[j] = x * c - y * s;
                aIm[j] = x * s + y * c;
            }
            Plan pow2 = plan(m);
            Line inner = new Line(m);
            inner.transform(pow2, aRe, aIm, 0, 1, -1);
            double[][] b = plan.filter(sign);
            for (int k = 0; k < m; k++) {
                double x = aRe[k];
                double y = aIm[k];
                aRe[k] = x * b[0][k] - y * b[1][k];
                aIm[k] = x * b[1][k] + y * b[0][k];
            }
            inner.transform(pow2, aRe, aIm, 0, 1, 1);
            for (int k = 0; k < n; k++) { // X[k] = e^(sign·iπk²/n)·conv[k]/m
                double c = plan.chirpCos[k];
                double s = sign * plan.chirpSin[k];
                double x = aRe[k] / m;
                double y = aIm[k] / m;
                dataRe[start + k * stride] = x * c - y * s;
                dataIm[start + k * stride] = x * s + y * c;
            }
        }
    }
}
