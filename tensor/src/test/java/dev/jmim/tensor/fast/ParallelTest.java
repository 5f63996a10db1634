package dev.jmim.tensor.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parts are taken by whichever thread is free: each must still run exactly once per call. */
class ParallelTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void everyPartRunsExactlyOnceOnAnyThread(int threads) {
        Parallel parallel = new Parallel(threads);
        Set<String> threadNames = ConcurrentHashMap.newKeySet();
        for (int parts : new int[] {0, 1, 2, 5, 64, 1000}) {
            for (int call = 0; call < 50; call++) {
                AtomicIntegerArray runs = new AtomicIntegerArray(parts);
                parallel.run(parts, part -> {
                    runs.incrementAndGet(part);
                    threadNames.add(Thread.currentThread().getName());
                    if (part % 7 == 0) {
                        Thread.onSpinWait(); // uneven parts
                    }
                });
                for (int part = 0; part < parts; part++) {
                    assertEquals(1, runs.get(part), "part " + part + " of " + parts + " on " + threads + " threads");
                }
            }
        }
        assertTrue(threadNames.size() <= threads, "threads used: " + threadNames);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aFailingPartIsRethrownAndThePoolStaysUsable(int threads) {
        Parallel parallel = new Parallel(threads);
        IllegalStateException failure = new IllegalStateException("part 3 failed");
        IllegalStateException thrown = assertThrows(
                IllegalStateException.class,
                () -> parallel.run(8, part -> {
                    if (part == 3) {
                        throw failure;
                    }
                }));
        assertSame(failure, thrown);
        AtomicIntegerArray runs = new AtomicIntegerArray(8);
        parallel.run(8, runs::incrementAndGet);
        for (int part = 0; part < 8; part++) {
            assertEquals(1, runs.get(part));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aCallInsideAPartRunsAllItsPartsOnThatThread(int threads) {
        Parallel parallel = new Parallel(threads);
        AtomicIntegerArray runs = new AtomicIntegerArray(4 * 6);
        parallel.run(4, outer -> {
            String thread = Thread.currentThread().getName();
            parallel.run(6, inner -> {
                assertEquals(thread, Thread.currentThread().getName());
                runs.incrementAndGet(outer * 6 + inner);
            });
        });
        for (int i = 0; i < runs.length(); i++) {
            assertEquals(1, runs.get(i));
        }
    }
}
