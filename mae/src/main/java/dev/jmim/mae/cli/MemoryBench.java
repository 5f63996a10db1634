package dev.jmim.mae.cli;

import dev.jmim.tensor.BinaryOp;
import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.ReduceOp;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.UnaryOp;
import dev.jmim.tensor.fast.FastBackend;
import dev.jmim.tensor.fast.Parallel;
import dev.jmim.tensor.random.Generator;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import jdk.incubator.vector.FloatVector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jmim bench memory}: the streaming bandwidth of plain copies and a plain add on this machine
 * (same threads, same partition), then each memory-bound kernel of the fast backend as GB/s of the
 * bytes it must move and as a share of a ceiling. Tensors are far larger than the caches. Two copies:
 * {@code MemorySegment.copy} (the C library's memmove, whose large copies on recent x86 skip reading
 * the destination before writing it) and a vector loop of plain loads and stores, which every kernel
 * written in Java is: each store first reads its cache line, 12 bytes of traffic per 8 counted. The
 * loop is the kernels' ceiling (bench/NOTES.md); the add's ceiling is the scalar add loop.
 */
@Command(
        name = "memory",
        description = "Bandwidth of copy/add baselines and of the fast backend's memory-bound kernels.")
final class MemoryBench implements Callable<Integer> {
    @Option(
            names = "--elements",
            defaultValue = "16515072",
            description = "floats per tensor, a multiple of 768 (default ${DEFAULT-VALUE}: 63 MiB)")
    int elements;

    @Option(names = "--threads", description = "CPU threads (default: all available processors)")
    Integer threads;

    @Option(
            names = "--seconds",
            defaultValue = "1",
            description = "timed duration per kernel (default ${DEFAULT-VALUE})")
    double seconds;

    private static final int VECTOR_BYTES = FloatVector.SPECIES_PREFERRED.vectorByteSize();

    private record Workload(String name, double bytes, String ceiling, Runnable body) {}

    @Override
    public Integer call() {
        int width = 768;
        if (elements < width || elements % width != 0 || seconds <= 0) {
            throw new IllegalArgumentException("--elements must be a positive multiple of " + width
                    + " and --seconds > 0; got elements=" + elements + " seconds=" + seconds);
        }
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        FastBackend backend = new FastBackend(t);
        Parallel parallel = new Parallel(t);
        int rows = elements / width;
        Generator g = new Generator(3);
        Tensor a = Tensor.randn(g, rows, width);
        Tensor b = Tensor.randn(g, rows, width);
        Tensor out = Tensor.zeros(rows, width);
        Tensor bias = Tensor.randn(g, width);
        Tensor weight = Tensor.randn(g, width);
        Tensor rowSums = Tensor.zeros(rows, 1);
        Tensor colSums = Tensor.zeros(1, width);
        int side = (int) Math.sqrt(elements);
        Tensor square = Tensor.randn(g, side, side);
        Tensor squareOut = Tensor.zeros(side, side);
        MemorySegment as = HostStorage.segmentOf(a);
        MemorySegment bs = HostStorage.segmentOf(b);
        MemorySegment os = HostStorage.segmentOf(out);
        double n = elements * 4.0;
        List<Workload> workloads = List.of(
                new Workload(
                        "baseline copy (MemorySegment.copy)",
                        2 * n,
                        "",
                        () -> parallel.run(t, part -> {
                            long from = span(elements, t, part);
                            long to = span(elements, t, part + 1);
                            MemorySegment.copy(as, from * 4, os, from * 4, (to - from) * 4);
                        })),
                new Workload(
                        "baseline copy (vector loop)",
                        2 * n,
                        "",
                        () -> parallel.run(t, part -> {
                            long from = span(elements, t, part) * 4;
                            long to = span(elements, t, part + 1) * 4;
                            long end = from + (to - from) / VECTOR_BYTES * VECTOR_BYTES;
                            for (long i = from; i < end; i += VECTOR_BYTES) {
                                FloatVector.fromMemorySegment(
                                                FloatVector.SPECIES_PREFERRED, as, i, ByteOrder.nativeOrder())
                                        .intoMemorySegment(os, i, ByteOrder.nativeOrder());
                            }
                            MemorySegment.copy(as, end, os, end, to - end);
                        })),
                new Workload(
                        "baseline add (scalar loop)",
                        3 * n,
                        "",
                        () -> parallel.run(t, part -> {
                            for (long i = span(elements, t, part), end = span(elements, t, part + 1); i < end; i++) {
                                os.setAtIndex(
                                        ValueLayout.JAVA_FLOAT,
                                        i,
                                        as.getAtIndex(ValueLayout.JAVA_FLOAT, i)
                                                + bs.getAtIndex(ValueLayout.JAVA_FLOAT, i));
                            }
                        })),
                new Workload("copy", 2 * n, "vector-copy", () -> backend.copy(a, out)),
                new Workload("add", 3 * n, "add", () -> backend.binary(BinaryOp.ADD, a, b, out)),
                new Workload(
                        "add bias [rows, 768] + [768]",
                        2 * n,
                        "vector-copy",
                        () -> backend.binary(BinaryOp.ADD, a, bias.unsqueeze(0).expand(rows, width), out)),
                new Workload(
                        "mul by scalar",
                        2 * n,
                        "vector-copy",
                        () -> backend.binary(BinaryOp.MUL, a, Tensor.scalar(0.5).expand(rows, width), out)),
                new Workload("exp", 2 * n, "vector-copy", () -> backend.unary(UnaryOp.EXP, a, out)),
                new Workload("gelu", 2 * n, "vector-copy", () -> backend.unary(UnaryOp.GELU, a, out)),
                new Workload(
                        "sum over rows (last dim)",
                        n,
                        "vector-copy",
                        () -> backend.reduce(ReduceOp.SUM, a, new boolean[] {false, true}, rowSums)),
                new Workload(
                        "sum over columns (dim 0)",
                        n,
                        "vector-copy",
                        () -> backend.reduce(ReduceOp.SUM, a, new boolean[] {true, false}, colSums)),
                new Workload("softmax rows of 768", 2 * n, "vector-copy", () -> backend.softmax(a, false, out)),
                new Workload(
                        "layer_norm rows of 768 (w, b)",
                        2 * n,
                        "vector-copy",
                        () -> backend.layerNorm(a, weight, bias, 1e-6, out)),
                new Workload(
                        "transpose copy " + side + "²",
                        2.0 * side * side * 4,
                        "vector-copy",
                        () -> backend.copy(square.mT(), squareOut)));

        PrintStream o = System.out;
        o.printf(
                "jmim bench memory: %,d floats per tensor, %d threads, median of %.1f s per kernel%n",
                elements, t, seconds);
        double copy = 0;
        double add = 0;
        for (Workload w : workloads) {
            double gbs = w.bytes() / median(w.body(), seconds) / 1e9;
            if (w.name().startsWith("baseline copy (vector")) {
                copy = gbs;
            } else if (w.name().startsWith("baseline add")) {
                add = gbs;
            }
            double ceiling = w.ceiling().equals("add") ? add : copy;
            o.printf(
                    "%-36s %7.2f GB/s%s%n",
                    w.name(),
                    gbs,
                    w.ceiling().isEmpty()
                            ? ""
                            : String.format("  %5.1f%% of the %s baseline", 100 * gbs / ceiling, w.ceiling()));
        }
        return 0;
    }

    private static long span(long total, int parts, int i) {
        return total * i / parts;
    }

    private static double median(Runnable body, double seconds) {
        long warm = System.nanoTime() + 300_000_000L;
        while (System.nanoTime() < warm) {
            body.run();
        }
        double[] times = new double[10_000];
        int count = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while ((System.nanoTime() < end || count < 3) && count < times.length) {
            long t0 = System.nanoTime();
            body.run();
            times[count++] = (System.nanoTime() - t0) / 1e9;
        }
        double[] sorted = Arrays.copyOf(times, count);
        Arrays.sort(sorted);
        return sorted[count / 2];
    }
}
