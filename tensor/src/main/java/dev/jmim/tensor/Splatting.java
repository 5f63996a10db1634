package dev.jmim.tensor;

/**
 * A device kernel for GMAE's rasteriser, which a backend may offer through {@link Backend#splatting()}:
 * front-to-back alpha compositing of 2-D Gaussians with the semantics of the host rasteriser in
 * jmim-mae ({@code dev.jmim.mae.gmae.Rasterizer}), against which the GPU suite checks it. Backends
 * without one leave the rasteriser on the host.
 */
public interface Splatting {

    /**
     * Renders images [N, 3, H, W] of N·K Gaussians: pixel centres [N, K, 2], conics (A, B, C)
     * [N, K, 3], colours [N, K, 3], opacities [N, K] and depths [N, K] (the sort key), each a
     * contiguous F32 tensor on this backend's device, over a background colour (3 values).
     */
    Render render(
            Tensor means,
            Tensor conics,
            Tensor colours,
            Tensor opacities,
            Tensor depths,
            int height,
            int width,
            double[] background);

    /** One render: its image and what its backward needs. */
    interface Render {
        Tensor image();

        /** The gradients of the means, conics, colours and opacities, given the image's gradient. */
        Tensor[] backward(Tensor gradImage);
    }
}
