package dev.jmim.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmim.tensor.AdamwStep;
import dev.jmim.tensor.Backends;
import dev.jmim.tensor.BinaryOp;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.UnaryOp;
import dev.jmim.tensor.random.Distribution;
import dev.jmim.tensor.random.Generator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CUDA backend against the naive CPU backend (float ops computed in double, then rounded), op by op, on seeded random shapes (sizes 1, odd, prime and
 * past a block), views (contiguous, transposed, sliced with a step, broadcast) and dtypes. Each case
 * builds the same view on both devices and compares the CUDA result, copied back, with the CPU one.
 * Tolerances: F32 math functions within 4 ulps of the CPU's correctly rounded values plus 1e-6
 * absolute near zero; sums and matmuls relative to the sum of magnitudes; everything else exact.
 * Skipped, with the reason, where no GPU is.
 */
class CudaBackendTest {
    private static final Device GPU = Device.cuda(0);
    private static final int CASES = 40;

    private static String cpuBefore;

    @BeforeAll
    static void needsAGpu() {
        String reason = new CudaBackendProvider().unavailableReason().orElse(null);
        assumeTrue(reason == null, "skipped: " + reason);
        cpuBefore = Backends.cpu().name();
        Backends.useCpu("naive");
    }

    @AfterAll
    static void restoreTheCpuBackend() {
        if (cpuBefore != null) {
            Backends.useCpu(cpuBefore);
        }
    }

    @Test
    void reportsTheDevice() {
        CudaBackend cuda = (CudaBackend) Backends.forDevice(GPU);
        System.out.println("CUDA backend on " + cuda.describe() + ", "
                + DriverProbe.result().describe());
        assertEquals("cuda", cuda.name());
    }

    @Test
    void roundTripsEveryDtypeExactly() {
        Random r = new Random(1);
        for (DType dtype : DType.values()) {
            Tensor x = randomTensor(r, dtype, 3, 257);
            assertExact(x, x.to(GPU).to(Device.CPU), dtype.toString());
        }
    }

    @Test
    void unaryOpsMatchTheCpu() {
        Random r = new Random(2);
        for (UnaryOp op : UnaryOp.values()) {
            for (int c = 0; c < CASES / 4; c++) {
                int[] shape = randomShape(r);
                Tensor x = randomTensor(r, DType.F32, shape);
                if (op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT) {
                    x = x.abs();
                }
                Function<Tensor, Tensor> view = randomView(r, shape);
                compareClose(x, t -> unary(op, view.apply(t)), 4, 1e-6, op.toString());
                compareExact(x, t -> view.apply(t).mul(-0.5).add(2.0), "scalar mul, add " + describe(shape));
            }
        }
    }

    @Test
    void binaryOpsAndComparisonsMatchTheCpu() {
        Random r = new Random(3);
        for (BinaryOp op : BinaryOp.values()) {
            for (int c = 0; c < CASES / 4; c++) {
                int[] shape = randomShape(r);
                Tensor a = randomTensor(r, DType.F32, shape);
                Tensor b = randomTensor(r, DType.F32, shape);
                if (op == BinaryOp.POW) {
                    a = a.abs();
                }
                if (op.isComparison() && c % 2 == 0) {
                    b = a.mul(r.nextBoolean() ? 1.0 : -1.0); // ties and sign flips
                }
                Tensor bRow = b.dim() > 0 ? b.select(0, 0) : b; // broadcast along dim 0
                Tensor fa = a, fb = c % 3 == 0 ? bRow : b;
                Function<Tensor, Tensor> view = randomView(r, shape);
                Tensor gpuA = fa.to(GPU), gpuB = fb.to(GPU);
                Tensor expected = binary(op, view.apply(fa), fb);
                Tensor actual = binary(op, view.apply(gpuA), gpuB).to(Device.CPU);
                assertClose(expected, actual, 4, 1e-6, op + " " + describe(shape));
            }
        }
    }

    @Test
    void integerAndF64ArithmeticRunOnTheDeviceExactly() {
        Random r = new Random(4);
        CudaBackend cuda = (CudaBackend) Backends.forDevice(GPU);
        long before = cuda.hostFallbacks();
        Tensor a = randomTensor(r, DType.I64, 7, 9);
        Tensor b = randomTensor(r, DType.I64, 7, 9);
        assertExact(a.add(b).mul(b), a.to(GPU).add(b.to(GPU)).mul(b.to(GPU)).to(Device.CPU), "I64 add, mul");
        assertExact(a.sum(1), a.to(GPU).sum(1).to(Device.CPU), "I64 sum");
        assertExact(a.neg().abs(), a.to(GPU).neg().abs().to(Device.CPU), "I64 neg, abs");
        Tensor c = randomTensor(r, DType.F64, 7, 9);
        assertExact(c.mul(c).sub(c), c.to(GPU).mul(c.to(GPU)).sub(c.to(GPU)).to(Device.CPU), "F64 mul, sub");
        assertEquals(before, cuda.hostFallbacks(), "no host fallback");
    }

    @Test
    void castsBetweenEveryPairOfDtypesMatchTheCpu() {
        Random r = new Random(5);
        for (DType from : DType.values()) {
            for (DType to : DType.values()) {
                int[] shape = randomShape(r);
                Tensor x = randomTensor(r, from, shape)
                        .mul(from.isFloating() ? 300.0 : 1.0)
                        .to(from);
                Function<Tensor, Tensor> view = randomView(r, shape);
                compareExact(x, t -> view.apply(t).to(to), from + "→" + to);
            }
        }
    }

    @Test
    void whereAndFillMatchTheCpu() {
        Random r = new Random(6);
        for (DType dtype : new DType[] {DType.F32, DType.I64, DType.BF16, DType.BOOL}) {
            int[] shape = randomShape(r);
            Tensor cond = randomTensor(r, DType.F32, shape).gt(0.0);
            Tensor a = randomTensor(r, dtype, shape);
            Tensor b = randomTensor(r, dtype, shape);
            Tensor expected = Tensor.where(cond, a, b);
            Tensor actual = Tensor.where(cond.to(GPU), a.to(GPU), b.to(GPU)).to(Device.CPU);
            assertExact(expected, actual, "where " + dtype);
            assertExact(
                    Tensor.full(-2.5, dtype, shape),
                    Tensor.full(-2.5, dtype, GPU, shape).to(Device.CPU),
                    "fill " + dtype);
        }
    }

    @Test
    void reductionsMatchTheCpu() {
        Random r = new Random(7);
        for (int c = 0; c < CASES; c++) {
            int[] shape = randomShape(r);
            if (shape.length == 0) {
                continue;
            }
            Tensor x = randomTensor(r, DType.F32, shape);
            int[] dims = randomDims(r, shape.length);
            Function<Tensor, Tensor> view = randomView(r, shape);
            String what = describe(shape) + " over " + java.util.Arrays.toString(dims);
            boolean keep = c % 2 == 0;
            compareClose(x, t -> view.apply(t).sum(dims, keep), 8, 1e-5, "sum " + what);
            compareExact(x, t -> view.apply(t).max(dims, true), "max " + what);
            compareExact(x, t -> view.apply(t).min(dims, false), "min " + what);
            int dim = r.nextInt(shape.length);
            compareExact(x, t -> view.apply(t).argmax(dim, true), "argmax " + what);
        }
    }

    @Test
    void eachReductionStrategyMatchesTheCpu() {
        Random r = new Random(12);
        // columns (two passes), one block per long row, one warp per short row, and a full reduction
        Tensor tall = randomTensor(r, DType.F32, 4096, 64);
        Tensor wide = randomTensor(r, DType.F32, 40, 5000);
        compareClose(tall, t -> t.sum(new int[] {0}, false), 8, 1e-5, "sum of columns");
        compareExact(tall, t -> t.max(new int[] {0}, false), "max of columns");
        compareClose(wide, t -> t.sum(new int[] {1}, true), 8, 1e-5, "sum of long rows");
        compareExact(wide, t -> t.min(new int[] {1}, true), "min of long rows");
        compareClose(tall, t -> t.sum(new int[] {1}, false), 8, 1e-5, "sum of short rows");
        compareClose(wide, Tensor::sum, 8, 1e-5, "sum of everything");
        compareExact(tall.mT(), t -> t.argmax(0, false), "argmax down transposed columns");
    }

    @Test
    void softmaxAndLayerNormMatchTheCpu() {
        Random r = new Random(8);
        for (int c = 0; c < CASES; c++) {
            int[] shape = randomShape(r);
            if (shape.length == 0) {
                continue;
            }
            Tensor x = randomTensor(r, DType.F32, shape).mul(4.0);
            int last = shape[shape.length - 1];
            compareClose(x, t -> t.softmax(shape.length - 1), 4, 1e-7, "softmax " + describe(shape));
            compareClose(x, t -> t.logSoftmax(shape.length - 1), 4, 1e-6, "log_softmax " + describe(shape));
            Tensor w = randomTensor(r, DType.F32, last);
            Tensor b = randomTensor(r, DType.F32, last);
            boolean affine = c % 2 == 0;
            Tensor expected = x.layerNorm(new int[] {last}, affine ? w : null, affine ? b : null, 1e-6);
            Tensor actual = x.to(GPU)
                    .layerNorm(new int[] {last}, affine ? w.to(GPU) : null, affine ? b.to(GPU) : null, 1e-6)
                    .to(Device.CPU);
            assertClose(expected, actual, 4, 1e-5, "layer_norm " + describe(shape));
        }
    }

    @Test
    void layerNormBackwardMatchesTheCpu() {
        Random r = new Random(12);
        // rows × n: every register-held row kernel, the long-row one, one chunk and several
        int[][] shapes = {{3, 1}, {200, 48}, {37, 300}, {4, 5, 768}, {9, 1000}, {5, 1500}, {4096, 192}};
        for (int c = 0; c < shapes.length; c++) {
            int[] shape = shapes[c];
            int n = shape[shape.length - 1];
            Tensor x = randomTensor(r, DType.F32, shape).mul(3.0).add(1.0);
            Tensor gradOut = randomTensor(r, DType.F32, shape);
            Tensor w = c % 2 == 0 ? randomTensor(r, DType.F32, n) : null;
            Tensor[] expected = x.layerNormBackward(w, gradOut, 1e-6);
            Tensor[] actual = x.to(GPU).layerNormBackward(w == null ? null : w.to(GPU), gradOut.to(GPU), 1e-6);
            String[] names = {"dx", "dWeight", "dBias"};
            for (int i = 0; i < 3; i++) {
                KernelEmulator.assertClose(
                        expected[i].toFloatArray(),
                        actual[i].to(Device.CPU).toFloatArray(),
                        1e-5,
                        "layer_norm backward " + names[i] + " " + describe(shape));
            }
        }
    }

    @Test
    void matmulsMatchTheCpu() {
        Random r = new Random(9);
        int[] sizes = {1, 2, 3, 17, 64, 129};
        for (int c = 0; c < CASES; c++) {
            int m = sizes[r.nextInt(sizes.length)], k = sizes[r.nextInt(sizes.length)];
            int n = sizes[r.nextInt(sizes.length)], batch = 1 + r.nextInt(3);
            Tensor a = randomTensor(r, DType.F32, batch, m, k);
            Tensor b = randomTensor(r, DType.F32, batch, k, n);
            boolean transposeA = r.nextBoolean(), transposeB = r.nextBoolean(), broadcastB = r.nextBoolean();
            Function<Tensor, Tensor> va = t -> transposeA ? t.mT().contiguous().mT() : t;
            Function<Tensor, Tensor> vb = t -> {
                Tensor v = transposeB ? t.mT().contiguous().mT() : t;
                return broadcastB ? v.select(0, 0) : v;
            };
            Tensor expected = va.apply(a).matmul(vb.apply(b));
            Tensor actual = va.apply(a.to(GPU)).matmul(vb.apply(b.to(GPU))).to(Device.CPU);
            Tensor scale = va.apply(a).abs().matmul(vb.apply(b).abs());
            assertWithinScale(expected, actual, scale, 1e-5, "matmul " + batch + "×" + m + "×" + k + "×" + n);
        }
    }

    @Test
    void indexingOpsMatchTheCpu() {
        Random r = new Random(10);
        for (int c = 0; c < CASES / 2; c++) {
            int rows = 1 + r.nextInt(40), cols = 1 + r.nextInt(40);
            Tensor x = randomTensor(r, DType.F32, rows, cols);
            Tensor index = randomIndex(r, rows, 1 + r.nextInt(60), cols);
            compareExact(x, t -> t.gather(0, index.to(t.device())), "gather");
            Tensor picks = randomIndex(r, cols, 1 + r.nextInt(50));
            compareExact(x, t -> t.indexSelect(1, picks.to(t.device())), "index_select");
            Tensor src = randomTensor(r, DType.F32, index.shape());
            compareClose(
                    x,
                    t -> t.scatterAdd(0, index.to(t.device()), src.to(t.device())),
                    4,
                    1e-5,
                    "scatter_add " + rows + "×" + cols);
        }
        Tensor x = Tensor.zeros(DType.F32, GPU, 4, 4);
        IndexOutOfBoundsException e = assertThrows(
                IndexOutOfBoundsException.class,
                () -> x.gather(0, Tensor.of(new long[] {0, 9, 1, 2}, 1, 4).to(GPU)));
        assertTrue(e.getMessage().contains("index 9"), e.getMessage());
    }

    /** cuFFT against the CPU's transform, forward and inverse, on sizes with radix 2, 3, 7 and a prime. */
    @Test
    void fft2MatchesTheCpu() {
        Random r = new Random(9);
        CudaBackend cuda = (CudaBackend) Backends.forDevice(GPU);
        long fallbacksBefore = cuda.hostFallbacks();
        int[][] shapes = {{1, 8, 8}, {3, 28, 28}, {2, 32, 224}, {2, 17, 13}, {4, 3, 56, 56}};
        for (int[] shape : shapes) {
            int[] pairs = java.util.Arrays.copyOf(shape, shape.length + 1);
            pairs[shape.length] = 2;
            Tensor x = randomTensor(r, DType.F32, pairs);
            double n = (double) shape[shape.length - 1] * shape[shape.length - 2];
            for (boolean inverse : new boolean[] {false, true}) {
                Tensor expected = inverse ? x.ifft2() : x.fft2();
                Tensor actual = (inverse ? x.to(GPU).ifft2() : x.to(GPU).fft2()).to(Device.CPU);
                Tensor scale = Tensor.full(inverse ? 1 : n, DType.F32, expected.shape());
                assertWithinScale(expected, actual, scale, 1e-5, (inverse ? "ifft2 " : "fft2 ") + describe(pairs));
            }
        }
        assertEquals(fallbacksBefore, cuda.hostFallbacks(), "every F32 transform ran in cuFFT, none on the host");
    }

    /** The stable order of the CPU: ties (-0 = +0, NaN above all) in index order, both directions, any dim. */
    @Test
    void argsortGivesTheCpuResult() {
        CudaBackend cuda = (CudaBackend) Backends.forDevice(GPU);
        Random r = new Random(11);
        long fallbacksBefore = cuda.hostFallbacks();
        for (int[] shape : new int[][] {{5, 33}, {3, 7, 196}, {1, 1}, {2, 4096}, {64, 0}}) {
            Tensor x = randomTensor(r, DType.F32, shape);
            if (x.numel() > 8) {
                float[] v = x.toFloatArray();
                v[1] = v[0]; // a tie
                v[2] = Float.NaN;
                v[3] = Float.NaN;
                v[4] = -0.0f;
                v[5] = 0.0f;
                x = Tensor.of(v, shape);
            }
            Tensor ties = x.mul(4).to(DType.I32).to(DType.F32); // many equal keys
            Tensor ids = Tensor.rand(new Generator(r.nextLong()), shape).argsort(-1, false); // I64 keys
            for (boolean descending : new boolean[] {false, true}) {
                for (Tensor keys : new Tensor[] {x, ties, ids}) {
                    String what = "argsort " + keys.dtype() + " " + describe(shape) + (descending ? " desc" : "");
                    compareExact(keys, t -> t.argsort(-1, descending), what);
                    if (keys.dim() > 1) {
                        compareExact(keys, t -> t.argsort(0, descending), what + " along dim 0");
                    }
                }
            }
        }
        assertEquals(fallbacksBefore, cuda.hostFallbacks(), "every row of ≤ 4,096 keys sorted on the device");
        compareExact(randomTensor(r, DType.F32, 2, 5000), t -> t.argsort(1, false), "argsort of 5,000 (host)");
    }

    /**
     * Philox on the device from the same (seed, stream, offset) as the CPU: uniform bit for bit; the
     * normal paths within one float ulp (the device's double log/sin/cos/erfc/erfinv may differ from
     * Java's by an ulp, which moves the float only at a rounding boundary).
     */
    @Test
    void randomFillsGiveTheCpuNumbers() {
        CudaBackend cuda = (CudaBackend) Backends.forDevice(GPU);
        long fallbacksBefore = cuda.hostFallbacks();
        Distribution[] distributions = {
            new Distribution.Uniform(-0.3, 2.5),
            new Distribution.Normal(0.5, 2),
            new Distribution.TruncatedNormal(0, 0.02, -0.04, 0.04)
        };
        for (Distribution d : distributions) {
            for (int[] shape : new int[][] {{7}, {3, 100_001}}) {
                Generator onCpu = new Generator(42, 7);
                Generator onGpu = new Generator(42, 7);
                onCpu.setOffset(5); // an offset that is no multiple of a Philox block
                onGpu.setOffset(5);
                Tensor cpu = Tensor.random(onCpu, d, DType.F32, Device.CPU, shape);
                Tensor gpu = Tensor.random(onGpu, d, DType.F32, GPU, shape).to(Device.CPU);
                if (d instanceof Distribution.Uniform) {
                    assertExact(cpu, gpu, "uniform " + describe(shape));
                } else {
                    assertClose(cpu, gpu, 1, 0, d + " " + describe(shape));
                }
                assertEquals(onCpu.offset(), onGpu.offset(), "both generators advance alike");
            }
        }
        assertEquals(fallbacksBefore, cuda.hostFallbacks(), "every F32 fill ran on the device");
    }

    /** The fused AdamW kernel gives the composite's bits (computed on the CPU), with and without decay. */
    @Test
    void fusedAdamwEqualsTheCompositeBitForBit() {
        Random r = new Random(12);
        for (double decay : new double[] {0, 0.05}) {
            for (int n : new int[] {1, 1000, 65_537}) {
                AdamwStep step = new AdamwStep(1.5e-4, 0.9, 0.95, 1e-8, decay, 3);
                Tensor param = randomTensor(r, DType.F32, n);
                Tensor grad = randomTensor(r, DType.F32, n);
                Tensor m = randomTensor(r, DType.F32, n).mul(0.01);
                Tensor v = randomTensor(r, DType.F32, n).abs().mul(1e-4);
                Tensor[] gpu = {param.to(GPU), grad.to(GPU), m.to(GPU), v.to(GPU)};
                step.composite(param, grad, m, v);
                step.apply(gpu[0], gpu[1], gpu[2], gpu[3]);
                String what = "adamw n=" + n + " decay=" + decay;
                assertExact(param, gpu[0].to(Device.CPU), what + " param");
                assertExact(m, gpu[2].to(Device.CPU), what + " exp_avg");
                assertExact(v, gpu[3].to(Device.CPU), what + " exp_avg_sq");
            }
        }
    }

    @Test
    void freedMemoryReturnsToThePool() {
        CudaBackend cuda = (CudaBackend) Backends.forDevice(GPU);
        long live = cuda.memoryStats().liveBytes();
        for (int i = 0; i < 10; i++) {
            Tensor t = Tensor.zeros(DType.F32, GPU, 1024, 1024);
            t.storage().free();
        }
        assertEquals(live, cuda.memoryStats().liveBytes());
        long[] pool = cuda.poolBytes();
        assertTrue(pool[0] >= pool[1], "reserved ≥ used");
    }

    // ---------------------------------------------------------------- generators and checks

    private static Tensor unary(UnaryOp op, Tensor t) {
        return switch (op) {
            case NEG -> t.neg();
            case EXP -> t.exp();
            case LOG -> t.log();
            case SQRT -> t.sqrt();
            case RSQRT -> t.rsqrt();
            case RECIPROCAL -> t.reciprocal();
            case TANH -> t.tanh();
            case SIGMOID -> t.sigmoid();
            case ERF -> t.erf();
            case ABS -> t.abs();
            case SIN -> t.sin();
            case COS -> t.cos();
            case GELU -> t.gelu();
            case GELU_DERIVATIVE -> t.geluDerivative();
        };
    }

    private static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case POW -> a.pow(b);
            case MAXIMUM -> a.maximum(b);
            case MINIMUM -> a.minimum(b);
            case GELU_BACKWARD -> a.geluBackward(b);
            case EQ -> a.eq(b);
            case NE -> a.ne(b);
            case LT -> a.lt(b);
            case LE -> a.le(b);
            case GT -> a.gt(b);
            case GE -> a.ge(b);
        };
    }

    private static int[] randomShape(Random r) {
        int[] sizes = {1, 2, 3, 5, 7, 16, 31, 33, 257};
        int rank = r.nextInt(5);
        int[] shape = new int[rank];
        long n = 1;
        for (int d = 0; d < rank; d++) {
            shape[d] = sizes[r.nextInt(n > 4096 ? 4 : sizes.length)];
            n *= shape[d];
        }
        return shape;
    }

    private static int[] randomDims(Random r, int rank) {
        List<Integer> dims = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            if (r.nextBoolean()) {
                dims.add(d);
            }
        }
        if (dims.isEmpty()) {
            dims.add(r.nextInt(rank));
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The same view of a tensor of {@code shape} on either device: as is, transposed, or sliced with a step. */
    private static Function<Tensor, Tensor> randomView(Random r, int[] shape) {
        int kind = r.nextInt(3);
        if (shape.length >= 2 && kind == 1) {
            return t -> t.transpose(0, shape.length - 1).contiguous().transpose(0, shape.length - 1);
        }
        if (shape.length >= 1 && kind == 2) {
            return t -> Tensor.cat(List.of(t, t), 0).slice(0, 0, 2 * shape[0], 2);
        }
        return t -> t;
    }

    private static Tensor randomTensor(Random r, DType dtype, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = switch (dtype) {
                case BOOL -> r.nextBoolean() ? 1 : 0;
                case U8 -> r.nextInt(256);
                case I32, I64 -> r.nextInt(2001) - 1000;
                default -> r.nextGaussian();
            };
        }
        return Tensor.of(values, shape).to(dtype);
    }

    private static Tensor randomIndex(Random r, int bound, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = r.nextInt(bound);
        }
        return Tensor.of(values, shape);
    }

    private static void compareExact(Tensor x, Function<Tensor, Tensor> op, String what) {
        assertExact(op.apply(x), op.apply(x.to(GPU)).to(Device.CPU), what);
    }

    private static void compareClose(Tensor x, Function<Tensor, Tensor> op, int ulps, double atol, String what) {
        assertClose(op.apply(x), op.apply(x.to(GPU)).to(Device.CPU), ulps, atol, what);
    }

    private static void assertExact(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what);
        assertArrayEquals(expected.shape(), actual.shape(), what);
        assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), what);
    }

    /** |actual − expected| ≤ ulps·ulp(expected) + atol, NaN where NaN, per element. */
    private static void assertClose(Tensor expected, Tensor actual, int ulps, double atol, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what);
        assertArrayEquals(expected.shape(), actual.shape(), what);
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            boolean ok = Double.isNaN(e[i])
                    ? Double.isNaN(a[i])
                    : e[i] == a[i] || Math.abs(a[i] - e[i]) <= ulps * Math.ulp((float) e[i]) + atol;
            assertTrue(ok, what + ": element " + i + " is " + a[i] + ", expected " + e[i]);
        }
    }

    /** |actual − expected| ≤ rtol·scale per element (scale: the sum of magnitudes behind each value). */
    private static void assertWithinScale(Tensor expected, Tensor actual, Tensor scale, double rtol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray(), s = scale.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertTrue(
                    Math.abs(a[i] - e[i]) <= rtol * s[i] + 1e-30,
                    what + ": element " + i + " is " + a[i] + ", expected " + e[i]);
        }
    }

    private static String describe(int[] shape) {
        return java.util.Arrays.toString(shape);
    }
}
