package dev.jmim.autograd;

import dev.jmim.tensor.Primitive;
import dev.jmim.tensor.Tensor;

/** What autograd attaches to a tensor that requires grad: where its value came from. */
sealed interface GraphNode {

    /** A tensor the user marked with {@link Autograd#requiresGrad}; gradients accumulate into it. */
    final class Leaf implements GraphNode {
        final Tensor tensor;
        Tensor grad;

        Leaf(Tensor tensor) {
            this.tensor = tensor;
        }
    }

    /** The output of a recorded primitive. */
    record OpNode(Primitive op, Tensor output, Tensor[] inputs) implements GraphNode {}

    /** The output of a fused op that brings its own backward. */
    record FusedNode(FusedOp op, Tensor output, Tensor[] inputs) implements GraphNode {}
}
