package dev.jmim.nn;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Device;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Distribution;
import dev.jmim.tensor.random.Generator;

/**
 * Initialisers as PyTorch and the MAE code define them, drawn from a Philox {@link Generator} so a
 * seed gives the same model on every device.
 */
public final class Init {
    private Init() {}

    /** U(−a, a), a = √(6 / (fan_in + fan_out)), for a weight [fan_out, fan_in, …] viewed as 2-D. */
    public static Tensor xavierUniform(Generator g, int fanOut, int fanIn, int... shape) {
        double a = Math.sqrt(6.0 / (fanIn + fanOut));
        return uniform(g, -a, a, shape);
    }

    public static Tensor uniform(Generator g, double low, double high, int... shape) {
        return Tensor.random(g, new Distribution.Uniform(low, high), DType.F32, Device.CPU, shape);
    }

    public static Tensor normal(Generator g, double std, int... shape) {
        return Tensor.random(g, new Distribution.Normal(0, std), DType.F32, Device.CPU, shape);
    }

    /** timm's trunc_normal_(std, a=−2, b=2): the bounds are absolute, not multiples of std. */
    public static Tensor truncNormal(Generator g, double std, int... shape) {
        return Tensor.truncatedNormal(g, 0, std, -2, 2, shape);
    }

    /** PyTorch's default Conv2d/Linear bias: U(−1/√fan_in, 1/√fan_in). */
    public static Tensor defaultBias(Generator g, int fanIn, int size) {
        double bound = 1 / Math.sqrt(fanIn);
        return uniform(g, -bound, bound, size);
    }
}
