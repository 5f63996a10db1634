package dev.jmim.bench;

import dev.jmim.autograd.Autograd;
import dev.jmim.cuda.CudaBackend;
import dev.jmim.mae.gmae.GaussianSplatting;
import dev.jmim.mae.model.MaeConfig;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.nn.optim.AdamW;
import dev.jmim.nn.optim.ParamGroup;
import dev.jmim.tensor.Backends;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Distribution;
import dev.jmim.tensor.random.Generator;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Full training steps (forward, backward, AdamW) on one GPU: MAE with the official ViT-B/16 config at
 * 224 px ({@code bench/gpu/mae_step_torch_gpu.py} runs the same in PyTorch) and GMAE, for which it also
 * times the renderer alone (projection and rasteriser, forward and backward, on random Gaussians of the
 * step's shapes) to give splatting's share of the step. Steps are timed from a synchronised device to
 * a synchronised device (a step waits on the host where an op runs there: argsort, integer math).
 * Matmul precision: {@code -Djmim.cuda.matmul=fp32|tf32|bf16}; {@code -Djmim.cuda.profile=true} adds the
 * device time of each kind of op (CUDA events around every backend call, which slow the steps).
 */
@Command(
        name = "GpuTrainBench",
        mixinStandardHelpOptions = true,
        description = "Training steps of MAE / GMAE on the GPU: img/s, host fallbacks, splatting's share.")
public final class GpuTrainBench implements Callable<Integer> {
    @Option(
            names = "--model",
            defaultValue = "mae-base",
            description = "mae-base, gmae-base, mae-tiny or gmae-tiny (default ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--batch", defaultValue = "256", description = "images per step (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--steps", defaultValue = "10", description = "timed steps, after 3 (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--gaussians", defaultValue = "256", description = "GMAE's Gaussians (default ${DEFAULT-VALUE})")
    int gaussians;

    public static void main(String[] args) {
        System.exit(new CommandLine(new GpuTrainBench())
                .setExecutionExceptionHandler((e, command, parsed) -> {
                    System.err.println("GpuTrainBench: " + e);
                    e.printStackTrace();
                    return 1;
                })
                .execute(args));
    }

    @Override
    public Integer call() {
        if (batch < 1 || steps < 1) {
            throw new IllegalArgumentException("--batch and --steps must be at least 1");
        }
        MaeConfig config =
                switch (model) {
                    case "mae-base" -> MaeConfig.base(true);
                    case "mae-tiny" -> new MaeConfig(32, 4, 3, 192, 12, 3, 128, 2, 4, 4.0, 1e-6, true);
                    case "gmae-base" -> MaeConfig.base(false).withGaussians(gaussians, 1.0, false, 1.0);
                    case "gmae-tiny" -> MaeConfig.tiny().withNormPix(false).withGaussians(gaussians, 1.0, false, 1.0);
                    default ->
                        throw new IllegalArgumentException(
                                "--model: mae-base, gmae-base, mae-tiny or gmae-tiny, got " + model);
                };
        Device gpu = Device.cuda(0);
        CudaBackend cuda = (CudaBackend) Backends.forDevice(gpu);
        MaskedAutoencoder mae = new MaskedAutoencoder(config, new Generator(0));
        mae.to(gpu);
        AdamW optimizer = new AdamW(0.9, 0.95, 1e-8, ParamGroup.maeWeightDecay(mae.namedParameters(), 0.05));
        int size = config.imgSize();
        Tensor images = Tensor.randn(new Generator(1), batch, 3, size, size).to(gpu);
        double[] millis = new double[steps];
        long fallbacks = 0;
        for (int s = -3; s < steps; s++) {
            cuda.synchronize();
            long before = cuda.hostFallbacks();
            long started = System.nanoTime();
            try (Scope _ = Scope.open()) {
                Tensor noise = Tensor.random(
                        new Generator(2, s + 3),
                        new Distribution.Uniform(0, 1),
                        DType.F32,
                        gpu,
                        batch,
                        config.maskUnits());
                Autograd.backward(mae.forward(images, 0.75, noise).loss());
                optimizer.step(1.5e-4 * batch / 256);
                optimizer.zeroGrad();
                cuda.synchronize();
            }
            if (s >= 0) {
                millis[s] = (System.nanoTime() - started) / 1e6;
                fallbacks = cuda.hostFallbacks() - before;
            }
        }
        double step = median(millis);
        String profile = cuda.opTimes(); // the timed steps' ops (and the warm-up's), when profiling
        long[] pool = cuda.poolBytes();
        System.out.printf(
                Locale.ROOT,
                "jmim %s on %s, batch %d, matmuls %s: step %.1f ms, %.1f img/s (median of %d), %d host fallbacks a step,"
                        + " device pool %.1f GiB%n",
                model,
                cuda.describe(),
                batch,
                cuda.matmulPrecision(),
                step,
                1000 * batch / step,
                steps,
                fallbacks,
                pool[0] / (double) (1L << 30));
        if (!profile.isEmpty()) {
            System.out.printf(
                    Locale.ROOT,
                    "  device time by op over %d steps (-Djmim.cuda.profile=true):%n%s",
                    steps + 3,
                    profile);
        }
        if (config.gaussians() > 0) {
            double render = renderMillis(cuda, gpu, config);
            System.out.printf(
                    Locale.ROOT,
                    "  splatting (projection + rasteriser, forward + backward) of %d × %d Gaussians at %d px: %.2f ms,"
                            + " %.1f%% of the step%n",
                    batch,
                    config.gaussians(),
                    size,
                    render,
                    100 * render / step);
        }
        return 0;
    }

    /** Median milliseconds of rendering random Gaussians of the step's shapes and back-propagating. */
    private double renderMillis(CudaBackend cuda, Device gpu, MaeConfig config) {
        Generator g = new Generator(3);
        int k = config.gaussians();
        int size = config.imgSize();
        Tensor[] inputs = {
            Tensor.random(g, new Distribution.Uniform(-0.9, 0.9), DType.F32, gpu, batch, k, 3),
            Tensor.random(g, new Distribution.Uniform(0.01, 0.2), DType.F32, gpu, batch, k, 3),
            Tensor.random(g, new Distribution.Normal(0, 1), DType.F32, gpu, batch, k, 4),
            Tensor.random(g, new Distribution.Uniform(0, 1), DType.F32, gpu, batch, k, 3),
            Tensor.random(g, new Distribution.Uniform(0.05, 1), DType.F32, gpu, batch, k)
        };
        inputs[2] =
                inputs[2].div(inputs[2].mul(inputs[2]).sum(new int[] {-1}, true).sqrt());
        double[] millis = new double[steps];
        for (int s = -3; s < steps; s++) {
            cuda.synchronize();
            long started = System.nanoTime();
            try (Scope _ = Scope.open()) {
                Tensor[] leaves = new Tensor[inputs.length];
                for (int i = 0; i < leaves.length; i++) {
                    leaves[i] = Autograd.requiresGrad(inputs[i].detach().clone());
                }
                Tensor image = GaussianSplatting.render(
                        leaves[0],
                        leaves[1],
                        leaves[2],
                        leaves[3],
                        leaves[4],
                        size,
                        size,
                        GaussianSplatting.Camera.ORTHOGRAPHIC,
                        new double[] {1, 1, 1});
                Autograd.backward(image.sum());
                cuda.synchronize();
            }
            if (s >= 0) {
                millis[s] = (System.nanoTime() - started) / 1e6;
            }
        }
        return median(millis);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
