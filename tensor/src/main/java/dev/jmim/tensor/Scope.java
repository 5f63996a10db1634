package dev.jmim.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A region that owns the tensors allocated inside it, on this thread, and frees them when it
 * closes: one per training step keeps memory flat without waiting for the GC.
 *
 * <pre>{@code
 * try (var step = Scope.open()) {
 *     Tensor loss = model.forward(batch);      // temporaries are freed at the end of the block
 *     lastLoss = step.keep(loss);              // ... except what is kept: it moves to the outer scope
 * }
 * }</pre>
 *
 * Scopes nest; a kept tensor belongs to the enclosing scope, or to the GC when there is none.
 * Tensors allocated outside every scope (parameters, optimizer state) are freed by {@link
 * Storage#free()} or, as a backstop, by the GC.
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<Scope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    private final Thread owner = Thread.currentThread();
    private final Set<Storage> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private Scope() {}

    public static Scope open() {
        Scope scope = new Scope();
        OPEN.get().push(scope);
        return scope;
    }

    static void track(Storage storage) {
        Scope current = OPEN.get().peek();
        if (current != null) {
            current.owned.add(storage);
        }
    }

    /** Whether this scope will free the tensor's storage when it closes (it was allocated here). */
    public boolean owns(Tensor tensor) {
        return owned.contains(tensor.storage());
    }

    /** Moves the tensor's storage (and so every view of it) out of this scope into the enclosing one. */
    public Tensor keep(Tensor tensor) {
        checkUsable("keep");
        Storage storage = tensor.storage();
        if (owned.remove(storage)) {
            Scope parent = parentOf(this);
            if (parent != null) {
                parent.owned.add(storage);
            }
        }
        return tensor;
    }

    /**
     * Runs body with no scope open on this thread, so what it allocates outlives every open scope
     * (freed by {@code free()} or the GC); autograd keeps leaf gradients this way.
     */
    public static <T> T outside(java.util.function.Supplier<T> body) {
        ArrayDeque<Scope> saved = OPEN.get();
        OPEN.set(new ArrayDeque<>());
        try {
            return body.get();
        } finally {
            OPEN.set(saved);
        }
    }

    /** Number of storages this scope will free when it closes. */
    public int ownedCount() {
        return owned.size();
    }

    @Override
    public void close() {
        checkUsable("close");
        ArrayDeque<Scope> stack = OPEN.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("Scope.close: an inner scope is still open; close scopes in reverse order"
                    + " of opening (try-with-resources does this)");
        }
        stack.pop();
        closed = true;
        List<Storage> toFree = new ArrayList<>(owned);
        owned.clear();
        for (Storage storage : toFree) {
            storage.free();
        }
    }

    private void checkUsable(String what) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("Scope." + what + ": called from thread "
                    + Thread.currentThread().getName() + " but the scope belongs to " + owner.getName());
        }
        if (closed) {
            throw new IllegalStateException("Scope." + what + ": the scope is already closed");
        }
    }

    private static Scope parentOf(Scope scope) {
        boolean seen = false;
        for (Scope s : OPEN.get()) {
            if (seen) {
                return s;
            }
            seen = s == scope;
        }
        return null;
    }
}
