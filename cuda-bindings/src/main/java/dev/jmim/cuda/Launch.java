package dev.jmim.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of one kernel launch, each in its own slot of exactly the kernel parameter's size
 * (drivers check), and the {@code void*[]} that points at them. Lives in a confined arena for the
 * launch only.
 */
final class Launch implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private final List<MemorySegment> slots = new ArrayList<>();

    Launch pointer(long devicePointer) {
        return i64(devicePointer);
    }

    Launch i32(int value) {
        slots.add(arena.allocateFrom(ValueLayout.JAVA_INT, value));
        return this;
    }

    Launch i64(long value) {
        slots.add(arena.allocateFrom(ValueLayout.JAVA_LONG, value));
        return this;
    }

    Launch f32(float value) {
        slots.add(arena.allocateFrom(ValueLayout.JAVA_FLOAT, value));
        return this;
    }

    Launch f64(double value) {
        slots.add(arena.allocateFrom(ValueLayout.JAVA_DOUBLE, value));
        return this;
    }

    /** A struct of 64-bit fields in order (a pointer counts as one), passed by value. */
    Launch struct(long... fields) {
        MemorySegment slot = arena.allocate(ValueLayout.JAVA_LONG, fields.length);
        for (int i = 0; i < fields.length; i++) {
            slot.setAtIndex(ValueLayout.JAVA_LONG, i, fields[i]);
        }
        slots.add(slot);
        return this;
    }

    Launch view(CudaView view) {
        slots.add(view.write(arena));
        return this;
    }

    MemorySegment parameters() {
        MemorySegment pointers = arena.allocate(ValueLayout.ADDRESS, slots.size());
        for (int i = 0; i < slots.size(); i++) {
            pointers.setAtIndex(ValueLayout.ADDRESS, i, slots.get(i));
        }
        return pointers;
    }

    @Override
    public void close() {
        arena.close();
    }
}
