package dev.jmim.cuda;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Device time per kind of op, for finding where a step's time goes: with {@code
 * -Djmim.cuda.profile=true} every backend call records a CUDA event on the stream before and after
 * itself; {@link #report} resolves them (after a synchronise) into milliseconds and call counts per op
 * name. Off by default, when a span costs nothing. Nested calls (an op that runs others) are counted
 * in the outer one only.
 */
final class OpTimes {
    private final boolean enabled = Boolean.getBoolean("jmim.cuda.profile");
    private final MemorySegment stream;
    private final List<Object[]> pending = new ArrayList<>();
    private final Map<String, double[]> totals = new TreeMap<>();
    private int depth;

    OpTimes(MemorySegment stream) {
        this.stream = stream;
    }

    /** One op's span; close it when the op has queued its work. */
    interface Span extends AutoCloseable {
        @Override
        void close();
    }

    private static final Span NOTHING = () -> {};

    Span span(String op) {
        if (!enabled) {
            return NOTHING;
        }
        if (depth++ > 0) {
            return () -> depth--; // inside another op's span: counted there
        }
        MemorySegment start = Cuda.createEvent();
        Cuda.record(start, stream);
        return () -> {
            depth--;
            MemorySegment end = Cuda.createEvent();
            Cuda.record(end, stream);
            pending.add(new Object[] {op, start, end});
        };
    }

    /**
     * Milliseconds and calls per op since the last report, longest first, and their sum; the stream
     * must have been synchronised. Empty when profiling is off.
     */
    String report() {
        for (Object[] p : pending) {
            double ms = Cuda.elapsedMillis((MemorySegment) p[1], (MemorySegment) p[2]);
            Cuda.destroyEvent((MemorySegment) p[1]);
            Cuda.destroyEvent((MemorySegment) p[2]);
            double[] t = totals.computeIfAbsent((String) p[0], k -> new double[2]);
            t[0] += ms;
            t[1]++;
        }
        pending.clear();
        StringBuilder out = new StringBuilder();
        double sum = totals.values().stream().mapToDouble(t -> t[0]).sum();
        totals.entrySet().stream()
                .sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]))
                .forEach(e -> out.append(
                        String.format(Locale.ROOT, "  %-28s %9.2f ms %7d calls%n", e.getKey(), e.getValue()[0], (long)
                                e.getValue()[1])));
        out.append(String.format(Locale.ROOT, "  %-28s %9.2f ms%n", "sum", sum));
        totals.clear();
        return enabled ? out.toString() : "";
    }
}
