package dev.jmim.nn;

import java.util.List;

/** What loading a state dict found: keys the module lacked, keys the dict lacked, shapes that differ. */
public record LoadReport(List<String> missingKeys, List<String> unexpectedKeys, List<String> shapeMismatches) {
    public boolean clean() {
        return missingKeys.isEmpty() && unexpectedKeys.isEmpty() && shapeMismatches.isEmpty();
    }

    @Override
    public String toString() {
        return "missing keys " + missingKeys + ", unexpected keys " + unexpectedKeys + ", shape mismatches "
                + shapeMismatches;
    }
}
