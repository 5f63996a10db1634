package dev.jmim.mae.cli;

import dev.jmim.mae.data.Dataset;
import dev.jmim.mae.data.FashionMnist;
import dev.jmim.mae.data.ImageFolder;
import dev.jmim.mae.eval.Features;
import dev.jmim.mae.eval.LinearProbe;
import dev.jmim.mae.eval.NearestNeighbours;
import dev.jmim.mae.model.MaeConfig;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.tensor.random.Generator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jmim probe}: how linearly separable, and how well clustered, an encoder's class-token
 * features are on a labelled dataset — MAE's linear probe and kNN (k = 20, cosine) — for a
 * pretrained checkpoint, a randomly initialised encoder of a given config, or the raw pixels.
 */
@Command(
        name = "probe",
        description = "Linear probe and kNN of an encoder's features on Fashion-MNIST or a labelled image folder.")
final class ProbeCommand implements Callable<Integer> {

    @ArgGroup(multiplicity = "1")
    Encoder encoder;

    /** Exactly one source of features. */
    static final class Encoder {
        @Option(names = "--checkpoint", description = "a pretraining checkpoint (its encoder is probed)")
        Path checkpoint;

        @Option(
                names = "--random-init",
                paramLabel = "MODEL",
                description = "a randomly initialised encoder of this config (tiny, base, large, huge)")
        String randomInit;

        @Option(names = "--pixels", description = "raw pixels, the baseline")
        boolean pixels;
    }

    @Option(
            names = "--data",
            defaultValue = "fashion-mnist",
            description = "'fashion-mnist' or a folder with train/ and test/, each holding one subfolder per"
                    + " class (default ${DEFAULT-VALUE})")
    String data;

    @Option(
            names = "--fashion-mnist-dir",
            defaultValue = FashionMnist.DEBIAN_FOLDER,
            description = "where Fashion-MNIST's IDX files are (default ${DEFAULT-VALUE})")
    Path fashionMnistDir;

    @Option(
            names = "--train-limit",
            defaultValue = "10000",
            description = "training images, a seeded random choice; 0 = all (default ${DEFAULT-VALUE})")
    int trainLimit;

    @Option(
            names = "--test-limit",
            defaultValue = "2000",
            description = "test images, a seeded random choice; 0 = all (default ${DEFAULT-VALUE})")
    int testLimit;

    @Option(names = "--epochs", defaultValue = "30", description = "linear probe epochs (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch", defaultValue = "256", description = "linear probe batch (default ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--lr",
            defaultValue = "6.4",
            description = "linear probe learning rate, absolute (LARS; default ${DEFAULT-VALUE}, the reference's)")
    double lr;

    @Option(names = "--k", defaultValue = "20", description = "neighbours for kNN (default ${DEFAULT-VALUE})")
    int k;

    @Option(
            names = "--pixel-size",
            defaultValue = "28",
            description = "image side for --pixels (default ${DEFAULT-VALUE})")
    int pixelSize;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the image choice, init and shuffling")
    long seed;

    @Override
    public Integer call() throws IOException {
        PrintStream log = System.out;
        if (trainLimit < 0 || testLimit < 0 || pixelSize < 1) {
            throw new IllegalArgumentException("--train-limit and --test-limit must be >= 0 and --pixel-size >= 1;"
                    + " got " + trainLimit + ", " + testLimit + ", " + pixelSize);
        }
        LinearProbe.Settings settings = new LinearProbe.Settings(epochs, batch, lr, seed);
        MaskedAutoencoder model = encoder.pixels ? null : model(); // a bad checkpoint fails before data loads
        Dataset train = dataset(true, log);
        Dataset test = dataset(false, log);
        int classes = classes(train, test);
        int[] trainPick = Features.choose(train, trainLimit, seed);
        int[] testPick = Features.choose(test, testLimit, seed + 1);
        String what;
        long started = System.nanoTime();
        Features.Set trainFeatures;
        Features.Set testFeatures;
        if (encoder.pixels) {
            what = "raw pixels at " + pixelSize + "×" + pixelSize;
            trainFeatures = Features.pixels(train, trainPick, pixelSize);
            testFeatures = Features.pixels(test, testPick, pixelSize);
        } else {
            what = (encoder.checkpoint != null
                            ? "encoder of " + encoder.checkpoint
                            : "randomly initialised " + encoder.randomInit + " encoder")
                    + " (width " + model.config().dim() + ", depth "
                    + model.config().depth() + ", "
                    + model.config().imgSize() + " px)";
            trainFeatures = Features.encoder(model, train, trainPick);
            testFeatures = Features.encoder(model, test, testPick);
        }
        log.printf(
                "features: %s, %d train + %d test images, dim %d, %.1f s%n",
                what,
                trainFeatures.size(),
                testFeatures.size(),
                trainFeatures.values().size(1),
                (System.nanoTime() - started) / 1e9);
        double knn =
                NearestNeighbours.accuracy(trainFeatures, testFeatures, classes, Math.min(k, trainFeatures.size()));
        double linear = LinearProbe.accuracy(trainFeatures, testFeatures, classes, settings);
        log.printf("linear probe top-1 %.2f%%  kNN-%d (cosine) top-1 %.2f%%%n", 100 * linear, k, 100 * knn);
        return 0;
    }

    private Dataset dataset(boolean training, PrintStream log) throws IOException {
        if (data.equals("fashion-mnist")) {
            return FashionMnist.open(fashionMnistDir, training ? FashionMnist.Split.TRAIN : FashionMnist.Split.TEST);
        }
        Path folder = Path.of(data, training ? "train" : "test");
        if (!Files.isDirectory(folder)) {
            throw new IOException(
                    "no folder " + folder + ": --data needs train/ and test/, each with one subfolder per class");
        }
        return ImageFolder.open(folder, log);
    }

    /** Ten for Fashion-MNIST; for folders, the training classes, which the test folder must repeat. */
    private static int classes(Dataset train, Dataset test) {
        if (train instanceof ImageFolder trainFolder && test instanceof ImageFolder testFolder) {
            if (!trainFolder.classes().equals(testFolder.classes())) {
                throw new IllegalArgumentException("train/ and test/ must hold the same class folders; train has "
                        + trainFolder.classes() + ", test has " + testFolder.classes());
            }
            return trainFolder.classes().size();
        }
        return 10;
    }

    private MaskedAutoencoder model() throws IOException {
        if (encoder.randomInit != null) {
            return new MaskedAutoencoder(MaeConfig.named(encoder.randomInit, true), new Generator(seed));
        }
        return MaskedAutoencoder.fromCheckpoint(encoder.checkpoint);
    }
}
