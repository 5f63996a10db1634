package dev.jmim.tensor;

/** Prints a tensor as nested brackets, eliding the middle of long dims as PyTorch does. */
final class TensorFormat {
    private static final int EDGE_ITEMS = 3;
    private static final int SUMMARIZE_ABOVE = 1000;

    private TensorFormat() {}

    static String format(Tensor t) {
        if (t.storage().isFreed()) {
            return "tensor(<freed>, shape=" + Shapes.format(t.shapeView()) + ", dtype=" + t.dtype() + ")";
        }
        double[] values = t.toDoubleArray();
        boolean summarize = values.length > SUMMARIZE_ABOVE;
        StringBuilder out = new StringBuilder("tensor(");
        appendDim(out, t, values, 0, 0, summarize, 7);
        out.append(", shape=")
                .append(Shapes.format(t.shapeView()))
                .append(", dtype=")
                .append(t.dtype());
        if (!t.device().equals(Device.CPU)) {
            out.append(", device=").append(t.device());
        }
        return out.append(')').toString();
    }

    private static void appendDim(
            StringBuilder out, Tensor t, double[] values, int dim, long base, boolean summarize, int indent) {
        if (dim == t.dim()) {
            out.append(formatValue(values[(int) base], t.dtype()));
            return;
        }
        int size = t.size(dim);
        long stride = 1;
        for (int d = dim + 1; d < t.dim(); d++) {
            stride *= t.size(d);
        }
        out.append('[');
        for (int i = 0; i < size; i++) {
            if (summarize && size > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
                out.append(dim == t.dim() - 1 ? "..., " : "...,\n" + " ".repeat(indent + dim + 1));
                i = size - EDGE_ITEMS;
            }
            appendDim(out, t, values, dim + 1, base + i * stride, summarize, indent);
            if (i < size - 1) {
                out.append(dim == t.dim() - 1 ? ", " : ",\n" + " ".repeat(indent + dim + 1));
            }
        }
        out.append(']');
    }

    private static String formatValue(double v, DType dtype) {
        return switch (dtype.kind()) {
            case BOOL -> v != 0 ? "true" : "false";
            case INTEGER -> Long.toString((long) v);
            case FLOAT -> String.format(java.util.Locale.ROOT, "%.4f", v);
        };
    }
}
