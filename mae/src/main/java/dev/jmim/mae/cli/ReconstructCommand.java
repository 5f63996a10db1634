package dev.jmim.mae.cli;

import dev.jmim.mae.data.Augment;
import dev.jmim.mae.data.ImageFiles;
import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.model.MaeConfig;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.mae.train.Reconstructions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jmim reconstruct}: the demo's four panels for one image through a pretrained checkpoint. */
@Command(name = "reconstruct", description = "Mask an image and reconstruct it with a pretrained checkpoint.")
final class ReconstructCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "a checkpoint written by jmim pretrain")
    Path checkpoint;

    @Option(
            names = "--image",
            required = true,
            description = "a PNG, JPEG, WebP, BMP or GIF image (resized to the model)")
    Path image;

    @Option(names = "--out", required = true, description = "the PNG to write")
    Path out;

    @Option(
            names = "--mask-ratio",
            defaultValue = "0.75",
            description = "fraction of patches removed (default ${DEFAULT-VALUE})")
    double maskRatio;

    @Option(
            names = "--seed",
            defaultValue = "2",
            description = "masking seed (default ${DEFAULT-VALUE}, as the official demo)")
    long seed;

    @Override
    public Integer call() throws IOException {
        MaskedAutoencoder model = MaskedAutoencoder.fromCheckpoint(checkpoint);
        MaeConfig config = model.config();
        RgbImage picture = ImageFiles.read(image, -1);
        if (picture.height() < config.patch() || picture.width() < config.patch()) {
            throw new IllegalArgumentException("image " + image + " is " + picture.height() + "×" + picture.width()
                    + " px, smaller than one " + config.patch() + "-px patch");
        }
        RgbImage sized = Augment.resize(config.imgSize()).apply(picture, null);
        Reconstructions.grid(model, List.of(sized), maskRatio, seed, out);
        System.out.printf(
                "%s (%d×%d px, resized to %d) → %s: original | masked | reconstruction | + visible%n",
                image, picture.height(), picture.width(), config.imgSize(), out);
        return 0;
    }
}
