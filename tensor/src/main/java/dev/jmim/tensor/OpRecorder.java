package dev.jmim.tensor;

/**
 * The hook through which another module (autograd) observes every recorded op. The tensor module
 * calls it and stores what it attaches to tensors, but never interprets either.
 */
public interface OpRecorder {

    /** Called after {@code output} was computed from {@code inputs} by {@code op}. */
    void record(Primitive op, Tensor output, Tensor... inputs);

    /** Whether an op on these tensors would be recorded now (used to refuse untracked in-place writes). */
    boolean wouldRecord(Tensor... tensors);

    /** Makes {@code recorder} observe every op from now on, on every thread. */
    static void install(OpRecorder recorder) {
        Ops.install(recorder);
    }
}
