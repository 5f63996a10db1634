package dev.jmim.tensor.random;

/** The distributions a random fill can draw from; {@link Philox} documents how each is computed. */
public sealed interface Distribution {

    /** Uniform on [low, high). */
    record Uniform(double low, double high) implements Distribution {
        public Uniform {
            if (!(low <= high)) {
                throw new IllegalArgumentException("uniform: low " + low + " must be <= high " + high);
            }
        }
    }

    /** Gaussian with this mean and standard deviation. */
    record Normal(double mean, double std) implements Distribution {
        public Normal {
            if (!(std >= 0)) {
                throw new IllegalArgumentException("normal: std must be >= 0, got " + std);
            }
        }
    }

    /**
     * Gaussian(mean, std) restricted to [a, b]; like PyTorch's {@code trunc_normal_}, a and b are
     * absolute values, not multiples of std.
     */
    record TruncatedNormal(double mean, double std, double a, double b) implements Distribution {
        public TruncatedNormal {
            if (!(std > 0)) {
                throw new IllegalArgumentException("truncated normal: std must be > 0, got " + std);
            }
            if (!(a < b)) {
                throw new IllegalArgumentException("truncated normal: need a < b, got a=" + a + " b=" + b);
            }
        }
    }
}
