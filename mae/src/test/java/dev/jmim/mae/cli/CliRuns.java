package dev.jmim.mae.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs {@code jmim} in-process for the CLI tests: what it printed, or the error it gave. */
final class CliRuns {
    private CliRuns() {}

    /** Runs the command, asserts exit status 0, returns standard output. */
    static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Jmim.commandLine().execute(args), () -> String.join(" ", args) + "\n" + buffer);
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** Runs the command, asserts it fails, returns what it wrote to standard error. */
    static String fail(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Jmim.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertTrue(cli.execute(args) != 0, String.join(" ", args) + " should fail");
        return err.toString();
    }
}
