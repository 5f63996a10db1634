package dev.jmim.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.autograd.Autograd;
import dev.jmim.mae.model.MaeConfig;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.nn.Parameter;
import dev.jmim.nn.optim.AdamW;
import dev.jmim.nn.optim.ParamGroup;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A model moved with {@code Module.to(gpu)} trains on the GPU as on the CPU: from the same weights,
 * images and masking noise, MAE-tiny and GMAE-tiny give the CPU's loss and gradients, and the CPU's
 * loss again after an AdamW step. (Weights are not compared after the step: AdamW scales every
 * gradient to about ±lr, so a gradient that is zero up to rounding — the key bias's, attention being
 * blind to it — moves its weight by a full step in a direction rounding picks.) Skipped, with the
 * reason, where no GPU is.
 */
class MaeCudaTest {
    private static final Device GPU = Device.cuda(0);

    @ParameterizedTest(name = "gaussians={0}")
    @ValueSource(ints = {0, 32})
    void twoTrainingStepsOnTheGpuFollowTheCpu(int gaussians) {
        GpuAvailability.assumeAGpu();
        MaeConfig config = gaussians == 0
                ? MaeConfig.tiny()
                : MaeConfig.tiny().withNormPix(false).withGaussians(gaussians, 1.0, false, 1.0);
        MaskedAutoencoder cpu = new MaskedAutoencoder(config, new Generator(4));
        MaskedAutoencoder gpu = new MaskedAutoencoder(config, new Generator(4));
        gpu.to(GPU);
        AdamW cpuOptimizer = new AdamW(0.9, 0.95, 1e-8, ParamGroup.maeWeightDecay(cpu.namedParameters(), 0.05));
        AdamW gpuOptimizer = new AdamW(0.9, 0.95, 1e-8, ParamGroup.maeWeightDecay(gpu.namedParameters(), 0.05));
        Tensor images = Tensor.randn(new Generator(5), 6, 3, 32, 32);
        Tensor noise = Tensor.rand(new Generator(6), 6, config.maskUnits());
        for (int step = 0; step < 2; step++) {
            Tensor cpuLoss = cpu.forward(images, 0.75, noise).loss();
            Tensor gpuLoss = gpu.forward(images.to(GPU), 0.75, noise.to(GPU)).loss();
            assertEquals(GPU, gpuLoss.device());
            double expected = cpuLoss.item();
            assertEquals(expected, gpuLoss.item(), 1e-4 * Math.abs(expected), "loss at step " + step);
            Autograd.backward(cpuLoss);
            Autograd.backward(gpuLoss);
            if (step == 0) {
                assertGradientsAgree(cpu.namedParameters(), gpu.namedParameters());
            }
            cpuOptimizer.step(1e-3);
            gpuOptimizer.step(1e-3);
            cpuOptimizer.zeroGrad();
            gpuOptimizer.zeroGrad();
        }
    }

    /** Each gradient within 1e-3 of its tensor's largest magnitude (the GPU sums in another order). */
    private static void assertGradientsAgree(Map<String, Parameter> cpu, Map<String, Parameter> gpu) {
        cpu.forEach((name, p) -> {
            if (p.grad() == null) {
                return; // frozen (the sin-cos tables)
            }
            double[] e = p.grad().toDoubleArray();
            double[] a = gpu.get(name).grad().to(Device.CPU).toDoubleArray();
            double scale = 1e-12;
            double worst = 0;
            for (int i = 0; i < e.length; i++) {
                scale = Math.max(scale, Math.abs(e[i]));
                worst = Math.max(worst, Math.abs(a[i] - e[i]));
            }
            assertTrue(worst <= 1e-3 * scale, "d " + name + ": off by " + worst + " (largest " + scale + ")");
        });
    }
}
