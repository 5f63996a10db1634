package dev.jmim.cuda;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * cuFFT plans by (height, width, batch), the least recently used destroyed past {@value #KEPT}:
 * making a plan costs far more than running it, and a training run asks for the same few shapes.
 * Callers hold the backend's lock.
 */
final class FftPlans {
    private static final int KEPT = 8;

    private final Map<List<Integer>, Integer> plans = new LinkedHashMap<>(16, 0.75f, true);

    /** A plan for batch interleaved complex F32 transforms of height × width, set to run on stream. */
    int plan(int height, int width, int batch, MemorySegment stream) {
        List<Integer> key = List.of(height, width, batch);
        Integer cached = plans.get(key);
        if (cached != null) {
            return cached;
        }
        if (plans.size() == KEPT) {
            var eldest = plans.entrySet().iterator();
            Cufft.destroy(eldest.next().getValue());
            eldest.remove();
        }
        int plan = Cufft.plan2d(height, width, batch);
        Cufft.setStream(plan, stream);
        plans.put(key, plan);
        return plan;
    }
}
