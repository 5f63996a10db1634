package dev.jmim.mae.cli;

import com.sun.management.ThreadMXBean;
import dev.jmim.autograd.Autograd;
import dev.jmim.mae.model.MaeConfig;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.mae.recipe.RandomMasking;
import dev.jmim.nn.optim.AdamW;
import dev.jmim.nn.optim.ParamGroup;
import dev.jmim.tensor.Backends;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jmim bench mae-step}: images per second of full MAE training steps (forward, backward,
 * AdamW) on the CPU, for the config {@code bench/python/mae_step_torch.py} runs in PyTorch: 32 px,
 * patch 4, encoder 192 × 12 × 3 heads, decoder 128 × 2 × 4, norm-pix, batch 128 of standard-normal
 * images, mask ratio 0.75. Prints the warm-up's duration, the median and the fastest timed step, the
 * peak resident set (VmHWM) and the Java heap allocated per timed step (tensors live off the heap, so
 * tens of MiB a step mean a vector op C2 left boxed in a hot loop, or a buffer allocated per call:
 * bench/NOTES.md). On a shared VM the median moves ±15% with the neighbours; the fastest
 * step, the same statistic the PyTorch script prints, is the steadier figure for a comparison.
 */
@Command(
        name = "mae-step",
        description = "Images/s of MAE training steps (the PyTorch peer's config); prints img/s last.")
final class MaeStepBench implements Callable<Integer> {
    @Option(names = "--batch", defaultValue = "128", description = "images per step (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--steps", defaultValue = "20", description = "timed steps (default ${DEFAULT-VALUE})")
    int steps;

    @Option(
            names = "--warmup",
            defaultValue = "25",
            description = "untimed steps first (default ${DEFAULT-VALUE}): on 2 cores the JIT compiles for"
                    + " ~15 steps, and the first steps run 25-40%% slower than the steady state")
    int warmup;

    @Override
    public Integer call() throws IOException {
        if (batch < 1 || steps < 1 || warmup < 0) {
            throw new IllegalArgumentException(
                    "--batch and --steps must be at least 1 and --warmup at least 0; got batch=" + batch + " steps="
                            + steps + " warmup=" + warmup);
        }
        MaeConfig config = new MaeConfig(32, 4, 3, 192, 12, 3, 128, 2, 4, 4.0, 1e-6, true);
        MaskedAutoencoder model = new MaskedAutoencoder(config, new Generator(0));
        AdamW optimizer = new AdamW(0.9, 0.95, 1e-8, ParamGroup.maeWeightDecay(model.namedParameters(), 0.05));
        Tensor images = Tensor.randn(new Generator(1), batch, 3, 32, 32);
        double[] millis = new double[warmup + steps];
        ThreadMXBean threadBean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long heapAtTimedStart = 0;
        for (int s = 0; s < millis.length; s++) {
            if (s == warmup) {
                heapAtTimedStart = threadBean.getTotalThreadAllocatedBytes();
            }
            long started = System.nanoTime();
            try (Scope _ = Scope.open()) {
                Tensor noise = RandomMasking.noise(new Generator(2, s), batch, config.maskUnits());
                Autograd.backward(model.forward(images, 0.75, noise).loss());
                optimizer.step(1.5e-4 * batch / 256);
                optimizer.zeroGrad();
            }
            millis[s] = (System.nanoTime() - started) / 1e6;
        }
        double heapPerStep = (threadBean.getTotalThreadAllocatedBytes() - heapAtTimedStart) / (double) steps;
        double[] timed = Arrays.copyOfRange(millis, warmup, millis.length);
        double median = median(timed);
        double fastest = Arrays.stream(timed).min().orElseThrow();
        if (warmup >= 3) {
            System.out.printf(
                    Locale.ROOT,
                    "warm-up: %d steps in %.1f s; steps 2 and 3 took %.0f and %.0f ms%n",
                    warmup,
                    Arrays.stream(millis, 0, warmup).sum() / 1000,
                    millis[1],
                    millis[2]);
        }
        System.out.printf(
                Locale.ROOT,
                "jmim, %d threads, batch %d: step %.0f ms, %.1f img/s (median of %d after %d warm-up; fastest step %.0f"
                        + " ms = %.1f img/s), peak RSS %s, heap allocated %.1f MiB a step%n",
                Backends.cpu().threads(),
                batch,
                median,
                1000 * batch / median,
                steps,
                warmup,
                fastest,
                1000 * batch / fastest,
                peakRss(),
                heapPerStep / (1 << 20));
        return 0;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** VmHWM from /proc/self/status, where there is one. */
    private static String peakRss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return "unknown (no /proc)";
        }
        return Files.readAllLines(status).stream()
                .filter(l -> l.startsWith("VmHWM:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 + " MiB")
                .findFirst()
                .orElse("unknown");
    }
}
