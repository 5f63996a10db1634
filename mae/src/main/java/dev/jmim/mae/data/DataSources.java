package dev.jmim.mae.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What the commands' {@code --data} names: "synthetic" (the built-in shapes, made at the size and
 * seed asked for), "fashion-mnist" (Debian's dataset-fashion-mnist, one split), a manifest.jsonl
 * from {@code jmim curate}, or an image folder.
 */
public final class DataSources {
    private DataSources() {}

    public static Dataset open(
            String data,
            FashionMnist.Split split,
            int syntheticImages,
            int syntheticSize,
            long syntheticSeed,
            PrintStream log)
            throws IOException {
        return switch (data) {
            case "synthetic" -> new SyntheticShapes(syntheticImages, syntheticSize, syntheticSeed);
            case "fashion-mnist" -> FashionMnist.open(Path.of(FashionMnist.DEBIAN_FOLDER), split);
            default ->
                ManifestDataset.isManifest(data)
                        ? ManifestDataset.open(Path.of(data))
                        : ImageFolder.open(Path.of(data), log);
        };
    }
}
