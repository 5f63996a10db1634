package dev.jmim.mae.cli;

import dev.jmim.mae.data.Augment;
import dev.jmim.mae.data.DataSources;
import dev.jmim.mae.data.Dataset;
import dev.jmim.mae.data.FashionMnist;
import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.eval.FrequencyPsnr;
import dev.jmim.mae.model.MaskedAutoencoder;
import dev.jmim.mae.recipe.RandomMasking;
import dev.jmim.mae.train.Plots;
import dev.jmim.mae.train.Reconstructions;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.io.SafeTensors;
import dev.jmim.tensor.io.SafeTensorsFile;
import dev.jmim.tensor.random.Generator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jmim freq-psnr}: PSNR of each checkpoint's reconstructions (visible patches pasted back, as
 * the demo's last panel) against the original images, per radial frequency band; the same images
 * and, for checkpoints that mask alike, the same masks, so the columns compare. Writes freq-psnr.csv and
 * freq-psnr.png.
 */
@Command(name = "freq-psnr", description = "PSNR of reconstructions per radial frequency band.")
final class FreqPsnrCommand implements Callable<Integer> {
    @Option(
            names = "--checkpoint",
            required = true,
            description = "a checkpoint written by jmim pretrain; repeat to compare several")
    List<Path> checkpoints;

    @Option(
            names = "--data",
            defaultValue = "synthetic",
            description =
                    "'synthetic' (held-out shapes: another seed than pretraining's), 'fashion-mnist' (its test"
                            + " split), an image folder or a curated manifest.jsonl; images resized to the model (default ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--images", defaultValue = "512", description = "images evaluated (default ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--bands", defaultValue = "8", description = "radial bands (default ${DEFAULT-VALUE})")
    int bands;

    @Option(
            names = "--mask-ratio",
            defaultValue = "0.75",
            description = "fraction of patches hidden (default ${DEFAULT-VALUE})")
    double maskRatio;

    @Option(names = "--seed", defaultValue = "2", description = "masking seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", defaultValue = "runs/freq-psnr", description = "output folder (default ${DEFAULT-VALUE})")
    Path out;

    private static final int BATCH = 64;
    private static final long HELD_OUT_SEED = 1_000_003;

    @Override
    public Integer call() throws IOException {
        List<MaskedAutoencoder> models = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (Path checkpoint : checkpoints) {
            MaskedAutoencoder model = MaskedAutoencoder.fromCheckpoint(checkpoint);
            if (!models.isEmpty()
                    && model.config().imgSize() != models.getFirst().config().imgSize()) {
                throw new IllegalArgumentException("checkpoints to compare must share an image size; " + checkpoint
                        + " is " + model.config().imgSize() + " px, " + checkpoints.getFirst() + " "
                        + models.getFirst().config().imgSize() + " px");
            }
            models.add(model);
            labels.add(label(checkpoint));
        }
        int size = models.getFirst().config().imgSize();
        Dataset dataset =
                DataSources.open(data, FashionMnist.Split.TEST, images, size + size / 4, HELD_OUT_SEED, System.out);
        int count = Math.min(images, dataset.size());
        if (count < 1) {
            throw new IllegalArgumentException("--images must be at least 1; got " + images);
        }
        System.out.printf("%s: %d images at %d px, %.0f%% masked%n", dataset.describe(), count, size, 100 * maskRatio);
        List<FrequencyPsnr> meters = new ArrayList<>();
        for (int m = 0; m < models.size(); m++) {
            meters.add(new FrequencyPsnr(size, bands));
        }
        Augment resize = Augment.resize(size);
        for (int start = 0; start < count; start += BATCH) {
            int n = Math.min(BATCH, count - start);
            List<RgbImage> batch = new ArrayList<>();
            for (int i = start; i < start + n; i++) {
                batch.add(resize.apply(dataset.get(i), null));
            }
            for (int m = 0; m < models.size(); m++) {
                try (Scope _ = Scope.open()) {
                    MaskedAutoencoder model = models.get(m);
                    Tensor noise = RandomMasking.noise(
                            new Generator(seed, start), n, model.config().maskUnits());
                    Reconstructions.Panels panels = Reconstructions.panels(model, batch, maskRatio, noise);
                    meters.get(m).add(panels.pasted(), panels.original(), n);
                }
            }
        }
        write(labels, meters);
        return 0;
    }

    private void write(List<String> labels, List<FrequencyPsnr> meters) throws IOException {
        double[] edges = meters.getFirst().lowerEdges();
        Files.createDirectories(out);
        List<String> csv = new ArrayList<>();
        List<String> columns =
                new ArrayList<>(labels.stream().map(l -> "psnr_db_" + l).toList());
        labels.subList(1, labels.size()).forEach(l -> columns.add("delta_db_" + l));
        csv.add("band,from_cycles,to_cycles," + String.join(",", columns));
        StringBuilder header = new StringBuilder(String.format("%-6s %-14s", "band", "cycles/image"));
        labels.forEach(l -> header.append(String.format(" %18s", l)));
        labels.subList(1, labels.size()).forEach(l -> header.append(String.format(" %18s", "Δ " + l)));
        System.out.println(header + "   (PSNR in dB; Δ: minus " + labels.getFirst() + ")");
        Map<String, List<Double>> lines = new LinkedHashMap<>();
        List<double[]> psnr = meters.stream().map(FrequencyPsnr::psnr).toList();
        for (int m = 0; m < labels.size(); m++) {
            lines.put(labels.get(m), Arrays.stream(psnr.get(m)).boxed().toList());
        }
        for (int b = 0; b < edges.length; b++) {
            String to = b + 1 < edges.length ? String.format(Locale.ROOT, "%.2f", edges[b + 1]) : "corner";
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%d,%.2f,%s", b, edges[b], to));
            StringBuilder line = new StringBuilder(
                    String.format(Locale.ROOT, "%-6d %-14s", b, String.format("%.1f–%s", edges[b], to)));
            for (double[] p : psnr) {
                row.append(String.format(Locale.ROOT, ",%.3f", p[b]));
                line.append(String.format(Locale.ROOT, " %18.2f", p[b]));
            }
            for (double[] p : psnr.subList(1, psnr.size())) {
                row.append(String.format(Locale.ROOT, ",%+.3f", p[b] - psnr.getFirst()[b]));
                line.append(String.format(Locale.ROOT, " %+18.3f", p[b] - psnr.getFirst()[b]));
            }
            csv.add(row.toString());
            System.out.println(line);
        }
        Files.write(out.resolve("freq-psnr.csv"), csv);
        Plots.lines(
                "Reconstruction PSNR per frequency band",
                "band's lower edge (cycles per image)",
                "PSNR (dB)",
                Arrays.stream(edges).boxed().toList(),
                lines,
                out.resolve("freq-psnr.png"));
        System.out.println("wrote " + out.resolve("freq-psnr.csv") + " and " + out.resolve("freq-psnr.png"));
    }

    /** The checkpoint's preset and its run folder, e.g. "pixmim:fp-pixmim". */
    private static String label(Path checkpoint) throws IOException {
        String preset;
        try (SafeTensorsFile file = SafeTensors.open(checkpoint)) {
            preset = file.metadata().getOrDefault("preset", "mae");
        }
        Path folder = checkpoint.toAbsolutePath().getParent();
        return preset + ":" + (folder == null ? checkpoint.getFileName() : folder.getFileName());
    }
}
