package dev.jmim.mae.train;

import dev.jmim.autograd.Autograd;
import dev.jmim.mae.data.BatchLoader;
import dev.jmim.mae.data.Dataset;
import dev.jmim.mae.model.MaeConfig;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.mae.recipe.Preset;
import dev.jmim.mae.recipe.RandomMasking;
import dev.jmim.nn.Checkpoint;
import dev.jmim.nn.optim.AdamW;
import dev.jmim.nn.optim.LrSchedule;
import dev.jmim.nn.optim.ParamGroup;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * MAE-family pretraining (the {@link Preset} picks augmentation and target) as MAE's official engine runs it: AdamW (β 0.9/0.95, weight decay 0.05 on
 * matrices and tokens only), lr = blr·(batch·accum)/256 with a linear warmup and a half-cosine
 * decay evaluated at every iteration, the loss divided by the accumulation count. Writes
 * {@code metrics.csv}, {@code loss.png} and {@code checkpoint.safetensors} (atomically, every N
 * steps and at the end) to the run folder. Everything random is a function of (seed, iteration),
 * so a run resumed from a checkpoint continues bit-identically on the CPU.
 */
public final class Pretrainer {

    /** The recipe's knobs; epochs count passes over the dataset. */
    public record Settings(
            MaeConfig model,
            int batch,
            int accum,
            int epochs,
            double blr,
            double minLr,
            double warmupEpochs,
            double weightDecay,
            double maskRatio,
            long seed,
            int checkpointEvery,
            int loaderThreads,
            Preset preset,
            Device device) {

        public Settings {
            if (batch < 1 || accum < 1 || epochs < 1 || checkpointEvery < 1) {
                throw new IllegalArgumentException(
                        "batch, accum, epochs and checkpoint interval must be ≥ 1; got batch " + batch + ", accum "
                                + accum + ", epochs " + epochs + ", checkpoint every " + checkpointEvery);
            }
        }

        public double lr() {
            return blr * batch * accum / 256.0;
        }
    }

    /**
     * What a finished run left behind; model holds the trained weights (those of the checkpoint), on the
     * CPU; lossPlot is null where the machine has no fonts to draw it with.
     */
    public record Result(
            MaskedAutoencoder model,
            Path checkpoint,
            Path metrics,
            Path lossPlot,
            long iterations,
            double lastLoss,
            double seconds) {}

    private Pretrainer() {}

    /**
     * Trains from scratch, or from {@code resume} (a checkpoint of the same run) when not null;
     * {@code stopAfter} &gt; 0 ends the run after that many iterations with a checkpoint, as an
     * interruption would (0: run to the end).
     */
    public static Result run(Dataset data, Settings s, Path out, Path resume, long stopAfter, PrintStream log)
            throws IOException {
        if (stopAfter < 0 || stopAfter % s.accum() != 0) {
            throw new IllegalArgumentException("stop-after " + stopAfter + " must be a non-negative multiple of accum "
                    + s.accum() + " (a checkpoint can only hold whole optimizer steps)");
        }
        Files.createDirectories(out);
        MaskedAutoencoder model = new MaskedAutoencoder(s.model(), new Generator(s.seed()));
        model.to(s.device()); // before the optimizer, whose state is made beside each parameter
        AdamW optimizer =
                new AdamW(0.9, 0.95, 1e-8, ParamGroup.maeWeightDecay(model.namedParameters(), s.weightDecay()));
        Path checkpoint = out.resolve("checkpoint.safetensors");
        Path metrics = out.resolve("metrics.csv");
        long start = 0;
        List<String> rows = new ArrayList<>();
        if (resume != null) {
            Map<String, String> meta = Checkpoint.load(resume, model, optimizer, true);
            start = Long.parseLong(meta.getOrDefault("iteration", "0"));
            if (Files.exists(metrics)) { // keep the rows the checkpoint covers
                for (String row : Files.readAllLines(metrics)) {
                    if (row.startsWith("iteration") || Long.parseLong(row.split(",")[0]) <= start) {
                        rows.add(row);
                    }
                }
            }
            log.printf("resuming from %s at iteration %d%n", resume, start);
        }
        if (rows.isEmpty()) {
            rows.add("iteration,epoch,lr,loss,images_per_second,seconds");
        }
        int size = s.model().imgSize();
        long total;
        try (BatchLoader loader = new BatchLoader(
                data, s.preset().augment(size), size, s.batch(), s.seed(), s.loaderThreads(), 2 * s.loaderThreads())) {
            UnaryOperator<Tensor> targetImages = s.preset().targetImages(size);
            int perEpoch = loader.itersPerEpoch();
            total = (long) perEpoch * s.epochs();
            LrSchedule schedule = LrSchedule.maeCosine(s.lr(), s.minLr(), s.warmupEpochs(), s.epochs());
            log.printf(
                    "%s%n%s %s: %,d parameters; %d iterations of %d images (%d per step), lr %.2e%n",
                    data.describe(),
                    s.preset() == Preset.MAE ? "MAE" : "PixMIM",
                    describe(s.model()),
                    model.parameterCount(),
                    total,
                    s.batch(),
                    s.batch() * s.accum(),
                    s.lr());
            long began = System.nanoTime();
            double lr = 0;
            double lastLoss = Double.NaN;
            long sinceLog = System.nanoTime();
            int imagesSinceLog = 0;
            try (ProgressBar bar = new ProgressBarBuilder()
                    .setTaskName("pretrain")
                    .setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(log))
                    .startsFrom(start, java.time.Duration.ZERO)
                    .build()) {
                for (long it = start; it < total; it++) {
                    if (it % s.accum() == 0) {
                        lr = schedule.at((double) it / perEpoch);
                    }
                    BatchLoader.Batch batch = loader.get(it);
                    try (Scope _ = Scope.open()) {
                        Tensor images = Tensor.of(batch.pixels(), s.batch(), 3, size, size)
                                .to(s.device());
                        Tensor noise = RandomMasking.noise( // drawn on the CPU: the same masks on any device
                                        new Generator(s.seed() ^ (0x5DEECE66DL * (it + 1))),
                                        s.batch(),
                                        s.model().maskUnits())
                                .to(s.device());
                        model.setStochasticDepthStep(it);
                        Tensor loss = model.forward(images, s.maskRatio(), noise, targetImages.apply(images))
                                .loss();
                        lastLoss = loss.item();
                        if (!Double.isFinite(lastLoss)) {
                            throw new IllegalStateException("the loss is " + lastLoss + " at iteration " + it
                                    + "; lower --blr (now " + s.blr() + ") or check the data");
                        }
                        Autograd.backward(loss.div(s.accum()));
                    }
                    imagesSinceLog += s.batch();
                    if ((it + 1) % s.accum() == 0) {
                        optimizer.step(lr);
                        optimizer.zeroGrad();
                        double elapsed = (System.nanoTime() - sinceLog) / 1e9;
                        double rate = imagesSinceLog / elapsed;
                        sinceLog = System.nanoTime();
                        imagesSinceLog = 0;
                        rows.add(String.format(
                                java.util.Locale.ROOT,
                                "%d,%.5f,%.6e,%.6f,%.2f,%.2f",
                                it + 1,
                                (double) (it + 1) / perEpoch,
                                lr,
                                lastLoss,
                                rate,
                                (System.nanoTime() - began) / 1e9));
                        bar.setExtraMessage(String.format(
                                java.util.Locale.ROOT, "loss %.4f lr %.2e %.0f img/s", lastLoss, lr, rate));
                        boolean last = it + 1 == total || it + 1 == stopAfter;
                        if (last || ((it + 1) / s.accum()) % s.checkpointEvery() == 0) {
                            save(checkpoint, model, optimizer, s, it + 1, metrics, rows);
                        }
                    }
                    bar.stepTo(it + 1);
                    if (it + 1 == stopAfter) {
                        break;
                    }
                }
            }
            if (start >= total) {
                log.printf("the checkpoint is already at iteration %d of %d: nothing to train%n", start, total);
            }
            Path plot = out.resolve("loss.png");
            if (Plots.unavailableReason().isEmpty()) {
                Plots.lossCurve(rows, plot);
            } else {
                log.printf(
                        "loss.png not drawn: %s; metrics.csv holds the curve%n",
                        Plots.unavailableReason().get());
                plot = null;
            }
            model.to(Device.CPU); // what a caller does next (reconstructions, probes) runs on the CPU
            return new Result(model, checkpoint, metrics, plot, total, lastLoss, (System.nanoTime() - began) / 1e9);
        }
    }

    private static void save(
            Path checkpoint,
            MaskedAutoencoder model,
            AdamW optimizer,
            Settings s,
            long iteration,
            Path metrics,
            List<String> rows)
            throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(s.model().toMetadata());
        meta.put("iteration", Long.toString(iteration));
        meta.put("seed", Long.toString(s.seed()));
        meta.put("preset", s.preset().id());
        meta.put("made_by", "jmim pretrain");
        Checkpoint.save(checkpoint, model, optimizer, meta);
        Path temporary = metrics.resolveSibling(metrics.getFileName() + ".tmp");
        Files.write(temporary, rows);
        Files.move(
                temporary,
                metrics,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static String describe(MaeConfig c) {
        return c.imgSize() + " px, patch " + c.patch() + ", encoder " + c.dim() + "×" + c.depth() + " (" + c.heads()
                + " heads), decoder " + c.decoderDim() + "×" + c.decoderDepth() + (c.normPixLoss() ? ", norm-pix" : "");
    }
}
