package dev.jmim.autograd;

import dev.jmim.tensor.Tensor;

/**
 * An op with its own forward and backward, recorded as one graph node: for kernels whose fused
 * backward beats the chain of primitives (softmax, layer_norm, later attention and splatting). Run
 * it with {@link Autograd#apply}.
 */
public interface FusedOp {

    /** A short name for error messages. */
    String name();

    /** The output; runs with recording off, so it may use any tensor op. */
    Tensor forward(Tensor... inputs);

    /**
     * The gradient of each input (null where an input takes none), each of that input's shape,
     * given the gradient of the output. Runs with recording off.
     */
    Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput);
}
