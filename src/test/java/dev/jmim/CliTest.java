package dev.jmim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.mae.cli.Jmim;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI as the launcher runs it, with every module on the class path. */
class CliTest {

    private static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new Jmim()).execute(args);
            assertEquals(0, code, () -> "exit code of jmim " + String.join(" ", args) + "\n" + buffer);
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void infoNamesBackendVectorWidthThreadsAndGpu() {
        String out = run("info");
        for (String key : new String[] {"cpu backend", "threads", "vector", "gpu"}) {
            assertTrue(out.lines().anyMatch(l -> l.startsWith(key)), "no '" + key + "' line in:\n" + out);
        }
        assertTrue(out.contains("provider     cuda"), "the CUDA provider is found through ServiceLoader:\n" + out);
    }

    @Test
    void demoRunsEveryStep() {
        String out = run("demo");
        assertTrue(out.contains("x equal: true, z equal: true"), out);
        assertTrue(out.contains("after it closes: 0 bytes"), out);
    }
}
