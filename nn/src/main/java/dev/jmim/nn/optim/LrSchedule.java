package dev.jmim.nn.optim;

/** A learning rate as a function of training progress, evaluated every iteration. */
@FunctionalInterface
public interface LrSchedule {

    /** The rate at fractional epoch {@code epoch} (iteration / iterations per epoch + epoch). */
    double at(double epoch);

    /**
     * The official MAE lr_sched: linear warmup from 0 for {@code warmupEpochs}, then a half cosine
     * from {@code lr} down to {@code minLr} at {@code epochs}.
     */
    static LrSchedule maeCosine(double lr, double minLr, double warmupEpochs, double epochs) {
        return e -> e < warmupEpochs ? lr * e / warmupEpochs : halfCosine(lr, minLr, e, warmupEpochs, epochs);
    }

    /**
     * mmselfsup's LinearLR warmup followed by cosine annealing: the factor rises linearly from
     * {@code startFactor} to 1 over {@code warmupEpochs}, then the rate follows a half cosine to
     * {@code minLr} at {@code epochs}.
     */
    static LrSchedule linearWarmupCosine(
            double lr, double minLr, double startFactor, double warmupEpochs, double epochs) {
        return e -> e < warmupEpochs
                ? lr * (startFactor + (1 - startFactor) * e / warmupEpochs)
                : halfCosine(lr, minLr, e, warmupEpochs, epochs);
    }

    /** From lr at {@code start} down to minLr at {@code end}, along half a cosine period. */
    private static double halfCosine(double lr, double minLr, double e, double start, double end) {
        return minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * (e - start) / (end - start)));
    }
}
