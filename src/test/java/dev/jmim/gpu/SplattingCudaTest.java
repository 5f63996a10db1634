package dev.jmim.gpu;

import dev.jmim.autograd.Autograd;
import dev.jmim.mae.gmae.GaussianSplatting;
import dev.jmim.mae.gmae.GaussianSplatting.Camera;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GMAE's CUDA rasteriser against the host one: the same random scenes rendered through {@link
 * GaussianSplatting#render} on both devices, the images and the gradients of all five inputs (through
 * the projection, which autograd derives on each device) compared. The host rasterises in double, the
 * device in float, and a pixel whose α or transmittance sits at a cut-off (1/255, 1e-4) may fall on
 * the other side: tolerances say so. Skipped, with the reason, where no GPU is.
 */
class SplattingCudaTest {
    private static final Device GPU = Device.cuda(0);

    @ParameterizedTest(name = "K={0} {1}×{2} perspective={3}")
    @CsvSource({"64, 32, 32, false", "300, 40, 24, true", "256, 64, 48, false", "1, 16, 16, false"})
    void theGpuRendersAndDifferentiatesAsTheHost(int k, int height, int width, boolean perspective) {
        GpuAvailability.assumeAGpu();
        SplittableRandom r = new SplittableRandom(k * 31L + height);
        int n = 3;
        Tensor[] inputs = {
            RenderChecks.uniform(r, -0.9, 0.9, n, k, 3),
            RenderChecks.uniform(r, 0.02, 0.25, n, k, 3),
            RenderChecks.uniform(r, -1, 1, n, k, 4),
            RenderChecks.uniform(r, 0, 1, n, k, 3),
            RenderChecks.uniform(r, 0.05, 1, n, k)
        };
        inputs[2] =
                inputs[2].div(inputs[2].mul(inputs[2]).sum(new int[] {-1}, true).sqrt());
        Tensor weights = RenderChecks.uniform(r, -1, 1, n, 3, height, width);
        Camera camera = new Camera(perspective, 4);
        double[] background = {0.2, 0.5, 0.9};

        Result host = renderAndDifferentiate(inputs, weights, height, width, camera, background, Device.CPU);
        Result gpu = renderAndDifferentiate(inputs, weights, height, width, camera, background, GPU);

        RenderChecks.assertClose(host.image, gpu.image, 1e-5, 5e-3, "image");
        String[] names = {"centres", "scales", "quaternions", "colours", "opacities"};
        for (int i = 0; i < names.length; i++) {
            RenderChecks.assertClose(host.grads[i], gpu.grads[i], 1e-4, 5e-2, "d " + names[i]);
        }
    }

    private record Result(Tensor image, Tensor[] grads) {}

    private static Result renderAndDifferentiate(
            Tensor[] inputs, Tensor weights, int height, int width, Camera camera, double[] background, Device device) {
        Tensor[] leaves = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            leaves[i] = Autograd.requiresGrad(inputs[i].to(device));
        }
        Tensor image = GaussianSplatting.render(
                leaves[0], leaves[1], leaves[2], leaves[3], leaves[4], height, width, camera, background);
        Autograd.backward(image.mul(weights.to(device)).sum());
        Tensor[] grads = new Tensor[leaves.length];
        for (int i = 0; i < grads.length; i++) {
            grads[i] = Autograd.grad(leaves[i]).to(Device.CPU);
        }
        return new Result(image.detach().to(Device.CPU), grads);
    }
}
