package dev.jmim.cuda;

import dev.jmim.tensor.AdamwStep;
import dev.jmim.tensor.Backends;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Distribution;
import dev.jmim.tensor.random.Generator;
import dev.jmim.tensor.random.PhiloxState;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * random.cu's Philox fills and optim.cu's fused AdamW without a GPU, run by the emulator ({@link
 * KernelEmulator}) against the CPU: uniform fills bit for bit, normal and truncated normal ones within an
 * ulp (the host's libm stands in for CUDA's double functions), AdamW bit for bit.
 */
class RandomAndOptimEmulatedTest extends EmulatedValues {
    /** As CudaBackendTest's GPU check: an offset that is no multiple of a Philox block, two lengths. */
    @Test
    void philoxFillsGiveTheCpuNumbers(@TempDir Path dir) throws Exception {
        Distribution[] distributions = {
            new Distribution.Uniform(-0.3, 2.5),
            new Distribution.Normal(0.5, 2),
            new Distribution.TruncatedNormal(0, 0.02, -0.04, 0.04)
        };
        double[][] parameters = {{0, -0.3, 2.5, 0, 0}, {1, 0.5, 2, 0, 0}, {2, 0, 0.02, -0.04, 0.04}};
        for (int i = 0; i < distributions.length; i++) {
            for (int n : new int[] {7, 3001}) {
                PhiloxState at = new PhiloxState(42, 7, 5);
                Tensor expected = Tensor.empty(DType.F32, Device.CPU, n);
                Backends.cpu().random(distributions[i], at, expected);
                double[] p = parameters[i];
                emulator.run("random", dir, (int) p[0], n, at.seed(), at.stream(), at.offset(), p[1], p[2], p[3], p[4]);
                EmulatedValues.assertWithinUlps(
                        expected, dir.resolve("out.bin"), i == 0 ? 0 : 1, distributions[i] + " n=" + n);
            }
        }
    }

    @Test
    void fusedAdamwEqualsTheCompositeBitForBit(@TempDir Path dir) throws Exception {
        Generator g = new Generator(12);
        int n = 1000;
        for (double decay : new double[] {0, 0.05}) {
            AdamwStep step = new AdamwStep(1.5e-4, 0.9, 0.95, 1e-8, decay, 3);
            Tensor param = Tensor.randn(g, n);
            Tensor grad = Tensor.randn(g, n);
            Tensor m = Tensor.randn(g, n).mul(0.01);
            Tensor v = Tensor.randn(g, n).abs().mul(1e-4);
            KernelEmulator.write(dir.resolve("param.bin"), param.toFloatArray());
            KernelEmulator.write(dir.resolve("grad.bin"), grad.toFloatArray());
            KernelEmulator.write(dir.resolve("m.bin"), m.toFloatArray());
            KernelEmulator.write(dir.resolve("v.bin"), v.toFloatArray());
            AdamwStep.Factors f = step.factors();
            emulator.run(
                    "adamw",
                    dir,
                    n,
                    f.decay(),
                    f.beta1(),
                    f.oneMinusBeta1(),
                    f.beta2(),
                    f.oneMinusBeta2(),
                    f.sqrtCorrection2(),
                    f.eps(),
                    f.stepSize());
            step.composite(param, grad, m, v);
            String what = "adamw decay=" + decay;
            EmulatedValues.assertWithinUlps(param, dir.resolve("param.bin"), 0, what + " param");
            EmulatedValues.assertWithinUlps(m, dir.resolve("m.bin"), 0, what + " exp_avg");
            EmulatedValues.assertWithinUlps(v, dir.resolve("v.bin"), 0, what + " exp_avg_sq");
        }
    }
}
