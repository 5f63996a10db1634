package dev.jmim.cuda;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Splatting;
import dev.jmim.tensor.Tensor;

/**
 * GMAE's rasteriser on the GPU ({@code splat.cu}): a per-image depth sort and tile boxes, one block per
 * 16×16 tile and image for the forward, the same for the backward, which writes each tile's gradient
 * sums to a buffer that a last kernel adds up in tile order, so gradients do not vary from run to run.
 */
final class CudaSplatting implements Splatting {
    private static final int TILE = 16;
    private static final int GRADS = 9;

    private final CudaBackend cuda;
    private final CudaContext context;

    CudaSplatting(CudaBackend cuda, CudaContext context) {
        this.cuda = cuda;
        this.context = context;
    }

    @Override
    public Render render(
            Tensor means,
            Tensor conics,
            Tensor colours,
            Tensor opacities,
            Tensor depths,
            int height,
            int width,
            double[] background) {
        int n = means.size(0);
        int k = means.size(1);
        for (Tensor t : new Tensor[] {means, conics, colours, opacities, depths}) {
            if (t.dtype() != DType.F32 || !t.isContiguous() || t.device() != cuda.device() || t.size(0) != n) {
                throw new IllegalArgumentException("CUDA splatting takes contiguous F32 tensors of " + n
                        + " images on " + cuda.device() + "; got " + t.dtype() + " "
                        + java.util.Arrays.toString(t.shape()) + " on " + t.device()
                        + (t.isContiguous() ? "" : " (not contiguous)"));
            }
        }
        Tensor order = Tensor.empty(DType.I32, cuda.device(), n, k);
        Tensor boxes = Tensor.empty(DType.I32, cuda.device(), n, k, 4);
        Tensor image = Tensor.empty(DType.F32, cuda.device(), n, 3, height, width);
        Tensor finalT = Tensor.empty(DType.F32, cuda.device(), n, height, width);
        Tensor ends = Tensor.empty(DType.I32, cuda.device(), n, height, width);
        int tiles = tilesOf(height, width);
        synchronized (cuda) {
            try (OpTimes.Span _ = cuda.timed("splat forward")) {
                context.enter();
                if (n > 0 && k > 0) {
                    context.kernels()
                            .blockRows(
                                    "splat_prepare",
                                    n,
                                    new Launch()
                                            .i32(k)
                                            .i32(height)
                                            .i32(width)
                                            .pointer(address(means))
                                            .pointer(address(conics))
                                            .pointer(address(depths))
                                            .pointer(address(order))
                                            .pointer(address(boxes)));
                }
                if (n > 0 && tiles > 0) {
                    context.kernels()
                            .grid(
                                    "splat_forward",
                                    tiles,
                                    n,
                                    geometry(k, height, width, background)
                                            .pointer(address(means))
                                            .pointer(address(conics))
                                            .pointer(address(colours))
                                            .pointer(address(opacities))
                                            .pointer(address(order))
                                            .pointer(address(boxes))
                                            .pointer(address(image))
                                            .pointer(address(finalT))
                                            .pointer(address(ends)));
                }
            }
        }
        Tensor[] kept = {means, conics, colours, opacities, order, boxes, finalT, ends};
        return new Render() {
            @Override
            public Tensor image() {
                return image;
            }

            @Override
            public Tensor[] backward(Tensor gradImage) {
                return CudaSplatting.this.backward(kept, gradImage.contiguous(), height, width, background);
            }
        };
    }

    private Tensor[] backward(Tensor[] kept, Tensor gradImage, int height, int width, double[] background) {
        int n = kept[0].size(0);
        int k = kept[0].size(1);
        int tiles = tilesOf(height, width);
        Tensor dMeans = Tensor.zeros(DType.F32, cuda.device(), n, k, 2);
        Tensor dConics = Tensor.zeros(DType.F32, cuda.device(), n, k, 3);
        Tensor dColours = Tensor.zeros(DType.F32, cuda.device(), n, k, 3);
        Tensor dOpacities = Tensor.zeros(DType.F32, cuda.device(), n, k);
        if (n == 0 || k == 0 || tiles == 0) {
            return new Tensor[] {dMeans, dConics, dColours, dOpacities};
        }
        Tensor partial = Tensor.zeros(DType.F32, cuda.device(), n, tiles, k, GRADS);
        synchronized (cuda) {
            try (OpTimes.Span _ = cuda.timed("splat backward")) {
                context.enter();
                context.kernels()
                        .grid(
                                "splat_backward",
                                tiles,
                                n,
                                geometry(k, height, width, background)
                                        .pointer(address(kept[0]))
                                        .pointer(address(kept[1]))
                                        .pointer(address(kept[2]))
                                        .pointer(address(kept[3]))
                                        .pointer(address(kept[4]))
                                        .pointer(address(kept[5]))
                                        .pointer(address(gradImage))
                                        .pointer(address(kept[6]))
                                        .pointer(address(kept[7]))
                                        .pointer(address(partial)));
                context.kernels()
                        .elementwise(
                                "splat_gather",
                                (long) n * k,
                                new Launch()
                                        .i32(n)
                                        .i32(k)
                                        .i32(tiles)
                                        .pointer(address(kept[4]))
                                        .pointer(address(partial))
                                        .pointer(address(dMeans))
                                        .pointer(address(dConics))
                                        .pointer(address(dColours))
                                        .pointer(address(dOpacities)));
            }
        }
        partial.storage().free();
        return new Tensor[] {dMeans, dConics, dColours, dOpacities};
    }

    private static int tilesOf(int height, int width) {
        return ((width + TILE - 1) / TILE) * ((height + TILE - 1) / TILE);
    }

    /** The arguments every raster kernel starts with: K, the image size and the background colour. */
    private static Launch geometry(int k, int height, int width, double[] background) {
        return new Launch()
                .i32(k)
                .i32(height)
                .i32(width)
                .f32((float) background[0])
                .f32((float) background[1])
                .f32((float) background[2]);
    }

    private static long address(Tensor t) {
        return CudaBackend.denseAddress(t);
    }
}
