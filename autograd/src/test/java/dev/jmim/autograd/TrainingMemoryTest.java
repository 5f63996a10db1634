package dev.jmim.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 1,000 training steps of a small MLP (forward, backward, SGD) in per-step scopes: saved tensors
 * and temporaries die with each step, so the allocator's held bytes return to the same figure
 * after every step — a counter, not a timing.
 */
class TrainingMemoryTest {

    @Test
    void heldBytesAreFlatAcrossAThousandSteps() {
        Generator g = new Generator(7);
        Tensor w1 = Autograd.requiresGrad(Tensor.randn(g, 16, 8).mul(0.3).detach());
        Tensor b1 = Autograd.requiresGrad(Tensor.zeros(16));
        Tensor w2 = Autograd.requiresGrad(Tensor.randn(g, 1, 16).mul(0.3).detach());
        Tensor b2 = Autograd.requiresGrad(Tensor.zeros(1));
        List<Tensor> params = List.of(w1, b1, w2, b2);
        Tensor x = Tensor.randn(g, 32, 8);
        Tensor target = x.select(1, 0).mul(x.select(1, 1)).unsqueeze(1); // learn x0·x1

        long baseline = -1;
        double firstLoss = 0;
        double lastLoss = 0;
        for (int step = 0; step < 1000; step++) {
            try (Scope _ = Scope.open()) {
                Tensor hidden = x.matmul(w1.mT()).add(b1).gelu();
                Tensor error = hidden.matmul(w2.mT()).add(b2).sub(target);
                Tensor loss = error.mul(error).mean();
                Autograd.backward(loss);
                try (var _ = Autograd.noGrad()) {
                    for (Tensor p : params) {
                        p.copyFrom(p.sub(Autograd.grad(p).mul(0.1)));
                    }
                }
                params.forEach(Autograd::zeroGrad);
                lastLoss = loss.item();
                if (step == 0) {
                    firstLoss = lastLoss;
                }
            }
            long held = HostStorage.stats().heldBytes();
            if (step == 0) {
                baseline = held;
            }
            assertEquals(baseline, held, "held bytes after step " + step);
        }
        assertTrue(lastLoss < 0.5 * firstLoss, "the MLP learned: loss " + firstLoss + " → " + lastLoss);
    }

    /**
     * A chain of 200 ops on a 1 MiB tensor: the backward frees each gradient (and each rule's
     * temporaries) once no waiting gradient views it, so it ends holding the leaf's gradient and a
     * few in flight, not the ~200 MiB it made.
     */
    @Test
    void backwardFreesTheGradientsItIsDoneWith() {
        Tensor x = Autograd.requiresGrad(Tensor.randn(new Generator(3), 512, 512));
        long tensorBytes = 512L * 512 * 4;
        try (Scope _ = Scope.open()) {
            Tensor y = x;
            for (int i = 0; i < 100; i++) {
                y = y.mul(1.001).add(y.tanh()); // y is used twice: its gradients are summed
            }
            Tensor loss = y.sum();
            long before = HostStorage.stats().liveBytes();
            Autograd.backward(loss);
            long grown = HostStorage.stats().liveBytes() - before;
            assertTrue(
                    grown <= 4 * tensorBytes,
                    "backward left " + grown / tensorBytes + " MiB-sized tensors live (the leaf's gradient is one)");
        }
        Autograd.zeroGrad(x);
    }
}
