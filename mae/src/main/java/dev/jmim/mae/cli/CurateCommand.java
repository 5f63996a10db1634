package dev.jmim.mae.cli;

import dev.jmim.mae.curate.Curator;
import dev.jmim.mae.model.MaskedAutoencoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jmim curate}: Pixio's self-curation ({@link Curator}) of an image folder into a manifest
 * that {@code jmim pretrain --data manifest.jsonl} trains on. Run it again on the same manifest to
 * continue a stopped run.
 */
@Command(name = "curate", description = "Self-curate an image folder into a manifest (Pixio).")
final class CurateCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "the pretrained model that scores images")
    Path checkpoint;

    @Option(names = "--data", required = true, description = "the image folder (searched recursively)")
    Path data;

    @Option(names = "--out", required = true, description = "the manifest (.jsonl); an existing one is continued")
    Path out;

    @Option(
            names = "--min-side",
            defaultValue = "320",
            description = "drop images whose shorter side is under this (default ${DEFAULT-VALUE}, the reference's)")
    int minSide;

    @Option(
            names = "--min-entropy",
            defaultValue = "4.5",
            description = "drop images whose colour-histogram entropy is at most this many bits (default"
                    + " ${DEFAULT-VALUE})")
    double minEntropy;

    @Option(
            names = "--loss-scale",
            defaultValue = "1",
            description = "keep with probability min(1, loss × this) (default ${DEFAULT-VALUE}, the reference's)")
    double lossScale;

    @Option(names = "--threads", description = "threads reading images (default: every core)")
    Integer threads;

    @Option(names = "--stop-after", defaultValue = "0", description = "stop after about N images (0: all)")
    long stopAfter;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the masks and the keep draws")
    long seed;

    @Override
    public Integer call() throws IOException {
        if (!out.getFileName().toString().endsWith(".jsonl")) {
            throw new IllegalArgumentException("--out " + out + ": name a .jsonl manifest");
        }
        MaskedAutoencoder model = MaskedAutoencoder.fromCheckpoint(checkpoint);
        int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        Curator curator =
                new Curator(model, new Curator.Rules(minSide, minEntropy, lossScale, 0.75, seed), workers, System.out);
        Curator.Summary s = curator.run(data, out, stopAfter);
        long here = s.seen() - s.resumedAt();
        System.out.printf(
                "%s: %d images, %d kept (%.1f%%); by reason %s; this run %d images in %.1f s (%.1f s per 1000)%n",
                out,
                s.seen(),
                s.kept(),
                s.seen() == 0 ? 0.0 : 100.0 * s.kept() / s.seen(),
                s.reasons(),
                here,
                s.seconds(),
                here == 0 ? 0.0 : 1000 * s.seconds() / here);
        return 0;
    }
}
