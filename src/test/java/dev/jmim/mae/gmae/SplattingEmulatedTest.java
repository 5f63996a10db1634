package dev.jmim.mae.gmae;

import dev.jmim.autograd.Autograd;
import dev.jmim.cuda.KernelEmulator;
import dev.jmim.gpu.RenderChecks;
import dev.jmim.tensor.Tensor;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GMAE's CUDA rasteriser ({@code splat.cu}) without a GPU: its four kernels, run by cuda-bindings' emulator
 * ({@link KernelEmulator}) in CudaSplatting's order, against the host {@link Rasterizer} on the same
 * projected scenes (random Gaussians through {@link GaussianSplatting#project}): the image and the
 * gradients of the means, conics, colours and opacities, held as the GPU test holds the device
 * ({@link RenderChecks}). In this package for the rasteriser, which is package-private.
 */
class SplattingEmulatedTest {
    private static KernelEmulator emulator;

    @BeforeAll
    static void build() throws Exception {
        emulator = KernelEmulator.build("splat_emulator");
    }

    @ParameterizedTest(name = "K={0} {1}×{2} perspective={3}")
    @CsvSource({"64, 32, 32, false", "300, 40, 24, true", "1, 16, 16, false"})
    void theEmulatedKernelsRenderAndDifferentiateAsTheHost(
            int k, int height, int width, boolean perspective, @TempDir Path dir) throws Exception {
        SplittableRandom r = new SplittableRandom(k * 31L + height);
        int n = 2;
        Tensor quaternions = RenderChecks.uniform(r, -1, 1, n, k, 4);
        quaternions = quaternions.div(
                quaternions.mul(quaternions).sum(new int[] {-1}, true).sqrt());
        GaussianSplatting.Projected p = GaussianSplatting.project(
                RenderChecks.uniform(r, -0.9, 0.9, n, k, 3),
                RenderChecks.uniform(r, 0.02, 0.25, n, k, 3),
                quaternions,
                height,
                width,
                new GaussianSplatting.Camera(perspective, 4));
        Tensor[] inputs = {
            p.means().detach().contiguous(),
            p.conics().detach().contiguous(),
            RenderChecks.uniform(r, 0, 1, n, k, 3),
            RenderChecks.uniform(r, 0.05, 1, n, k),
            p.depths().detach().contiguous()
        };
        Tensor gradImage = RenderChecks.uniform(r, -1, 1, n, 3, height, width);
        double[] background = {0.2, 0.5, 0.9};
        String[] files = {"means", "conics", "colours", "opacities", "depths"};
        for (int i = 0; i < files.length; i++) {
            KernelEmulator.write(dir.resolve(files[i] + ".bin"), inputs[i].toFloatArray());
        }
        KernelEmulator.write(dir.resolve("grad.bin"), gradImage.toFloatArray());
        emulator.run(dir, n, k, height, width, (float) background[0], (float) background[1], (float) background[2]);

        Tensor[] leaves = new Tensor[4];
        for (int i = 0; i < 4; i++) {
            leaves[i] = Autograd.requiresGrad(inputs[i].clone());
        }
        Tensor image = Autograd.apply(
                new Rasterizer(height, width, background), leaves[0], leaves[1], leaves[2], leaves[3], inputs[4]);
        Autograd.backward(image, gradImage);
        RenderChecks.assertClose(image.detach(), emulated(dir, "image", image), 1e-5, 5e-3, "image");
        String[] grads = {"dmeans", "dconics", "dcolours", "dopacities"};
        for (int i = 0; i < 4; i++) {
            Tensor expected = Autograd.grad(leaves[i]);
            RenderChecks.assertClose(expected, emulated(dir, grads[i], expected), 1e-4, 5e-2, grads[i]);
        }
    }

    private static Tensor emulated(Path dir, String name, Tensor like) throws Exception {
        return Tensor.of(KernelEmulator.read(dir.resolve(name + ".bin"), like.numel()), like.shape());
    }
}
