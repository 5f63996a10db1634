package dev.jmim.mae.cli;

import dev.jmim.mae.data.Augment;
import dev.jmim.mae.data.BatchLoader;
import dev.jmim.mae.data.ImageFiles;
import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.recipe.LowFrequencyTarget;
import dev.jmim.mae.recipe.Preset;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jmim target}: the reconstruction target a preset would train on for one image (resized to
 * size × size, bicubic), before patchify and norm-pix: a PNG with the image and its target side by
 * side, or a safetensors file holding "target", the float C × H × W target in unnormalised [0, 1]
 * pixel units (unclamped: the low-pass magnitude can pass 1).
 */
@Command(name = "target", description = "Show or export a preset's reconstruction target for one image.")
final class TargetCommand implements Callable<Integer> {
    @Option(
            names = "--preset",
            defaultValue = "pixmim",
            description = "pixmim (the low-pass target) or mae, pixio, gmae (the pixels; default ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--image", required = true, description = "a PNG, JPEG, WebP, BMP or GIF image")
    Path image;

    @Option(names = "--out", required = true, description = "OUT.png (image | target) or OUT.safetensors (the floats)")
    Path out;

    @Option(names = "--size", defaultValue = "224", description = "training size in pixels (default ${DEFAULT-VALUE})")
    int size;

    @Override
    public Integer call() throws IOException {
        Preset recipe = Preset.named(preset);
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean png = name.endsWith(".png");
        if (!png && !name.endsWith(".safetensors")) {
            throw new IllegalArgumentException(
                    "--out " + out + ": name a .png (to look at) or a .safetensors file (the floats)");
        }
        if (size < 1) {
            throw new IllegalArgumentException("--size " + size + " must be at least 1 pixel");
        }
        RgbImage sized = Augment.resize(size).apply(ImageFiles.read(image, -1), null);
        float[] normalized = new float[3 * size * size];
        BatchLoader.normalize(sized, normalized, 0);
        Tensor input = Tensor.of(normalized, 1, 3, size, size);
        Tensor target = recipe == Preset.PIXMIM
                ? LowFrequencyTarget.forImageSize(size).pixels(input).select(0, 0)
                : Tensor.of(sized.pixels(), 3, size, size);
        if (png) {
            float[] both = new float[3 * size * 2 * size];
            float[] right = target.contiguous().toFloatArray();
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < size; y++) {
                    System.arraycopy(sized.pixels(), (c * size + y) * size, both, (c * size + y) * 2 * size, size);
                    System.arraycopy(right, (c * size + y) * size, both, (c * size + y) * 2 * size + size, size);
                }
            }
            ImageFiles.writePng(both, size, 2 * size, out);
        } else {
            SafeTensors.save(
                    out,
                    Map.of("target", target.contiguous()),
                    Map.of("preset", recipe.id(), "size", Integer.toString(size)));
        }
        System.out.printf(
                "%s → %s: %s target at %d px%s%n", image, out, recipe.id(), size, png ? " (image | target)" : "");
        return 0;
    }
}
