package dev.jmim.autograd;

import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Shapes;
import dev.jmim.tensor.Storage;
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
        Gradients grads = new Gradients();
        grads.add(rootNode, seed.to(root.dtype()), null);
        Tape.enterNoGrad();
        try {
            for (GraphNode node : order) {
                Tensor g = grads.take(node);
                if (g == null) {
                    continue;
                }
                // each rule runs in its own scope: its temporaries are freed as soon as it returns
                try (Scope rule = Scope.open()) {
                    switch (node) {
                        case GraphNode.Leaf leaf -> accumulate(leaf, g);
                        case GraphNode.OpNode op ->
                            propagate(
                                    op.op().toString(),
                                    op.inputs(),
                                    GradientRules.backward(op.op(), op.inputs(), op.output(), g),
                                    grads,
                                    rule);
                        case GraphNode.FusedNode f ->
                            propagate(
                                    f.op().name(), f.inputs(), f.op().backward(f.inputs(), f.output(), g), grads, rule);
                    }
                }
                grads.release(g);
            }
        } finally {
            Tape.exitNoGrad();
        }
    }

    private static void propagate(String op, Tensor[] inputs, Tensor[] inputGrads, Gradients grads, Scope rule) {
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
            grads.add(target, rule.owns(g) ? grads.made(rule.keep(g)) : g, rule);
        }
    }

    /**
     * The gradients waiting for their nodes, and the memory of those this sweep made: a storage is
     * freed once no waiting gradient views it (a rule may return its incoming gradient, or a view of
     * it, for an input), so the sweep's peak holds the gradients in flight, not every one it made.
     * Storages the sweep did not make (the seed, forward tensors a rule passes on) are never freed here.
     */
    private static final class Gradients {
        private final Map<GraphNode, Tensor> waiting = new IdentityHashMap<>();
        private final Map<Storage, Integer> views = new IdentityHashMap<>();
        private final Set<Storage> made = Collections.newSetFromMap(new IdentityHashMap<>());

        /** Marks a gradient's storage as this sweep's own, to free once nothing waits on it. */
        Tensor made(Tensor g) {
            made.add(g.storage());
            return g;
        }

        /** Adds g to the node's waiting gradient; a sum is allocated in, and kept out of, the rule's scope. */
        void add(GraphNode node, Tensor g, Scope rule) {
            Tensor before = waiting.get(node);
            if (before == null) {
                waiting.put(node, g);
                views.merge(g.storage(), 1, Integer::sum);
                return;
            }
            Tensor sum = made(rule.keep(before.add(g)));
            waiting.put(node, sum);
            views.merge(sum.storage(), 1, Integer::sum);
            release(before);
            freeIfUnused(g.storage()); // summed: unless another waiting gradient views it
        }

        Tensor take(GraphNode node) {
            return waiting.remove(node);
        }

        /** A gradient taken (or summed) that nothing waits on any more. */
        void release(Tensor g) {
            Storage s = g.storage();
            views.computeIfPresent(s, (k, n) -> n - 1);
            freeIfUnused(s);
        }

        private void freeIfUnused(Storage s) {
            if (views.getOrDefault(s, 0) <= 0) {
                views.remove(s);
                if (made.remove(s)) {
                    s.free();
                }
            }
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
