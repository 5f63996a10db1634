package dev.jmim.mae.cli;

import dev.jmim.mae.data.RgbImage;
import dev.jmim.mae.data.SyntheticShapes;
import dev.jmim.mae.eval.ObjectCoverage;
import dev.jmim.mae.train.Plots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jmim coverage}: object coverage J(F) of RandomResizedCrop, Simple Resized Crop and the
 * centre crop, without and with masking, on the synthetic dataset's ground-truth foreground masks
 * (PixMIM's Fig. 6): a table on stdout, coverage.csv and coverage.png in the output folder.
 */
@Command(name = "coverage", description = "Object coverage of the augmentations, with and without masking.")
final class CoverageCommand implements Callable<Integer> {
    @Option(names = "--images", defaultValue = "1000", description = "synthetic images (default ${DEFAULT-VALUE})")
    int images;

    @Option(
            names = "--draws",
            defaultValue = "8",
            description = "augmentation (and mask) draws per image (default ${DEFAULT-VALUE})")
    int draws;

    @Option(
            names = "--source-size",
            defaultValue = "40",
            description =
                    "side of the synthetic images, as jmim pretrain makes them for tiny (default ${DEFAULT-VALUE})")
    int sourceSize;

    @Option(names = "--size", defaultValue = "32", description = "side of the training view (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--patch", defaultValue = "4", description = "patch side (default ${DEFAULT-VALUE})")
    int patch;

    @Option(
            names = "--mask-ratio",
            defaultValue = "0.75",
            description = "fraction of patches hidden (default ${DEFAULT-VALUE})")
    double maskRatio;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the images and the draws")
    long seed;

    @Option(names = "--out", defaultValue = "runs/coverage", description = "output folder (default ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (images < 1 || draws < 1) {
            throw new IllegalArgumentException(
                    "--images and --draws must be at least 1; got " + images + " and " + draws);
        }
        ObjectCoverage coverage = new ObjectCoverage(size, patch, maskRatio);
        SyntheticShapes data = new SyntheticShapes(images, sourceSize, seed);
        Files.createDirectories(out);
        List<String> csv = new ArrayList<>();
        csv.add("view,masked,mean,std,p10,median,p90,samples");
        List<String> names = new ArrayList<>();
        Map<String, List<Double>> bars = new LinkedHashMap<>();
        String unmasked = "no masking";
        String masked = String.format(Locale.ROOT, "%.0f%% of patches masked", 100 * maskRatio);
        bars.put(unmasked, new ArrayList<>());
        bars.put(masked, new ArrayList<>());
        System.out.printf(
                "object coverage J(F) on %d synthetic %d px images × %d draws, %d px views, patch %d%n",
                images, sourceSize, draws, size, patch);
        System.out.printf("%-22s %-7s %7s %7s %7s %7s %7s%n", "view", "masked", "mean", "std", "p10", "median", "p90");
        for (ObjectCoverage.View view : ObjectCoverage.View.values()) {
            names.add(view.id());
            for (boolean withMask : new boolean[] {false, true}) {
                double[] j = new double[images * draws];
                for (int i = 0; i < images; i++) {
                    RgbImage image = data.get(i);
                    SplittableRandom random = new SplittableRandom(seed * 31 + i);
                    for (int d = 0; d < draws; d++) {
                        j[i * draws + d] = coverage.coverage(image, view, withMask, random);
                    }
                }
                double mean = Arrays.stream(j).average().orElseThrow();
                double std = Math.sqrt(
                        Arrays.stream(j).map(v -> (v - mean) * (v - mean)).sum() / j.length);
                Arrays.sort(j);
                String row = String.format(
                        Locale.ROOT,
                        "%s,%b,%.4f,%.4f,%.4f,%.4f,%.4f,%d",
                        view.id(),
                        withMask,
                        mean,
                        std,
                        quantile(j, 0.1),
                        quantile(j, 0.5),
                        quantile(j, 0.9),
                        j.length);
                csv.add(row);
                String[] f = row.split(",");
                System.out.printf("%-22s %-7s %7s %7s %7s %7s %7s%n", f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
                bars.get(withMask ? masked : unmasked).add(mean);
            }
        }
        double bound =
                (double) (int) ((size / patch) * (size / patch) * (1 - maskRatio)) / ((size / patch) * (size / patch));
        System.out.printf(Locale.ROOT, "upper bound with masking: %.1f%% (the share of patches kept)%n", 100 * bound);
        Files.write(out.resolve("coverage.csv"), csv);
        Plots.bars(
                "Object coverage J(F), synthetic shapes",
                "mean share of the object shown",
                names,
                bars,
                String.format(Locale.ROOT, "bound with masking (%.0f%%)", 100 * bound),
                bound,
                out.resolve("coverage.png"));
        System.out.println("wrote " + out.resolve("coverage.csv") + " and " + out.resolve("coverage.png"));
        return 0;
    }

    /** The q-quantile of sorted values (nearest rank). */
    private static double quantile(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }
}
