package dev.jmim.mae.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST from its IDX files (gzipped or not), as Debian's {@code dataset-fashion-mnist}
 * installs them in {@value #DEBIAN_FOLDER}: 28×28 grey images, the grey value copied to all three
 * channels, with their labels 0–9. The whole split is read into memory (47 MB for the 60,000
 * training images).
 */
public final class FashionMnist implements Dataset {
    public static final String DEBIAN_FOLDER = "/usr/share/datasets/fashion-mnist";
    static final int SIDE = 28;
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    /** The two splits of the dataset. */
    public enum Split {
        TRAIN("train"),
        TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    private final String source;
    private final byte[] pixels;
    private final byte[] labels;

    private FashionMnist(String source, byte[] pixels, byte[] labels) {
        this.source = source;
        this.pixels = pixels;
        this.labels = labels;
    }

    /** Reads {@code <prefix>-images-idx3-ubyte[.gz]} and {@code <prefix>-labels-idx1-ubyte[.gz]} from folder. */
    public static FashionMnist open(Path folder, Split split) throws IOException {
        Path images = find(folder, split.prefix + "-images-idx3-ubyte");
        Path labelFile = find(folder, split.prefix + "-labels-idx1-ubyte");
        byte[] pixels;
        byte[] labels;
        try (DataInputStream in = open(images)) {
            int count = header(in, images, IMAGES_MAGIC);
            int rows = in.readInt();
            int cols = in.readInt();
            if (rows != SIDE || cols != SIDE) {
                throw new IOException(images + ": images are " + rows + "×" + cols + ", Fashion-MNIST's are 28×28");
            }
            pixels = read(in, images, (long) count * SIDE * SIDE);
        }
        try (DataInputStream in = open(labelFile)) {
            int count = header(in, labelFile, LABELS_MAGIC);
            labels = read(in, labelFile, count);
        }
        if (labels.length * SIDE * SIDE != pixels.length) {
            throw new IOException(images + " holds " + pixels.length / (SIDE * SIDE) + " images but " + labelFile
                    + " holds " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > 9) {
                throw new IOException(labelFile + ": label " + labels[i] + " at index " + i + " is not in 0..9");
            }
        }
        return new FashionMnist(split + " split of " + folder + " (" + labels.length + " images)", pixels, labels);
    }

    private static Path find(Path folder, String name) throws IOException {
        for (Path candidate : new Path[] {folder.resolve(name + ".gz"), folder.resolve(name)}) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IOException("no " + name + "[.gz] in " + folder + " (on Debian: apt install dataset-fashion-mnist,"
                + " which puts the files in " + DEBIAN_FOLDER + ")");
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            return new DataInputStream(file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw);
        } catch (IOException e) {
            raw.close();
            throw new IOException(file + " is not a gzip file: " + e.getMessage(), e);
        }
    }

    private static int header(DataInputStream in, Path file, int magic) throws IOException {
        int found = in.readInt();
        if (found != magic) {
            throw new IOException(String.format(
                    "%s is not an IDX file of this kind: magic 0x%08x, expected 0x%08x", file, found, magic));
        }
        int count = in.readInt();
        if (count < 0) {
            throw new IOException(file + ": negative item count " + count);
        }
        return count;
    }

    private static byte[] read(DataInputStream in, Path file, long bytes) throws IOException {
        byte[] out = new byte[Math.toIntExact(bytes)];
        try {
            in.readFully(out);
        } catch (EOFException e) {
            throw new IOException(file + " ends early: its header promises " + bytes + " bytes of data", e);
        }
        return out;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public RgbImage get(int index) {
        float[] rgb = new float[3 * SIDE * SIDE];
        int base = index * SIDE * SIDE;
        for (int i = 0; i < SIDE * SIDE; i++) {
            float v = (pixels[base + i] & 0xff) / 255f;
            rgb[i] = v;
            rgb[SIDE * SIDE + i] = v;
            rgb[2 * SIDE * SIDE + i] = v;
        }
        return new RgbImage(SIDE, SIDE, rgb, null, labels[index]);
    }

    @Override
    public String describe() {
        return "Fashion-MNIST, " + source;
    }
}
