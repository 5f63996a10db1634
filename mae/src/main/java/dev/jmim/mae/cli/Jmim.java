package dev.jmim.mae.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jmim} command line: the entry point of the launcher script. */
@Command(
        name = "jmim",
        scope = CommandLine.ScopeType.INHERIT, // every subcommand takes --help and --version too
        mixinStandardHelpOptions = true,
        versionProvider = Jmim.Version.class,
        description = "Masked image modeling on the JVM.",
        subcommands = {
            InfoCommand.class,
            PretrainCommand.class,
            ReconstructCommand.class,
            TargetCommand.class,
            FreqPsnrCommand.class,
            CoverageCommand.class,
            FeaturesCommand.class,
            DenseProbeCommand.class,
            CurateCommand.class,
            LayersCommand.class,
            FigureGroundCommand.class,
            ProbeCommand.class,
            DemoCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Jmim {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line as the launcher runs it: failures become one line on stderr and exit code 1. */
    public static CommandLine commandLine() {
        return new CommandLine(new Jmim()).setExecutionExceptionHandler(Jmim::reportError);
    }

    /** One line for the user; the stack trace only when JMIM_DEBUG is set. */
    private static int reportError(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        cli.getErr().println("jmim " + cli.getCommandName() + ": " + e.getMessage());
        if (System.getenv("JMIM_DEBUG") != null) {
            e.printStackTrace(cli.getErr());
        } else {
            cli.getErr().println("(set JMIM_DEBUG=1 for the stack trace)");
        }
        return 1;
    }

    /** The version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"jmim " + version()};
        }
    }

    static String version() {
        String v = Jmim.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
