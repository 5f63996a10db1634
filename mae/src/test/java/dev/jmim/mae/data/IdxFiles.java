package dev.jmim.mae.data;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes small Fashion-MNIST-format IDX files for tests: image i of label c is a 28×28 grey picture
 * whose bright band sits at row group c (so a classifier can learn the label), gzipped as Debian ships them.
 */
public final class IdxFiles {
    private IdxFiles() {}

    /** Writes {@code prefix}-images/labels files with {@code perClass} images of each of 10 labels. */
    public static void write(Path folder, String prefix, int perClass) throws IOException {
        int count = 10 * perClass;
        try (DataOutputStream out = gzip(folder.resolve(prefix + "-images-idx3-ubyte.gz"))) {
            out.writeInt(0x803);
            out.writeInt(count);
            out.writeInt(28);
            out.writeInt(28);
            for (int i = 0; i < count; i++) {
                int label = i % 10;
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        boolean band = y / 3 == label;
                        int noise = (i * 31 + y * 7 + x * 13) % 40;
                        out.writeByte(band ? 200 + noise / 2 : noise);
                    }
                }
            }
        }
        try (DataOutputStream out = gzip(folder.resolve(prefix + "-labels-idx1-ubyte.gz"))) {
            out.writeInt(0x801);
            out.writeInt(count);
            for (int i = 0; i < count; i++) {
                out.writeByte(i % 10);
            }
        }
    }

    private static DataOutputStream gzip(Path file) throws IOException {
        OutputStream raw = Files.newOutputStream(file);
        return new DataOutputStream(new GZIPOutputStream(raw));
    }
}
