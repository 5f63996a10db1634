package dev.jmim.mae.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every image under a folder (PNG, JPEG, WebP, BMP, GIF, searched recursively, in sorted order).
 * Each file is decoded once when the folder is opened; files that fail are counted, named in the
 * log and left out, never silently. When the images sit in subfolders (one per class, as ImageNet),
 * the label is the subfolder's index in sorted order; otherwise −1.
 */
public final class ImageFolder implements Dataset {
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif");

    private final Path root;
    private final List<Path> files;
    private final int[] labels;
    private final List<String> classes;
    private final int skipped;

    private ImageFolder(Path root, List<Path> files, int[] labels, List<String> classes, int skipped) {
        this.root = root;
        this.files = files;
        this.labels = labels;
        this.classes = classes;
        this.skipped = skipped;
    }

    /** Whether the file's name ends in one of the image extensions read here (any case). */
    public static boolean isImageFile(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    public static ImageFolder open(Path root, PrintStream log) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("no such image folder: " + root);
        }
        List<Path> candidates;
        try (Stream<Path> walk = Files.walk(root)) {
            candidates = walk.filter(Files::isRegularFile)
                    .filter(ImageFolder::isImageFile)
                    .sorted()
                    .toList();
        }
        TreeMap<String, Integer> classIndex = new TreeMap<>();
        for (Path p : candidates) {
            Path parent = root.relativize(p).getParent();
            if (parent != null) {
                classIndex.putIfAbsent(parent.getName(0).toString(), 0);
            }
        }
        int next = 0;
        for (var e : classIndex.entrySet()) {
            e.setValue(next++);
        }
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        boolean[] good = new boolean[candidates.size()];
        java.util.stream.IntStream.range(0, candidates.size()).parallel().forEach(i -> {
            try {
                ImageFiles.read(candidates.get(i), -1);
                good[i] = true;
            } catch (IOException e) {
                failures.add(e.getMessage());
            }
        });
        List<Path> files = new ArrayList<>();
        List<Integer> labelList = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            if (good[i]) {
                files.add(candidates.get(i));
                Path parent = root.relativize(candidates.get(i)).getParent();
                labelList.add(
                        parent == null ? -1 : classIndex.get(parent.getName(0).toString()));
            }
        }
        if (!failures.isEmpty()) {
            failures.sort(null);
            log.printf("image folder %s: skipped %d unreadable file(s):%n", root, failures.size());
            failures.stream().limit(20).forEach(f -> log.println("  " + f));
            if (failures.size() > 20) {
                log.printf("  … and %d more%n", failures.size() - 20);
            }
        }
        if (files.isEmpty()) {
            throw new IOException("image folder " + root + " holds no readable PNG, JPEG, WebP, BMP or GIF image"
                    + (failures.isEmpty() ? "" : " (" + failures.size() + " unreadable)"));
        }
        return new ImageFolder(
                root,
                List.copyOf(files),
                labelList.stream().mapToInt(Integer::intValue).toArray(),
                List.copyOf(classIndex.keySet()),
                failures.size());
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public RgbImage get(int index) throws IOException {
        return ImageFiles.read(files.get(index), labels[index]);
    }

    public List<String> classes() {
        return classes;
    }

    public int skipped() {
        return skipped;
    }

    @Override
    public String describe() {
        return "image folder " + root + ": " + files.size() + " images"
                + (classes.isEmpty() ? "" : " in " + classes.size() + " classes")
                + (skipped > 0 ? ", " + skipped + " unreadable skipped" : "");
    }
}
