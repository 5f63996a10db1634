package dev.jmim.mae.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Reading and writing image files through ImageIO (PNG, JPEG, BMP, GIF built in; WebP via TwelveMonkeys). */
public final class ImageFiles {
    private ImageFiles() {}

    /**
     * The image's height and width from its header, without decoding the pixels; a clear
     * IOException when it is missing or not an image ImageIO can read.
     */
    public static int[] dimensions(Path path) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(path.toFile())) {
            var readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new IOException("cannot decode " + path + ": not a PNG, JPEG, WebP, BMP or GIF image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[] {reader.getHeight(0), reader.getWidth(0)};
            } catch (RuntimeException e) {
                throw new IOException("cannot decode " + path + ": " + e.getMessage(), e);
            } finally {
                reader.dispose();
            }
        }
    }

    /** The image at path as RGB in [0, 1]; a clear IOException when it is missing or not an image. */
    public static RgbImage read(Path path, int label) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException("no such image file: " + path);
        }
        BufferedImage image;
        try {
            image = ImageIO.read(path.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot decode " + path + ": " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IOException("cannot decode " + path + ": not a PNG, JPEG, WebP, BMP or GIF image");
        }
        int h = image.getHeight();
        int w = image.getWidth();
        float[] pixels = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                pixels[y * w + x] = ((rgb >> 16) & 0xFF) / 255f;
                pixels[(h + y) * w + x] = ((rgb >> 8) & 0xFF) / 255f;
                pixels[(2 * h + y) * w + x] = (rgb & 0xFF) / 255f;
            }
        }
        return new RgbImage(h, w, pixels, null, label);
    }

    /** Writes an RGB raster ([0, 1], CHW, height × width) as PNG, atomically. */
    public static void writePng(float[] pixels, int height, int width, Path path) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = toByte(pixels[y * width + x]);
                int g = toByte(pixels[(height + y) * width + x]);
                int b = toByte(pixels[(2 * height + y) * width + x]);
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        Path parent = path.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, path.getFileName().toString(), ".tmp");
        try {
            if (!ImageIO.write(image, "png", temporary.toFile())) {
                throw new IOException("no PNG writer available");
            }
            Files.move(
                    temporary,
                    path,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static int toByte(float v) {
        return (int) Math.round(Math.clamp(v, 0f, 1f) * 255.0);
    }
}
