package dev.jmim.tensor.fast;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs work on a fixed number of threads with a fixed partition: part i of n always covers the
 * same range, computed the same way whichever thread takes it, so a kernel whose parts do not
 * interact gives the same bits run after run. Threads take the next part not yet taken, so a
 * thread the host deschedules for a while leaves its share to the others instead of holding up
 * the call: a kernel cut into several parts per thread finishes when the work does.
 *
 * <p>The workers spin for a while after each part before they park. A parked worker woken by the
 * caller is placed by Linux on the caller's own CPU and shares it for milliseconds until the load
 * balancer moves it: measured on the 2-core VM, that made one half of a GEMM take 27 ms instead of
 * 15 (bench/NOTES.md). Back-to-back kernels, as in training, find the workers still spinning.
 *
 * <p>A call made while another is running (another thread, or a kernel inside a part) runs all its
 * parts on its own thread: same results, no deadlock.
 */
public final class Parallel {
    private static final long SPIN_NANOS = 2_000_000;

    private final int threads;
    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicInteger next = new AtomicInteger();

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(next);
            Thread t = new Thread(workers[i], "jmim-cpu-" + (i + 1));
            t.setDaemon(true);
            workers[i].thread = t;
            t.start();
        }
    }

    public int threads() {
        return threads;
    }

    /**
     * Calls part.accept(i) for i in [0, parts), each on whichever thread takes it first (the
     * calling thread among them); returns when all are done, rethrowing the first failure.
     */
    public void run(int parts, IntConsumer part) {
        if (parts <= 1 || workers.length == 0 || !busy.compareAndSet(false, true)) {
            for (int i = 0; i < parts; i++) {
                part.accept(i);
            }
            return;
        }
        try {
            next.set(0);
            int used = Math.min(workers.length, parts - 1);
            for (int w = 0; w < used; w++) {
                workers[w].start(part, parts);
            }
            RuntimeException failure = null;
            try {
                takeParts(part, parts, next);
            } catch (RuntimeException | Error e) {
                failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
            for (int w = 0; w < used; w++) {
                Throwable t = workers[w].await();
                if (t != null && failure == null) {
                    failure = t instanceof RuntimeException r ? r : new IllegalStateException(t);
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            busy.set(false);
        }
    }

    /** Runs the parts not yet taken, one at a time, until none is left. */
    private static void takeParts(IntConsumer part, int parts, AtomicInteger next) {
        for (int i = next.getAndIncrement(); i < parts; i = next.getAndIncrement()) {
            part.accept(i);
        }
    }

    /** Below this many elements a kernel stays on the calling thread: a handoff would cost more than it saves. */
    static final long MIN_ELEMENTS = 1 << 15;

    /**
     * Parts per thread of a kernel large enough to share: several, so that while one thread is held
     * up (the host's other tenants) the others take its parts.
     */
    static final int PARTS_PER_THREAD = 4;

    /** How many parts a kernel over {@code elements} elements in {@code pieces} independent pieces runs as. */
    int partsFor(long elements, long pieces) {
        return elements < MIN_ELEMENTS || threads == 1
                ? 1
                : (int) Math.max(1, Math.min((long) PARTS_PER_THREAD * threads, pieces));
    }

    /** The start of part i when [0, total) is cut into parts pieces, each a multiple of align. */
    public static long split(long total, int parts, int i, int align) {
        long units = (total + align - 1) / align;
        return Math.min(total, units * i / parts * align);
    }

    private static final class Worker implements Runnable {
        Thread thread;
        private volatile long posted;
        private volatile long finished;
        private volatile boolean parked;
        private IntConsumer task;
        private int parts;
        private final AtomicInteger next; // the pool's counter of parts taken
        private Throwable failure;

        Worker(AtomicInteger next) {
            this.next = next;
        }

        void start(IntConsumer task, int parts) {
            this.task = task;
            this.parts = parts;
            this.failure = null;
            posted = posted + 1; // volatile write publishes the fields above
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        /** Waits for the posted task; returns its failure or null. */
        Throwable await() {
            while (finished != posted) {
                Thread.onSpinWait();
            }
            return failure;
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long idleSince = System.nanoTime();
                while (posted == seen) {
                    if (System.nanoTime() - idleSince < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        if (posted == seen) {
                            LockSupport.park(this);
                        }
                        parked = false;
                    }
                }
                seen = posted;
                try {
                    takeParts(task, parts, next);
                } catch (Throwable t) {
                    failure = t;
                }
                task = null;
                finished = seen; // volatile write publishes failure
            }
        }
    }
}
