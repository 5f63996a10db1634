package dev.jmim.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Children named 0, 1, 2, … as nn.ModuleList names them ({@code blocks.0.norm1.weight}). */
public final class ModuleList<M extends Module> extends Module {
    private final List<M> modules = new ArrayList<>();

    public ModuleList<M> add(M module) {
        modules.add(child(Integer.toString(modules.size()), module));
        return this;
    }

    public List<M> modules() {
        return Collections.unmodifiableList(modules);
    }

    public M get(int i) {
        return modules.get(i);
    }

    public int size() {
        return modules.size();
    }
}
