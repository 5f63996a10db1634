package dev.jmim.autograd;

import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Shapes;
import dev.jmim.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reverse-mode sweep: topological order from the root, one rule per node, sums into leaves. */
final class Backprop {
    private Backprop() {}

    static void run(Tensor root, Tensor seed) {
        GraphNode rootNode = Tape.node(root);
        if (rootNode == null) {
            throw new IllegalArgumentException("backward: " + root.describe() + " does not require grad; mark an input"
                    + " with Autograd.requiresGrad(t) before computing it, outside Autograd.noGrad()");
        }
        if (!Arrays.equals(seed.shape(), root.shape())) {
            throw new IllegalArgumentException("backward: gradient " + Shapes.format(seed.shape())
                    + " does not match the output " + Shapes.format(root.shape()));
        }
        List<GraphNode> order = topologicalOrder(rootNode);
        Map<GraphNode, Tensor> grads = new IdentityHashMap<>();
        grads.put(rootNode, seed.to(root.dtype()));
        Tape.enterNoGrad();
        try {
            for (GraphNode node : order) {
                Tensor g = grads.remove(node);
                if (g == null) {
                    continue;
                }
                switch (node) {
                    case GraphNode.Leaf leaf -> accumulate(leaf, g);
                    case GraphNode.OpNode op ->
                        propagate(
                                op.op().toString(),
                                op.inputs(),
                                GradientRules.backward(op.op(), op.inputs(), op.output(), g),
                                grads);
                    case GraphNode.FusedNode f ->
                        propagate(f.op().name(), f.inputs(), f.op().backward(f.inputs(), f.output(), g), grads);
                }
            }
        } finally {
            Tape.exitNoGrad();
        }
    }

    private static void propagate(String op, Tensor[] inputs, Tensor[] inputGrads, Map<GraphNode, Tensor> grads) {
        for (int i = 0; i < inputs.length; i++) {
            GraphNode target = Tape.node(inputs[i]);
            if (target == null || inputGrads[i] == null) {
                continue;
            }
            Tensor g = inputGrads[i];
            if (!Arrays.equals(g.shape(), inputs[i].shape())) {
                throw new IllegalStateException("backward of " + op + ": gradient of operand " + i + " has shape "
                        + Shapes.format(g.shape()) + " but the operand is " + inputs[i].describe());
            }
            grads.merge(target, g, Tensor::add);
        }
    }

    /** Leaf gradients outlive the step's scope: allocated outside it, then summed in place. */
    private static void accumulate(GraphNode.Leaf leaf, Tensor g) {
        Tensor typed = g.to(leaf.tensor.dtype());
        if (leaf.grad == null || leaf.grad.storage().isFreed()) {
            leaf.grad = Scope.outside(typed::clone);
        } else {
            leaf.grad.copyFrom(leaf.grad.add(typed));
        }
    }

    /** Nodes ordered so that each comes before every node it was computed from. */
    private static List<GraphNode> topologicalOrder(GraphNode root) {
        List<GraphNode> postOrder = new ArrayList<>();
        Set<GraphNode> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.add(root);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            GraphNode node = (GraphNode) frame[0];
            Tensor[] inputs = inputsOf(node);
            int next = (Integer) frame[1];
            if (next < inputs.length) {
                frame[1] = next + 1;
                GraphNode child = Tape.node(inputs[next]);
                if (child != null && visited.add(child)) {
                    stack.push(new Object[] {child, 0});
                }
            } else {
                stack.pop();
                postOrder.add(node);
            }
        }
        Collections.reverse(postOrder);
        return postOrder;
    }

    private static Tensor[] inputsOf(GraphNode node) {
        return switch (node) {
            case GraphNode.Leaf leaf -> new Tensor[0];
            case GraphNode.OpNode op -> op.inputs();
            case GraphNode.FusedNode f -> f.inputs();
        };
    }
}
