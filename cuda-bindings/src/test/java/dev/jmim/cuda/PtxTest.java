package dev.jmim.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmim.tensor.BinaryOp;
import dev.jmim.tensor.ReduceOp;
import dev.jmim.tensor.UnaryOp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernels as built: every module was compiled to PTX for sm_80 and sm_90 with a header an R525+
 * driver accepts, ptxas assembles each for its target, and the op codes the kernels switch on are the
 * Java enums' order.
 */
class PtxTest {
    private static final Path SOURCES = Path.of("src/main/cuda");

    @ParameterizedTest
    @ValueSource(strings = {"sm_80", "sm_90"})
    void everyModuleAssemblesForItsTarget(String arch) throws Exception {
        Optional<Path> ptxas = cudaTool("ptxas");
        assumeTrue(ptxas.isPresent(), "skipped: no CUDA toolkit (ptxas), so the build made no PTX");
        for (String module : Kernels.MODULES) {
            String ptx = Kernels.ptx(module, arch);
            assertTrue(ptx.contains("\n.version 8.0\n"), module + ": PTX ISA lowered to 8.0");
            assertTrue(ptx.contains("\n.target " + arch + "\n"), module + " targets " + arch);
            Path file = Files.createTempFile(module, ".ptx");
            try {
                Files.writeString(file, ptx);
                Process p = new ProcessBuilder(
                                ptxas.get().toString(), "-arch=" + arch, file.toString(), "-o", "/dev/null")
                        .redirectErrorStream(true)
                        .start();
                String log = new String(p.getInputStream().readAllBytes());
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ptxas timed out");
                assertEquals(0, p.exitValue(), module + "." + arch + ": " + log);
            } finally {
                Files.delete(file);
            }
        }
    }

    /** Each kernel the backend looks up is an entry of its module, and each entry is looked up. */
    @Test
    void theKernelTableMatchesTheModulesEntries() {
        assumeTrue(cudaTool("ptxas").isPresent(), "skipped: no CUDA toolkit, so the build made no PTX");
        Pattern entry = Pattern.compile("\\.entry (\\w+)\\(");
        for (String module : Kernels.MODULES) {
            List<String> entries = entry.matcher(Kernels.ptx(module, "sm_80"))
                    .results()
                    .map(m -> m.group(1))
                    .sorted()
                    .toList();
            List<String> looked = Kernels.MODULE_OF.entrySet().stream()
                    .filter(e -> e.getValue().equals(module))
                    .map(Map.Entry::getKey)
                    .sorted()
                    .toList();
            assertEquals(looked, entries, module + ": the kernels Kernels.MODULE_OF gives it, and its entries");
        }
    }

    @Test
    void everyCudaSourceIsAModule() throws IOException {
        try (var files = Files.list(SOURCES)) {
            List<String> sources = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".cu"))
                    .map(n -> n.substring(0, n.length() - 3))
                    .sorted()
                    .toList();
            assertEquals(Kernels.MODULES.stream().sorted().toList(), sources);
        }
    }

    @Test
    void kernelOpCodesFollowTheJavaEnums() throws IOException {
        String header = Files.readString(SOURCES.resolve("jmim.cuh"));
        assertEquals(names(UnaryOp.values()), cEnum(header, "Unary"));
        assertEquals(names(BinaryOp.values()), cEnum(header, "Binary"));
        assertEquals(names(ReduceOp.values()), cEnum(header, "Reduce"));
        assertEquals(names(dev.jmim.tensor.DType.values()), cEnum(header, "DType"));
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toList();
    }

    private static List<String> cEnum(String source, String name) {
        Matcher m = Pattern.compile("enum " + name + " \\{([^}]*)\\}").matcher(source);
        assertTrue(m.find(), "enum " + name + " in jmim.cuh");
        return Arrays.stream(m.group(1).split(","))
                .map(s -> s.replaceAll("=.*", "").strip())
                .toList();
    }

    static Optional<Path> cudaTool(String name) {
        for (String dir : new String[] {System.getenv("CUDA_HOME"), "/usr/local/cuda"}) {
            if (dir != null && Files.isExecutable(Path.of(dir, "bin", name))) {
                return Optional.of(Path.of(dir, "bin", name));
            }
        }
        String path = System.getenv("PATH");
        return path == null
                ? Optional.empty()
                : Arrays.stream(path.split(":"))
                        .map(d -> Path.of(d, name))
                        .filter(Files::isExecutable)
                        .findFirst();
    }
}
