package dev.jmim.autograd;

import dev.jmim.tensor.OpRecorder;
import dev.jmim.tensor.Primitive;
import dev.jmim.tensor.Tensor;

/** The recorder autograd installs: attaches a graph node to every float output of a tracked input. */
final class Tape implements OpRecorder {
    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    static boolean gradEnabled() {
        return NO_GRAD_DEPTH.get()[0] == 0;
    }

    static void enterNoGrad() {
        NO_GRAD_DEPTH.get()[0]++;
    }

    static void exitNoGrad() {
        NO_GRAD_DEPTH.get()[0]--;
    }

    static GraphNode node(Tensor t) {
        return t.recorderState() instanceof GraphNode n ? n : null;
    }

    @Override
    public void record(Primitive op, Tensor output, Tensor... inputs) {
        if (output.dtype().isFloating() && wouldRecord(inputs)) {
            output.setRecorderState(new GraphNode.OpNode(op, output, inputs));
        }
    }

    @Override
    public boolean wouldRecord(Tensor... tensors) {
        if (!gradEnabled()) {
            return false;
        }
        for (Tensor t : tensors) {
            if (node(t) != null) {
                return true;
            }
        }
        return false;
    }
}
