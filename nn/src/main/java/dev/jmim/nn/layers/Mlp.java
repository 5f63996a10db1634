package dev.jmim.nn.layers;

import dev.jmim.nn.Module;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;

/** timm's Mlp: fc1 → exact GELU → fc2. */
public final class Mlp extends Module {
    private final Linear fc1;
    private final Linear fc2;

    public Mlp(Generator g, int dim, int hidden) {
        this.fc1 = child("fc1", Linear.xavier(g, dim, hidden, true));
        this.fc2 = child("fc2", Linear.xavier(g, hidden, dim, true));
    }

    public Tensor forward(Tensor x) {
        return fc2.forward(fc1.forward(x).gelu());
    }
}
