package dev.jmim.autograd;

import dev.jmim.tensor.OpRecorder;
import dev.jmim.tensor.Tensor;

/**
 * Reverse-mode automatic differentiation over jmim tensors.
 *
 * <pre>{@code
 * Tensor w = Autograd.requiresGrad(Tensor.randn(g, 16, 8));     // a leaf
 * try (Scope step = Scope.open()) {
 *     Tensor loss = x.matmul(w.mT()).gelu().mean();
 *     Autograd.backward(loss);                                  // d loss / d w → Autograd.grad(w)
 * }
 * }</pre>
 *
 * Every op on a tensor that requires grad is recorded (the tape), unless inside {@link #noGrad()}.
 * Leaf gradients accumulate across backward calls, outside any scope, until {@link #zeroGrad}.
 */
public final class Autograd {
    private static final Tape TAPE = new Tape();

    static {
        OpRecorder.install(TAPE);
    }

    private Autograd() {}

    /** Marks a float tensor as a leaf whose gradient {@link #backward} computes; returns it. */
    public static Tensor requiresGrad(Tensor t) {
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException("requiresGrad: only float tensors have gradients, got " + t.describe());
        }
        if (!(t.recorderState() instanceof GraphNode.Leaf)) {
            if (Tape.node(t) != null) {
                throw new IllegalArgumentException("requiresGrad: " + t.describe() + " was computed from tensors that"
                        + " require grad; only leaves can be marked (use detach() for a new leaf)");
            }
            t.setRecorderState(new GraphNode.Leaf(t));
        }
        return t;
    }

    /** Whether gradients flow to or through t. */
    public static boolean requiresGradient(Tensor t) {
        return Tape.node(t) != null;
    }

    /** Gradient of a one-element tensor with respect to every leaf it depends on. */
    public static void backward(Tensor loss) {
        if (loss.numel() != 1) {
            throw new IllegalArgumentException("backward: " + loss.describe() + " is not a scalar; pass the gradient of"
                    + " the output with backward(output, gradient)");
        }
        Backprop.run(loss, Tensor.full(1.0, loss.dtype(), loss.device(), loss.shape()));
    }

    /** Vector-Jacobian product: propagates {@code gradient} (the output's shape) to the leaves. */
    public static void backward(Tensor output, Tensor gradient) {
        Backprop.run(output, gradient);
    }

    /** The gradient accumulated into a leaf, or null when none has reached it yet. */
    public static Tensor grad(Tensor leaf) {
        return leaf.recorderState() instanceof GraphNode.Leaf l ? l.grad : null;
    }

    /** Frees a leaf's accumulated gradient, so the next backward starts from zero. */
    public static void zeroGrad(Tensor leaf) {
        if (leaf.recorderState() instanceof GraphNode.Leaf l && l.grad != null) {
            l.grad.storage().free();
            l.grad = null;
        }
    }

    /** Within the returned scope nothing is recorded on this thread (evaluation, optimizer steps). */
    public static NoGrad noGrad() {
        Tape.enterNoGrad();
        return new NoGrad();
    }

    /** An open no-grad region; closing it restores recording. */
    public static final class NoGrad implements AutoCloseable {
        private boolean closed;

        private NoGrad() {}

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                Tape.exitNoGrad();
            }
        }
    }

    /** Runs a fused op and records it as one node whose backward is the op's own. */
    public static Tensor apply(FusedOp op, Tensor... inputs) {
        Tensor out;
        Tape.enterNoGrad();
        try {
            out = op.forward(inputs);
        } finally {
            Tape.exitNoGrad();
        }
        if (out.dtype().isFloating() && TAPE.wouldRecord(inputs)) {
            out.setRecorderState(new GraphNode.FusedNode(op, out, inputs.clone()));
        }
        return out;
    }
}
