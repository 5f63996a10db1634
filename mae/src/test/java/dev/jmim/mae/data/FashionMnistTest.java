package dev.jmim.mae.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fashion-MNIST's IDX files: read as grey RGB images with labels; broken files are named, not skipped. */
class FashionMnistTest {

    @Test
    void readsImagesAndLabelsFromGzippedIdxFiles(@TempDir Path dir) throws IOException {
        IdxFiles.write(dir, "train", 2);
        FashionMnist data = FashionMnist.open(dir, FashionMnist.Split.TRAIN);
        assertEquals(20, data.size());
        RgbImage seven = data.get(7);
        assertEquals(7, seven.label());
        assertEquals(28, seven.height());
        float bright = seven.at(0, 21, 5);
        assertTrue(bright > 0.75f, "row 21 is in label 7's band: " + bright);
        assertEquals(bright, seven.at(2, 21, 5), "grey: every channel equal");
        assertTrue(seven.at(1, 2, 5) < 0.2f, "row 2 is background");
        assertTrue(data.describe().contains("20 images"), data.describe());
    }

    @Test
    void readsUncompressedFilesToo(@TempDir Path dir) throws IOException {
        IdxFiles.write(dir, "t10k", 1);
        for (String name : new String[] {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(dir.resolve(name + ".gz")))) {
                Files.write(dir.resolve(name), in.readAllBytes());
            }
            Files.delete(dir.resolve(name + ".gz"));
        }
        assertEquals(10, FashionMnist.open(dir, FashionMnist.Split.TEST).size());
    }

    @Test
    void missingTruncatedAndForeignFilesAreNamed(@TempDir Path dir) throws IOException {
        IOException missing = assertThrows(IOException.class, () -> FashionMnist.open(dir, FashionMnist.Split.TRAIN));
        assertTrue(
                missing.getMessage().contains("train-images-idx3-ubyte")
                        && missing.getMessage().contains("apt install dataset-fashion-mnist"),
                missing.getMessage());

        IdxFiles.write(dir, "train", 1); // 10 images; the labels below replace its label file
        Files.delete(dir.resolve("train-labels-idx1-ubyte.gz"));
        write(dir.resolve("train-labels-idx1-ubyte"), 0x801, 9, 9);
        IOException count = assertThrows(IOException.class, () -> FashionMnist.open(dir, FashionMnist.Split.TRAIN));
        assertTrue(
                count.getMessage().contains("10 images") && count.getMessage().contains("9 labels"),
                count.getMessage());

        write(dir.resolve("train-labels-idx1-ubyte"), 0x803, 10, 10);
        IOException magic = assertThrows(IOException.class, () -> FashionMnist.open(dir, FashionMnist.Split.TRAIN));
        assertTrue(magic.getMessage().contains("magic 0x00000803, expected 0x00000801"), magic.getMessage());

        write(dir.resolve("train-labels-idx1-ubyte"), 0x801, 10, 4);
        IOException truncated = assertThrows(IOException.class, () -> FashionMnist.open(dir, FashionMnist.Split.TRAIN));
        assertTrue(truncated.getMessage().contains("ends early"), truncated.getMessage());
    }

    /** An uncompressed label file whose header says {@code count} but which holds {@code bytes} labels. */
    private static void write(Path file, int magic, int count, int bytes) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(magic);
            out.writeInt(count);
            for (int i = 0; i < bytes; i++) {
                out.writeByte(i % 10);
            }
        }
    }
}
