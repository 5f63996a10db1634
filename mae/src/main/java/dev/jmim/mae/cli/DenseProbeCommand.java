package dev.jmim.mae.cli;

import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.data.SyntheticShapes;
import dev.jmim.mae.eval.DenseProbe;
import dev.jmim.mae.eval.LinearProbe;
import dev.jmim.mae.model.MaskedAutoencoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jmim dense-probe}: foreground segmentation from frozen patch features ({@link
 * DenseProbe}) on held-out synthetic shapes, for each checkpoint and for the raw patch pixels.
 */
@Command(
        name = "dense-probe",
        description = "Linear probe of frozen patch features predicting the synthetic foreground masks (mIoU).")
final class DenseProbeCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "a checkpoint; repeat to compare several")
    List<Path> checkpoints;

    @Option(names = "--train-images", defaultValue = "1000", description = "default ${DEFAULT-VALUE}")
    int trainImages;

    @Option(names = "--test-images", defaultValue = "300", description = "default ${DEFAULT-VALUE}")
    int testImages;

    @Option(names = "--epochs", defaultValue = "10", description = "probe epochs (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the probe's init and shuffling")
    long seed;

    private static final long TRAIN_SEED = 2_000_003;
    private static final long TEST_SEED = 3_000_017;

    @Override
    public Integer call() throws IOException {
        List<MaskedAutoencoder> models = new ArrayList<>();
        for (Path checkpoint : checkpoints) {
            models.add(MaskedAutoencoder.fromCheckpoint(checkpoint));
        }
        int size = models.getFirst().config().imgSize();
        int patch = models.getFirst().config().patch();
        for (int m = 1; m < models.size(); m++) {
            if (models.get(m).config().imgSize() != size
                    || models.get(m).config().patch() != patch) {
                throw new IllegalArgumentException("checkpoints to compare must share image and patch size; "
                        + checkpoints.get(m) + " differs from " + checkpoints.getFirst());
            }
        }
        List<RgbImage> train = images(trainImages, size, TRAIN_SEED);
        List<RgbImage> test = images(testImages, size, TEST_SEED);
        LinearProbe.Settings settings = new LinearProbe.Settings(epochs, 256, 6.4, seed);
        System.out.printf(
                "foreground per %d-px patch of %d px synthetic shapes: %d train, %d test images%n",
                patch, size, train.size(), test.size());
        System.out.printf("%-44s %10s %10s %8s %8s%n", "features", "patch mIoU", "pixel mIoU", "IoU bg", "IoU fg");
        report("raw patch pixels", DenseProbe.run(null, patch, train, test, settings));
        for (int m = 0; m < models.size(); m++) {
            long started = System.nanoTime();
            DenseProbe.Result r = DenseProbe.run(models.get(m), patch, train, test, settings);
            report(checkpoints.get(m).toString(), r);
            System.out.printf("    (%.1f s)%n", (System.nanoTime() - started) / 1e9);
        }
        return 0;
    }

    private static void report(String what, DenseProbe.Result r) {
        System.out.printf(
                Locale.ROOT,
                "%-44s %10.4f %10.4f %8.4f %8.4f%n",
                what,
                r.patchMiou(),
                r.pixelMiou(),
                r.patchIou()[0],
                r.patchIou()[1]);
    }

    private List<RgbImage> images(int count, int size, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("--train-images and --test-images must be at least 1; got " + count);
        }
        SyntheticShapes shapes = new SyntheticShapes(count, size, seed);
        List<RgbImage> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(shapes.get(i));
        }
        return out;
    }
}
