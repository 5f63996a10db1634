package dev.jmim.tensor;

/** Where a tensor's storage lives: the host ({@code cpu}) or a numbered CUDA device ({@code cuda:0}). */
public record Device(Type type, int index) {

    /** The kinds of device jmim knows. */
    public enum Type {
        CPU,
        CUDA
    }

    public static final Device CPU = new Device(Type.CPU, 0);

    public Device {
        if (index < 0) {
            throw new IllegalArgumentException("device index must be >= 0, got " + index);
        }
        if (type == Type.CPU && index != 0) {
            throw new IllegalArgumentException("there is one cpu device; got cpu:" + index);
        }
    }

    public static Device cuda(int index) {
        return new Device(Type.CUDA, index);
    }

    /** Parses {@code cpu}, {@code cuda} or {@code cuda:N}. */
    public static Device parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("cpu")) {
            return CPU;
        }
        if (t.equals("cuda")) {
            return cuda(0);
        }
        if (t.startsWith("cuda:")) {
            try {
                return cuda(Integer.parseInt(t.substring(5)));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("unknown device '" + text + "'; use cpu, cuda or cuda:N");
    }

    @Override
    public String toString() {
        return type == Type.CPU ? "cpu" : "cuda:" + index;
    }
}
