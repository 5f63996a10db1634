package dev.jmim.cuda;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Finds and loads the native libraries behind the generated bindings: the driver ({@code
 * libcuda.so.1}, never the toolkit stub), cuBLAS (with cuBLASLt) and cuFFT, CUDA 13 sonames first,
 * then CUDA 12. Each library is loaded with {@link System#load} from the first folder that holds it,
 * so the bindings (which resolve symbols through the class loader) see it.
 *
 * <p>Folders searched, in order: the override {@code JMIM_CUDA_LIBRARY_PATH} (env) or {@code
 * jmim.cuda.libraryPath} (system property), colon-separated; {@code LD_LIBRARY_PATH}; the folders of
 * {@code /etc/ld.so.conf} and {@code /etc/ld.so.conf.d/*.conf}; the system library folders; {@code
 * /usr/local/nvidia/lib64} and {@code /usr/lib/wsl/lib} (driver mounts); {@code $CUDA_HOME/lib64},
 * {@code $CUDA_PATH/lib64}, {@code /usr/local/cuda/lib64} and its {@code targets/x86_64-linux/lib};
 * then NVIDIA's pip wheels ({@code nvidia/cu13/lib}, {@code nvidia/cublas/lib}, {@code
 * nvidia/cufft/lib}) in the site-packages of virtualenv, conda, pyenv, user and system Pythons. A
 * folder named {@code stubs} is never used.
 */
public final class CudaLibraries {

    /** One library: where it was loaded from, or every path tried. */
    public record Outcome(String library, Optional<Path> loadedFrom, List<String> tried) {
        public boolean loaded() {
            return loadedFrom.isPresent();
        }

        /** One line: the path, or what was tried. */
        public String describe() {
            return loadedFrom
                    .map(p -> library + " from " + p)
                    .orElseGet(() -> library + " not found (tried " + tried.size() + " folders: "
                            + String.join(", ", tried) + ")");
        }
    }

    private static Outcome driver;
    private static Outcome cublas;
    private static Outcome cufft;

    private CudaLibraries() {}

    public static synchronized Outcome driver() {
        if (driver == null) {
            driver = load("the CUDA driver", List.of(List.of("libcuda.so.1")));
        }
        return driver;
    }

    /** cuBLAS and the cuBLASLt it needs, as a pair of one CUDA version. */
    public static synchronized Outcome cublas() {
        if (cublas == null) {
            cublas = load(
                    "cuBLAS",
                    List.of(
                            List.of("libcublasLt.so.13", "libcublas.so.13"),
                            List.of("libcublasLt.so.12", "libcublas.so.12")));
        }
        return cublas;
    }

    public static synchronized Outcome cufft() {
        if (cufft == null) {
            cufft = load("cuFFT", List.of(List.of("libcufft.so.12"), List.of("libcufft.so.11")));
        }
        return cufft;
    }

    /** Loads the first set of files (all from one folder) that some folder holds completely. */
    private static Outcome load(String library, List<List<String>> fileSets) {
        List<String> tried = new ArrayList<>();
        for (Path folder : searchFolders()) {
            tried.add(folder.toString());
            for (List<String> files : fileSets) {
                if (files.stream().allMatch(f -> Files.isRegularFile(folder.resolve(f)))) {
                    try {
                        for (String f : files) {
                            System.load(folder.resolve(f).toAbsolutePath().toString());
                        }
                        return new Outcome(library, Optional.of(folder.resolve(files.getLast())), List.copyOf(tried));
                    } catch (UnsatisfiedLinkError e) {
                        tried.add(folder + " (" + files.getLast() + " failed to load: " + e.getMessage() + ")");
                    }
                }
            }
        }
        return new Outcome(library + " (" + fileSets.getFirst().getLast() + ")", Optional.empty(), List.copyOf(tried));
    }

    /** Every folder in search order, each once, existing ones only, never a toolkit stub folder. */
    static List<Path> searchFolders() {
        Set<Path> folders = new LinkedHashSet<>();
        addPathList(folders, System.getProperty("jmim.cuda.libraryPath", System.getenv("JMIM_CUDA_LIBRARY_PATH")));
        addPathList(folders, System.getenv("LD_LIBRARY_PATH"));
        addLdSoConf(folders, Path.of("/etc/ld.so.conf"));
        for (String f : List.of(
                "/usr/lib/x86_64-linux-gnu",
                "/lib/x86_64-linux-gnu",
                "/usr/lib64",
                "/lib64",
                "/usr/lib",
                "/usr/local/nvidia/lib64",
                "/usr/local/nvidia/lib",
                "/usr/lib/wsl/lib")) {
            folders.add(Path.of(f));
        }
        for (String home : new String[] {System.getenv("CUDA_HOME"), System.getenv("CUDA_PATH"), "/usr/local/cuda"}) {
            if (home != null && !home.isBlank()) {
                folders.add(Path.of(home, "lib64"));
                folders.add(Path.of(home, "targets", "x86_64-linux", "lib"));
            }
        }
        for (Path sitePackages : sitePackages()) {
            for (String sub : List.of("cu13/lib", "cublas/lib", "cufft/lib")) {
                folders.add(sitePackages.resolve("nvidia").resolve(sub));
            }
        }
        return folders.stream()
                .filter(Files::isDirectory)
                .filter(p -> !p.getFileName().toString().equals("stubs"))
                .toList();
    }

    private static void addPathList(Set<Path> folders, String list) {
        if (list != null) {
            for (String entry : list.split(":")) {
                if (!entry.isBlank()) {
                    folders.add(Path.of(entry));
                }
            }
        }
    }

    /** The folders ld.so.conf names, following its {@code include} globs (one level of folder). */
    private static void addLdSoConf(Set<Path> folders, Path conf) {
        List<String> lines;
        try {
            lines = Files.readAllLines(conf);
        } catch (IOException | SecurityException e) {
            return;
        }
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("include ")) {
                Path pattern = Path.of(line.substring(8).strip());
                Path dir = pattern.getParent();
                if (dir == null || !Files.isDirectory(dir)) {
                    continue;
                }
                try (DirectoryStream<Path> matches =
                        Files.newDirectoryStream(dir, pattern.getFileName().toString())) {
                    for (Path included : matches) {
                        addLdSoConf(folders, included);
                    }
                } catch (IOException e) {
                    // an unreadable include adds no folder
                }
            } else if (line.startsWith("/")) {
                folders.add(Path.of(line));
            }
        }
    }

    /** site-packages (and dist-packages) folders of the Pythons commonly found on a machine. */
    private static List<Path> sitePackages() {
        List<Path> roots = new ArrayList<>();
        for (String env : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) {
                roots.add(Path.of(v));
            }
        }
        String pathEnv = System.getenv("PATH");
        if (pathEnv != null) {
            for (String bin : pathEnv.split(":")) {
                if (!bin.isBlank() && Path.of(bin).getParent() != null) {
                    roots.add(Path.of(bin).getParent());
                }
            }
        }
        String home = System.getProperty("user.home");
        String pyenv = Optional.ofNullable(System.getenv("PYENV_ROOT")).orElse(home + "/.pyenv");
        roots.addAll(children(Path.of(pyenv, "versions")));
        roots.add(Path.of(home, ".local"));
        roots.add(Path.of("/usr/local"));
        roots.add(Path.of("/usr"));
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            for (Path lib : children(root.resolve("lib"))) {
                String name = lib.getFileName().toString().toLowerCase(Locale.ROOT);
                if (name.startsWith("python3")) {
                    out.add(lib.resolve("site-packages"));
                    out.add(lib.resolve("dist-packages"));
                }
            }
        }
        out.add(Path.of("/usr/lib/python3/dist-packages"));
        return out;
    }

    private static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(out::add);
        } catch (IOException e) {
            return List.of();
        }
        out.sort(null);
        return out;
    }
}
