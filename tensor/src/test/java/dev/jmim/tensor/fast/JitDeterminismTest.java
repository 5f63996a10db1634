package dev.jmim.tensor.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A result must not change when the JIT compiles a kernel: the fingerprint of every fast kernel
 * in an interpreter-only JVM ({@code -Xint}) equals the fingerprint here after 3000 warm-up calls
 * per kernel (C2 compiles them). Vector API transcendentals broke this (C2 calls a vector math
 * library, the interpreter scalar Java); the kernels now use exact IEEE arithmetic or StrictMath.
 */
class JitDeterminismTest {

    @Test
    void interpretedAndCompiledKernelsGiveTheSameBits() throws IOException, InterruptedException {
        List<String> compiled = KernelFingerprint.lines(3000);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(
                java.toString(),
                "-Xint",
                "--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                KernelFingerprint.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the -Xint fingerprint JVM did not finish in 5 minutes");
        }
        assertEquals(0, process.exitValue(), "the -Xint fingerprint JVM failed: " + stderr);
        assertEquals(String.join("\n", compiled), stdout.strip(), "interpreted (right) vs compiled (left) kernels");
    }
}
