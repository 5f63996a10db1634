package dev.jmim.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.HostStorage;
import dev.jmim.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A harness of {@code src/test/cuda} built with g++ against the emulator there, which runs jmim's CUDA
 * kernel sources on CPU threads; float32 and int64 files (little-endian) carry the inputs and results. Tests that
 * use it skip, with the reason, where g++ or the CUDA headers are missing.
 */
public final class KernelEmulator {
    private static final Path MODULE = module();
    private static final Path KERNELS = MODULE.resolve("src/main/cuda");
    private static final Path HARNESSES = MODULE.resolve("src/test/cuda");

    private final Path binary;

    private KernelEmulator(Path binary) {
        this.binary = binary;
    }

    /** cuda-bindings' folder: the working directory where tests run in it, else found above it. */
    private static Path module() {
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            if (Files.isDirectory(at.resolve("src/main/cuda"))) {
                return at;
            }
            if (Files.isDirectory(at.resolve("cuda-bindings/src/main/cuda"))) {
                return at.resolve("cuda-bindings");
            }
        }
        return Path.of("").toAbsolutePath();
    }

    /**
     * Builds {@code src/test/cuda/<harness>.cpp} into cuda-bindings' {@code target/emulator/}, unless the
     * binary there is newer than every kernel and harness source (test classes sharing a harness build it
     * once).
     */
    public static synchronized KernelEmulator build(String harness) throws Exception {
        Optional<Path> compiler = PtxTest.cudaTool("g++");
        assumeTrue(compiler.isPresent(), "skipped: no g++ on the PATH to build the kernel emulator");
        Optional<Path> nvcc = PtxTest.cudaTool("nvcc");
        // jmim.cuh includes cuda_bf16.h, which compiles as host code
        Path headers =
                nvcc.isEmpty() ? null : nvcc.get().toRealPath().getParent().resolveSibling("include");
        assumeTrue(
                headers != null && Files.exists(headers.resolve("cuda_bf16.h")),
                "skipped: no CUDA toolkit headers (cuda_bf16.h) beside nvcc");
        Path binary = MODULE.resolve("target/emulator").resolve(harness);
        Files.createDirectories(binary.getParent());
        if (Files.exists(binary) && Files.getLastModifiedTime(binary).compareTo(newestSource()) > 0) {
            return new KernelEmulator(binary);
        }
        run(List.of(
                compiler.get().toString(),
                "-std=c++20",
                "-O2",
                "-pthread",
                "-fno-strict-aliasing",
                "-ffp-contract=off",
                "-DJMIM_EMULATE",
                "-I",
                KERNELS.toString(),
                "-I",
                HARNESSES.toString(),
                "-I",
                headers.toString(),
                HARNESSES.resolve(harness + ".cpp").toString(),
                HARNESSES.resolve("emulator.cpp").toString(),
                "-o",
                binary.toString()));
        return new KernelEmulator(binary);
    }

    private static FileTime newestSource() throws IOException {
        FileTime newest = FileTime.fromMillis(0);
        for (Path folder : List.of(KERNELS, HARNESSES)) {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.toList()) {
                    FileTime time = Files.getLastModifiedTime(file);
                    newest = time.compareTo(newest) > 0 ? time : newest;
                }
            }
        }
        return newest;
    }

    /** Runs the harness with these arguments; a failure shows its output. */
    public void run(Object... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        for (Object a : arguments) {
            command.add(String.valueOf(a));
        }
        run(command);
    }

    public static void write(Path file, float[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        Files.write(file, bytes.array());
    }

    /** The elements of a contiguous host tensor, as stored. */
    static void writeRaw(Path file, Tensor t) throws IOException {
        long bytes = t.numel() * t.dtype().byteSize();
        Files.write(
                file,
                HostStorage.segmentOf(t)
                        .asSlice(t.offset() * t.dtype().byteSize(), bytes)
                        .toArray(ValueLayout.JAVA_BYTE));
    }

    /** A file of raw elements as a host tensor of this dtype and shape. */
    static Tensor readRaw(Path file, DType dtype, int... shape) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long count = bytes.length / dtype.byteSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment source = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, source, ValueLayout.JAVA_BYTE, 0, bytes.length);
            Tensor t = Tensor.fromHost(source, count, dtype, shape);
            assertEquals(t.numel() * dtype.byteSize(), bytes.length, file + ": byte count");
            return t;
        }
    }

    static void writeLongs(Path file, long[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        Files.write(file, bytes.array());
    }

    static long[] readLongs(Path file, long count) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long[] values = new long[bytes.remaining() / Long.BYTES];
        bytes.asLongBuffer().get(values);
        assertEquals(count, values.length, file + ": long count");
        return values;
    }

    public static float[] read(Path file, long count) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(values);
        assertEquals(count, values.length, file + ": float count");
        return values;
    }

    /**
     * Asserts that every element of {@code actual} lies within {@code tolerance} times the largest
     * magnitude of {@code expected} (plus 1e-6) of it.
     */
    public static void assertClose(float[] expected, float[] actual, double tolerance, String name) {
        assertEquals(expected.length, actual.length, name + ": element count");
        double largest = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Float.isFinite(actual[i]), name + "[" + i + "] = " + actual[i]);
            largest = Math.max(largest, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        double allowed = tolerance * largest + 1e-6;
        assertTrue(
                worst <= allowed,
                name + ": largest difference " + worst + " against the CPU, allowed " + allowed + " (" + tolerance
                        + " of " + largest + ")");
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), command.getFirst() + " timed out");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + log);
    }
}
