package dev.jmim.tensor.archfixture;

import dev.jmim.mae.cli.Jmim;

/** A deliberate violation (tensor → mae) that ArchitectureTest must detect. Test code only. */
public final class UpwardImport {
    private UpwardImport() {}

    public static String version() {
        return Jmim.class.getName();
    }
}
