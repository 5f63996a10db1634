package dev.jmim.nn.layers;

import dev.jmim.tensor.Tensor;

/** Fixed 2-D sin-cos positional embeddings, computed exactly as the official MAE code does. */
public final class PosEmbed {
    private PosEmbed() {}

    /**
     * [1, G² (+1), D]: for the token at row y, column x of a G×G grid, the first D/2 dims encode the
     * column and the last D/2 the row, each as D/4 sines then D/4 cosines of pos·ω_i with
     * ω_i = 10000^(−i/(D/4)); computed in double, then rounded to float. With a cls token, row 0 is
     * zeros.
     */
    public static Tensor sinCos2d(int dim, int grid, boolean clsToken) {
        if (dim % 4 != 0) {
            throw new IllegalArgumentException("sin-cos pos embed: dim " + dim + " must be divisible by 4");
        }
        int quarter = dim / 4;
        int lead = clsToken ? 1 : 0;
        double[] table = new double[(grid * grid + lead) * dim];
        for (int token = 0; token < grid * grid; token++) {
            int row = token / grid;
            int col = token % grid;
            int base = (token + lead) * dim;
            for (int i = 0; i < quarter; i++) {
                double omega = 1.0 / Math.pow(10000, i / (double) quarter);
                table[base + i] = Math.sin(col * omega);
                table[base + quarter + i] = Math.cos(col * omega);
                table[base + 2 * quarter + i] = Math.sin(row * omega);
                table[base + 3 * quarter + i] = Math.cos(row * omega);
            }
        }
        return Tensor.of(table, 1, grid * grid + lead, dim).to(dev.jmim.tensor.DType.F32);
    }
}
