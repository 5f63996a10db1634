package dev.jmim.mae.recipe;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Tensor;

/**
 * PixMIM's reconstruction target, as the reference's LowFreqTargetGenerator computes it: the
 * normalised images de-normalised to [0, 1], fft2, the spectrum centred (fftshift), a disk of
 * radius r kept around ((H − 1)/2, (W − 1)/2) — half a bin off the DC term, so along an axis it
 * keeps −r..r−1 — the inverse transform taken without un-centring, its magnitude, normalised
 * again. Norm-pix and the masked loss then apply as for MAE.
 *
 * <p>Computed here as |ifft2(fft2(x)·M)| with the disk moved back to the unshifted spectrum (M[k,
 * l] = 1 where the centred position ((k + ⌊H/2⌋) mod H, (l + ⌊W/2⌋) mod W) lies in the disk): the
 * reference's missing ifftshift multiplies the spatial result by a phase, which the magnitude
 * removes. The radius is 40 at 224 px and scales with the image ({@link #forImageSize}: r = 40·H/224,
 * the same fraction of the spectrum), a choice of ours: the reference only trains at 224.
 */
public final class LowFrequencyTarget {
    /** The reference's radius at 224 px, in frequency bins (cycles per image). */
    public static final double RADIUS_AT_224 = 40;

    private final int height;
    private final int width;
    private final double radius;
    private final float[] disk;
    private final int kept;

    public LowFrequencyTarget(int height, int width, double radius) {
        if (height < 1 || width < 1 || !(radius > 0)) {
            throw new IllegalArgumentException("low-frequency target: image " + height + "×" + width + " and radius "
                    + radius + " must be positive");
        }
        this.height = height;
        this.width = width;
        this.radius = radius;
        this.disk = new float[height * width];
        double cy = (height - 1) / 2.0;
        double cx = (width - 1) / 2.0;
        int count = 0;
        for (int k = 0; k < height; k++) {
            double dy = (k + height / 2) % height - cy;
            for (int l = 0; l < width; l++) {
                double dx = (l + width / 2) % width - cx;
                if (dy * dy + dx * dx <= radius * radius) {
                    disk[k * width + l] = 1;
                    count++;
                }
            }
        }
        this.kept = count;
    }

    /** The reference's disk scaled to a square image of this size: r = 40·size/224. */
    public static LowFrequencyTarget forImageSize(int size) {
        return new LowFrequencyTarget(size, size, RADIUS_AT_224 * size / 224.0);
    }

    public double radius() {
        return radius;
    }

    /** Frequencies kept per channel (5,024 at 224 px with r = 40). */
    public int keptFrequencies() {
        return kept;
    }

    /** Normalised images [N, 3, H, W] → the low-pass images in [0, 1] pixel units (unclamped), [N, 3, H, W]. */
    public Tensor pixels(Tensor normalized) {
        if (normalized.dim() != 4
                || normalized.size(1) != 3
                || normalized.size(2) != height
                || normalized.size(3) != width) {
            throw new IllegalArgumentException("low-frequency target: expects normalised images [N, 3, " + height + ", "
                    + width + "], got " + java.util.Arrays.toString(normalized.shape()));
        }
        Tensor spectrum =
                Normalization.toPixels(normalized.to(DType.F32)).toComplex().fft2();
        Tensor mask = Tensor.of(disk, height, width, 1).to(normalized.device());
        return spectrum.mul(mask).ifft2().complexAbs();
    }

    /** Normalised images [N, 3, H, W] → the target before patchify: the low-pass images, normalised. */
    public Tensor of(Tensor normalized) {
        return Normalization.fromPixels(pixels(normalized));
    }
}
