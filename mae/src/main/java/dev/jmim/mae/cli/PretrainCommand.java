package dev.jmim.mae.cli;

import dev.jmim.mae.data.Augment;
import dev.jmim.mae.data.DataSources;
import dev.jmim.mae.data.Dataset;
import dev.jmim.mae.data.FashionMnist;
import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.model.MaeConfig;
import dev.jmim.mae.recipe.Preset;
import dev.jmim.mae.train.Pretrainer;
import dev.jmim.mae.train.Reconstructions;
import dev.jmim.tensor.Backends;
import dev.jmim.tensor.Device;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jmim pretrain}: MAE pretraining. With no arguments it trains MAE-tiny on the built-in
 * synthetic shapes (a few minutes on a 2-core CPU) and writes, under {@code runs/mae-tiny}, the
 * checkpoint, metrics.csv, loss.png and reconstruction.png.
 */
@Command(name = "pretrain", description = "Pretrain a masked autoencoder (default: MAE-tiny on synthetic shapes).")
final class PretrainCommand implements Callable<Integer> {
    @Option(
            names = "--preset",
            defaultValue = "mae",
            description = "recipe: mae (RandomResizedCrop, pixel target), pixmim (Simple Resized Crop, low-frequency"
                    + " target), pixio (block masking, several class tokens, deeper decoder, no flip) or gmae (a"
                    + " decoder predicting 3-D Gaussians, rendered by splatting);"
                    + " default ${DEFAULT-VALUE}")
    String preset;

    @Option(
            names = "--model",
            defaultValue = "tiny",
            description = "tiny, base, large or huge (default ${DEFAULT-VALUE})")
    String modelName;

    @Option(
            names = "--data",
            defaultValue = "synthetic",
            description = "'synthetic' (built-in shapes), 'fashion-mnist' (its training split, from Debian's"
                    + " dataset-fashion-mnist), an image folder, or a manifest.jsonl from jmim curate (default"
                    + " ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--images", defaultValue = "2048", description = "synthetic images (default ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--epochs", defaultValue = "14", description = "passes over the data (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--warmup-epochs", defaultValue = "1", description = "linear warmup (default ${DEFAULT-VALUE})")
    double warmupEpochs;

    @Option(names = "--batch", defaultValue = "64", description = "images per iteration (default ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--accum",
            defaultValue = "1",
            description = "iterations per optimizer step (default ${DEFAULT-VALUE})")
    int accum;

    @Option(
            names = "--blr",
            defaultValue = "1.5e-3",
            description = "base learning rate; lr = blr·batch·accum/256 (default ${DEFAULT-VALUE}; the official 1.5e-4 "
                    + "is tuned for 800 epochs)")
    double blr;

    @Option(
            names = "--mask-ratio",
            defaultValue = "0.75",
            description = "fraction of patches removed (default ${DEFAULT-VALUE})")
    double maskRatio;

    @Option(names = "--no-norm-pix", description = "predict raw pixels instead of per-patch standardised ones")
    boolean noNormPix;

    @Option(names = "--seed", defaultValue = "0", description = "the run's seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--gaussians", description = "gmae: Gaussians (query tokens) per image, 64 to 1024 (default 256)")
    Integer gaussians;

    @Option(names = "--gaussian-scale", description = "gmae: the largest scale c in c·sigmoid (default 1.0)")
    Double gaussianScale;

    @Option(names = "--camera", description = "gmae: orthographic (default) or perspective")
    String camera;

    @Option(names = "--background", description = "gmae: the background's grey level in [0, 1] (default 1, white)")
    Double background;

    @Option(names = "--out", description = "run folder (default runs/<preset>-<model>)")
    Path out;

    @Option(
            names = "--checkpoint-every",
            defaultValue = "50",
            description = "optimizer steps between checkpoints (default ${DEFAULT-VALUE})")
    int checkpointEvery;

    @Option(names = "--resume", description = "continue from this checkpoint (same settings)")
    Path resume;

    @Option(
            names = "--stop-after",
            defaultValue = "0",
            description =
                    "stop after this many iterations, leaving a checkpoint to --resume from (default: run to the end)")
    long stopAfter;

    @Option(
            names = "--loader-threads",
            defaultValue = "1",
            description = "threads preparing batches (default ${DEFAULT-VALUE})")
    int loaderThreads;

    @Option(
            names = "--device",
            defaultValue = "cpu",
            description = "where to train: cpu, cuda or cuda:N (default ${DEFAULT-VALUE}); data, masks and"
                    + " checkpoints stay the same")
    String device;

    /** The --device asked for, after checking that a backend can run there. */
    private Device device() {
        Device d;
        try {
            d = Device.parse(device);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--device " + device + ": " + e.getMessage() + "; use cpu, cuda or" + " cuda:N");
        }
        try {
            Backends.forDevice(d);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(
                    "--device " + device + ": " + e.getMessage() + "; train on the CPU" + " with --device cpu");
        }
        return d;
    }

    @Override
    public Integer call() throws IOException {
        Preset recipe = Preset.named(preset);
        MaeConfig config = gaussianKnobs(recipe, recipe.model(modelName, !noNormPix));
        PrintStream log = System.out;
        Dataset dataset = DataSources.open(
                data, FashionMnist.Split.TRAIN, images, config.imgSize() + config.imgSize() / 4, seed, log);
        Path folder = out != null ? out : Path.of("runs", preset + "-" + modelName);
        Pretrainer.Settings settings = new Pretrainer.Settings(
                config,
                batch,
                accum,
                epochs,
                blr,
                0,
                warmupEpochs,
                0.05,
                maskRatio,
                seed,
                checkpointEvery,
                loaderThreads,
                recipe,
                device());
        Pretrainer.Result result = Pretrainer.run(dataset, settings, folder, resume, stopAfter, log);

        List<RgbImage> samples = new ArrayList<>();
        for (int i = 0; i < Math.min(8, dataset.size()); i++) {
            samples.add(Augment.resize(config.imgSize()).apply(dataset.get(i), null));
        }
        Path grid = folder.resolve("reconstruction.png");
        Reconstructions.grid(result.model(), samples, maskRatio, 2, grid);
        log.printf(
                "done in %.0f s: last loss %.4f%n  checkpoint %s%n  metrics    %s%n  loss plot  %s%n"
                        + "  recon grid %s (original | masked | reconstruction | reconstruction + visible)%n",
                result.seconds(),
                result.lastLoss(),
                result.checkpoint(),
                result.metrics(),
                result.lossPlot() == null ? "(not drawn: no fonts here)" : result.lossPlot(),
                grid);
        return 0;
    }

    /** The config with the GMAE options given; they are refused for the pixel-decoder presets. */
    private MaeConfig gaussianKnobs(Preset recipe, MaeConfig config) {
        boolean any = gaussians != null || gaussianScale != null || camera != null || background != null;
        if (!any) {
            return config;
        }
        if (recipe != Preset.GMAE) {
            throw new IllegalArgumentException("--gaussians, --gaussian-scale, --camera and --background shape GMAE's"
                    + " decoder; add --preset gmae (this run is " + recipe.id() + ")");
        }
        if (camera != null && !camera.equals("orthographic") && !camera.equals("perspective")) {
            throw new IllegalArgumentException("--camera " + camera + ": choose orthographic or perspective");
        }
        if (gaussians != null && (gaussians < 1 || gaussians > 4096)) {
            throw new IllegalArgumentException("--gaussians " + gaussians + ": choose 1 to 4096 (64 to 1024 is usual)");
        }
        return config.withGaussians(
                gaussians != null ? gaussians : config.gaussians(),
                gaussianScale != null ? gaussianScale : config.gaussianMaxScale(),
                camera != null ? camera.equals("perspective") : config.perspective(),
                background != null ? background : config.background());
    }
}
