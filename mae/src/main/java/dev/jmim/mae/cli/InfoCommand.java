package dev.jmim.mae.cli;

import dev.jmim.tensor.Backend;
import dev.jmim.tensor.Backends;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.fast.Gemm;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import jdk.incubator.vector.FloatVector;
import picocli.CommandLine.Command;

/** {@code jmim info}: what this machine gives jmim — backend, vector width, threads, GPU or why not. */
@Command(name = "info", description = "Show the chosen backend, vector width, threads and GPU (or why none).")
public final class InfoCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        print(System.out);
        return 0;
    }

    static void print(PrintStream out) {
        Backend cpu = Backends.cpu();
        Runtime rt = Runtime.getRuntime();
        row(out, "jmim", Jmim.version());
        row(
                out,
                "java",
                System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ") on "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        row(out, "cpu backend", cpu.name() + " (choose with -Djmim.backend=NAME or JMIM_BACKEND)");
        row(out, "threads", cpu.threads() + " used by the backend, " + rt.availableProcessors() + " cores available");
        row(
                out,
                "vector",
                FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit preferred species = "
                        + FloatVector.SPECIES_PREFERRED.length() + " floats per vector");
        row(out, "gemm kernel", Gemm.KERNEL + " (choose with -Djmim.cpu.gemm=4x16 or 8x32)");
        row(out, "heap", String.format("%,d MiB max", rt.maxMemory() >> 20));
        for (Backends.ProviderStatus p : Backends.providers()) {
            String state = p.unavailableReason().map(r -> "unavailable: " + r).orElse("available");
            row(
                    out,
                    "provider",
                    p.name() + " (" + p.deviceType().name().toLowerCase(java.util.Locale.ROOT) + ", priority "
                            + p.priority() + "): " + state);
        }
        String gpu = Backends.providers().stream()
                .filter(p -> p.deviceType() == Device.Type.CUDA)
                .findFirst()
                .map(p -> p.unavailableReason().map(r -> "none usable: " + r).orElse("cuda via " + p.name()))
                .orElse("none: the cuda-bindings module is not on the class path");
        row(out, "gpu", gpu);
    }

    private static void row(PrintStream out, String key, String value) {
        out.printf("%-12s %s%n", key, value);
    }
}
