package dev.jmim.mae.data;

import dev.jmim.mae.curate.ManifestEntry;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The images a curation manifest ({@code jmim curate}) keeps, decoded when asked for: only the
 * kept paths are held in memory. An image that can no longer be read fails its batch with an error
 * naming the file, never silently.
 */
public final class ManifestDataset implements Dataset {
    private final Path manifest;
    private final List<Path> kept;
    private final long lines;

    private ManifestDataset(Path manifest, List<Path> kept, long lines) {
        this.manifest = manifest;
        this.kept = kept;
        this.lines = lines;
    }

    /** Whether a --data argument names a manifest rather than a folder. */
    public static boolean isManifest(String data) {
        return data.endsWith(".jsonl");
    }

    public static ManifestDataset open(Path manifest) throws IOException {
        if (!Files.isRegularFile(manifest)) {
            throw new IOException("no such manifest: " + manifest + " (jmim curate writes one)");
        }
        List<Path> kept = new ArrayList<>();
        long number = 0;
        try (BufferedReader in = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                if (!line.isBlank()) {
                    ManifestEntry e = ManifestEntry.fromJson(line, number);
                    if (e.keep()) {
                        kept.add(Path.of(e.path()));
                    }
                }
            }
        }
        if (kept.isEmpty()) {
            throw new IOException("manifest " + manifest + " keeps none of its " + number + " images");
        }
        return new ManifestDataset(manifest, List.copyOf(kept), number);
    }

    @Override
    public int size() {
        return kept.size();
    }

    @Override
    public RgbImage get(int index) throws IOException {
        return ImageFiles.read(kept.get(index), -1);
    }

    @Override
    public String describe() {
        return "curated manifest " + manifest + ": " + kept.size() + " of " + lines + " images kept";
    }
}
