package dev.jmim.tensor.fast;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Runs work on a fixed number of threads with a fixed partition: part i of n always covers the
 * same range, so which thread computes which element never depends on timing, and a kernel whose
 * parts do not interact gives the same bits run after run.
 */
public final class Parallel {
    private final int threads;
    private final ExecutorService pool;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1
                ? null
                : Executors.newFixedThreadPool(threads - 1, r -> {
                    Thread t = new Thread(r, "jmim-cpu");
                    t.setDaemon(true);
                    return t;
                });
    }

    public int threads() {
        return threads;
    }

    /** Calls part.accept(i) for i in [0, parts), part 0 on the calling thread; waits for all. */
    public void run(int parts, IntConsumer part) {
        if (parts <= 1 || pool == null) {
            for (int i = 0; i < parts; i++) {
                part.accept(i);
            }
            return;
        }
        List<Future<?>> pending = new ArrayList<>(parts - 1);
        for (int i = 1; i < parts; i++) {
            int index = i;
            pending.add(pool.submit(() -> part.accept(index)));
        }
        part.accept(0);
        for (Future<?> f : pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a kernel part", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
    }

    /** The start of part i when [0, total) is cut into parts pieces, each a multiple of align. */
    public static int split(int total, int parts, int i, int align) {
        long units = (total + align - 1) / align;
        return (int) Math.min(total, units * i / parts * align);
    }
}
