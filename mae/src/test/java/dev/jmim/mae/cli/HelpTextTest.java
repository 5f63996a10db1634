package dev.jmim.mae.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's help renders cleanly, and every command answers {@code --help} (only the top
 * command did once: {@code jmim pretrain --help} was an unknown option). A description is a format
 * string: a bare "%" in it makes picocli print a warning to standard error, once per line it wraps
 * to, and the raw text.
 */
class HelpTextTest {

    @Test
    void everyCommandsHelpRendersWithoutAWarning() {
        List<CommandLine> commands = new ArrayList<>();
        collect(Jmim.commandLine(), commands);
        assertTrue(commands.size() > 15, "found only " + commands.size() + " commands");
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        StringBuilder usages = new StringBuilder();
        try {
            for (CommandLine command : commands) {
                usages.append(command.getUsageMessage(CommandLine.Help.Ansi.OFF));
            }
        } finally {
            System.setErr(original);
        }
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        assertTrue(usages.toString().contains("25-40% slower"), "the escaped percent sign renders as one");
    }

    @Test
    void everyCommandTakesHelp() {
        List<CommandLine> commands = new ArrayList<>();
        collect(Jmim.commandLine(), commands);
        for (CommandLine command : commands) {
            List<String> args = new ArrayList<>();
            for (CommandLine c = command; c.getParent() != null; c = c.getParent()) {
                args.addFirst(c.getCommandName());
            }
            args.add("--help");
            CommandLine fresh = Jmim.commandLine();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            fresh.setOut(new java.io.PrintWriter(out, true, StandardCharsets.UTF_8));
            fresh.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
            int code = fresh.execute(args.toArray(String[]::new));
            assertEquals(0, code, "jmim " + String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8));
            assertTrue(
                    out.toString(StandardCharsets.UTF_8).contains("Usage: jmim"),
                    "jmim " + String.join(" ", args) + " printed " + out.toString(StandardCharsets.UTF_8));
        }
    }

    private static void collect(CommandLine command, List<CommandLine> into) {
        into.add(command);
        command.getSubcommands().values().forEach(sub -> collect(sub, into));
    }
}
