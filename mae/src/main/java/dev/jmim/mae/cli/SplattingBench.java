package dev.jmim.mae.cli;

import dev.jmim.autograd.Autograd;
import dev.jmim.mae.data.BatchLoader;
import dev.jmim.mae.data.SyntheticShapes;
import dev.jmim.mae.gmae.GaussianSplatting;
import dev.jmim.mae.model.MaeConfig;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.mae.recipe.RandomMasking;
import dev.jmim.nn.optim.AdamW;
import dev.jmim.nn.optim.ParamGroup;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jmim bench splatting}: the cost of GMAE's splatting in a training step — full steps
 * (forward, backward, AdamW) of GMAE-tiny on synthetic shapes, the rasteriser's share of them, and
 * MAE-tiny's step on the same batch for comparison. Medians over the timed steps.
 */
@Command(name = "splatting", description = "Splatting's share of a GMAE-tiny training step, beside MAE-tiny's step.")
final class SplattingBench implements Callable<Integer> {
    @Option(names = "--gaussians", defaultValue = "256", description = "Gaussians per image (default ${DEFAULT-VALUE})")
    int gaussians;

    @Option(names = "--batch", defaultValue = "64", description = "images per step (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--steps", defaultValue = "8", description = "timed steps (default ${DEFAULT-VALUE})")
    int steps;

    @Override
    public Integer call() {
        if (gaussians < 1 || batch < 1 || steps < 1) {
            throw new IllegalArgumentException("--gaussians, --batch and --steps must be at least 1");
        }
        MaeConfig gmae = MaeConfig.gmae("tiny").withGaussians(gaussians, 1.0, false, 1.0);
        Tensor images = images(gmae.imgSize());
        double[] gmaeSteps = new double[steps];
        double[] splatting = new double[steps];
        run(gmae, images, gmaeSteps, splatting);
        double[] maeSteps = new double[steps];
        run(MaeConfig.tiny(), images, maeSteps, new double[steps]);
        double step = median(gmaeSteps);
        double splat = median(splatting);
        double mae = median(maeSteps);
        System.out.printf(
                Locale.ROOT,
                "GMAE-tiny, %d Gaussians, batch %d: step %.0f ms (%.0f img/s), of which splatting %.0f ms (%.1f%%)%n",
                gaussians,
                batch,
                step,
                1000 * batch / step,
                splat,
                100 * splat / step);
        System.out.printf(
                Locale.ROOT,
                "MAE-tiny, batch %d: step %.0f ms (%.0f img/s); GMAE-tiny costs %+.0f%%%n",
                batch,
                mae,
                1000 * batch / mae,
                100 * (step / mae - 1));
        return 0;
    }

    private Tensor images(int size) {
        SyntheticShapes data = new SyntheticShapes(batch, size, 1);
        float[] pixels = new float[batch * 3 * size * size];
        for (int i = 0; i < batch; i++) {
            BatchLoader.normalize(data.get(i), pixels, i * 3 * size * size);
        }
        return Tensor.of(pixels, batch, 3, size, size);
    }

    /** Two warm-up steps, then the timed ones: milliseconds per step and in the rasteriser. */
    private void run(MaeConfig config, Tensor images, double[] stepMillis, double[] splatMillis) {
        MaskedAutoencoder model = new MaskedAutoencoder(config, new Generator(0));
        AdamW optimizer = new AdamW(0.9, 0.95, 1e-8, ParamGroup.maeWeightDecay(model.namedParameters(), 0.05));
        for (int s = -2; s < steps; s++) {
            long splatBefore = GaussianSplatting.rasterizerNanos();
            long started = System.nanoTime();
            try (Scope _ = Scope.open()) {
                Tensor noise = RandomMasking.noise(new Generator(s + 10), batch, config.maskUnits());
                Autograd.backward(model.forward(images, 0.75, noise).loss());
                optimizer.step(1e-4);
                optimizer.zeroGrad();
            }
            if (s >= 0) {
                stepMillis[s] = (System.nanoTime() - started) / 1e6;
                splatMillis[s] = (GaussianSplatting.rasterizerNanos() - splatBefore) / 1e6;
            }
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
