package dev.jmim.mae.eval;

import dev.jmim.autograd.Autograd;
import dev.jmim.nn.layers.BatchNorm1d;
import dev.jmim.nn.layers.Linear;
import dev.jmim.nn.layers.Losses;
import dev.jmim.nn.optim.Lars;
import dev.jmim.nn.optim.LrSchedule;
import dev.jmim.nn.optim.ParamGroup;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.util.SplittableRandom;

/**
 * MAE's linear probe on frozen features: BatchNorm without affine parameters, then a linear head
 * (weights truncated normal, std 0.01; bias 0), trained with LARS (momentum 0.9, trust coefficient
 * 0.001, no weight decay) with the official per-iteration warmup (a tenth of the epochs) and half
 * cosine. The rate is absolute, 6.4 by default: the reference's effective rate (blr 0.1 × 16384/256).
 * LARS scales each step of the head's weights to 0.001·lr·‖w‖ whatever the batch, so the batch-size
 * scaling rule, which would give 0.1 at batch 256, would leave the probe nearly untrained here.
 * Features are computed once, without augmentation (the reference crops and flips each epoch; on
 * cached features this probe is far cheaper and somewhat weaker).
 */
public final class LinearProbe {
    /** Epochs, batch size, learning rate (the reference: 6.4) and the seed of init and shuffling. */
    public record Settings(int epochs, int batch, double lr, long seed) {
        public Settings {
            if (epochs < 1 || batch < 2 || !(lr > 0)) {
                throw new IllegalArgumentException("linear probe: epochs >= 1, batch >= 2 and lr > 0 needed; got"
                        + " epochs=" + epochs + " batch=" + batch + " lr=" + lr);
            }
        }
    }

    private LinearProbe() {}

    /** Top-1 accuracy on {@code test} of a probe trained on {@code train}. */
    public static double accuracy(Features.Set train, Features.Set test, int classes, Settings s) {
        long[] predicted = predict(train, test.values(), classes, s);
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            correct += predicted[i] == test.labels()[i] ? 1 : 0;
        }
        return (double) correct / predicted.length;
    }

    /** The classes a probe trained on {@code train} gives the rows of {@code test} [M, D]. */
    public static long[] predict(Features.Set train, Tensor test, int classes, Settings s) {
        int dim = train.values().size(1);
        BatchNorm1d norm = new BatchNorm1d(dim, 1e-6, false);
        Generator g = new Generator(s.seed());
        Linear head = new Linear(Tensor.truncatedNormal(g, 0, 0.01, -0.02, 0.02, classes, dim), true);
        Lars lars = new Lars(0.9, 0.001, 0.0, new ParamGroup(head.namedParameters(), 0.0, 1.0));
        int batch = Math.min(s.batch(), train.size());
        int steps = train.size() / batch;
        LrSchedule schedule = LrSchedule.maeCosine(s.lr(), 0, s.epochs() / 10.0, s.epochs());
        Tensor labels = Tensor.of(toLongs(train.labels()));
        SplittableRandom random = new SplittableRandom(s.seed());
        norm.train(true);
        for (int epoch = 0; epoch < s.epochs(); epoch++) {
            long[] order = shuffled(train.size(), random);
            for (int step = 0; step < steps; step++) {
                try (Scope _ = Scope.open()) {
                    Tensor pick = Tensor.of(java.util.Arrays.copyOfRange(order, step * batch, (step + 1) * batch));
                    Tensor logits = head.forward(norm.forward(train.values().indexSelect(0, pick)));
                    Autograd.backward(Losses.crossEntropy(logits, labels.indexSelect(0, pick), 0.0));
                    lars.step(schedule.at(epoch + (double) step / steps));
                    lars.zeroGrad();
                }
            }
        }
        norm.train(false);
        try (Scope _ = Scope.open();
                var _ = Autograd.noGrad()) {
            return head.forward(norm.forward(test)).argmax(1, false).toLongArray();
        }
    }

    private static long[] shuffled(int n, SplittableRandom random) {
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    static long[] toLongs(int[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
