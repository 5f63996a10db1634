package dev.jmim.mae.cli;

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
 * images, mask ratio 0.75. Prints the median step and the peak resident set (VmHWM).
 */
@Command(
        name = "mae-step",
        description = "Images/s of MAE training steps (the PyTorch peer's config); prints img/s last.")
final class MaeStepBench implements Callable<Integer> {
    @Option(names = "--batch", defaultValue = "128", description = "images per step (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--steps", defaultValue = "10", description = "timed steps, after 3 (default ${DEFAULT-VALUE})")
    int steps;

    @Override
    public Integer call() throws IOException {
        if (batch < 1 || steps < 1) {
            throw new IllegalArgumentException("--batch and --steps must be at least 1");
        }
        MaeConfig config = new MaeConfig(32, 4, 3, 192, 12, 3, 128, 2, 4, 4.0, 1e-6, true);
        MaskedAutoencoder model = new MaskedAutoencoder(config, new Generator(0));
        AdamW optimizer = new AdamW(0.9, 0.95, 1e-8, ParamGroup.maeWeightDecay(model.namedParameters(), 0.05));
        Tensor images = Tensor.randn(new Generator(1), batch, 3, 32, 32);
        double[] millis = new double[steps];
        for (int s = -3; s < steps; s++) {
            long started = System.nanoTime();
            try (Scope _ = Scope.open()) {
                Tensor noise = RandomMasking.noise(new Generator(2, s + 3), batch, config.maskUnits());
                Autograd.backward(model.forward(images, 0.75, noise).loss());
                optimizer.step(1.5e-4 * batch / 256);
                optimizer.zeroGrad();
            }
            if (s >= 0) {
                millis[s] = (System.nanoTime() - started) / 1e6;
            }
        }
        Arrays.sort(millis);
        double median = millis[steps / 2];
        System.out.printf(
                Locale.ROOT,
                "jmim, %d threads, batch %d: step %.0f ms, %.1f img/s (median of %d), peak RSS %s%n",
                Backends.cpu().threads(),
                batch,
                median,
                1000 * batch / median,
                steps,
                peakRss());
        return 0;
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
