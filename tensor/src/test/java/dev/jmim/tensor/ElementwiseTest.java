package dev.jmim.tensor;

import static dev.jmim.tensor.TensorAssert.assertShape;
import static dev.jmim.tensor.TensorAssert.assertValues;
import static dev.jmim.tensor.TensorAssert.strided;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ElementwiseTest {
    private static final double[] INPUTS = {0.25, 0.5, 1.0, 1.5, 2.0, 3.0};

    static Stream<Arguments> unaryOps() {
        return Stream.of(
                unary("neg", Tensor::neg, x -> -x),
                unary("exp", Tensor::exp, Math::exp),
                unary("log", Tensor::log, Math::log),
                unary("sqrt", Tensor::sqrt, Math::sqrt),
                unary("rsqrt", Tensor::rsqrt, x -> 1 / Math.sqrt(x)),
                unary("reciprocal", Tensor::reciprocal, x -> 1 / x),
                unary("tanh", Tensor::tanh, Math::tanh),
                unary("sigmoid", Tensor::sigmoid, x -> 1 / (1 + Math.exp(-x))),
                unary("abs", Tensor::abs, Math::abs),
                unary("sin", Tensor::sin, Math::sin),
                unary("cos", Tensor::cos, Math::cos));
    }

    private static Arguments unary(String name, UnaryOperator<Tensor> op, DoubleUnaryOperator reference) {
        return Arguments.of(name, op, reference);
    }

    @ParameterizedTest(name = "{0} on a transposed F64 view matches java.lang.Math")
    @MethodSource("unaryOps")
    void unaryOnNonContiguousF64(String name, UnaryOperator<Tensor> op, DoubleUnaryOperator reference) {
        Tensor x = strided(INPUTS, 2, 3);
        double[] expected = new double[INPUTS.length];
        for (int i = 0; i < INPUTS.length; i++) {
            expected[i] = reference.applyAsDouble(INPUTS[i]);
        }
        assertValues(expected, op.apply(x), 1e-15);
    }

    @ParameterizedTest(name = "{0} in F32 on the reference backend is the double result rounded to float")
    @MethodSource("unaryOps")
    void unaryInF32RoundsOnceOnTheReferenceBackend(
            String name, UnaryOperator<Tensor> op, DoubleUnaryOperator reference) {
        float[] in = {0.1f, 0.7f, 1.3f, 2.9f};
        Backend before = Backends.cpu();
        float[] got;
        try {
            Backends.useCpu("naive");
            got = op.apply(Tensor.of(in)).toFloatArray();
        } finally {
            Backends.useCpu(before.name());
        }
        for (int i = 0; i < in.length; i++) {
            assertEquals((float) reference.applyAsDouble(in[i]), got[i], 0f, name + "(" + in[i] + ")");
        }
    }

    @Test
    void erfMatchesTabulatedValues() {
        // erf at 0, ±0.5, 1, -2, 3 to 16 digits (Abramowitz & Stegun table 7.1 and standard references).
        Tensor x = Tensor.of(new double[] {0, 0.5, -0.5, 1, -2, 3});
        assertValues(
                new double[] {
                    0,
                    0.5204998778130465,
                    -0.5204998778130465,
                    0.8427007929497149,
                    -0.9953222650189527,
                    0.9999779095030014
                },
                x.erf(),
                1e-15);
    }

    @Test
    void integerInputsBecomeF32ForFloatFunctionsAndStayIntegerForNegAbs() {
        Tensor i = Tensor.of(new int[] {-4, 9});
        assertEquals(DType.F32, i.sqrt().dtype());
        assertEquals(DType.I32, i.neg().dtype());
        assertArrayEquals(new int[] {4, 9}, i.abs().toIntArray());
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new boolean[] {true})
                .neg());
        assertTrue(e.getMessage().contains("BOOL"), e.getMessage());
    }

    @Test
    void binaryBroadcastsRowAgainstColumn() {
        Tensor col = Tensor.of(new double[] {1, 2, 3}, 3, 1);
        Tensor row = Tensor.of(new double[] {10, 20}, 2);
        assertValues(new double[] {11, 21, 12, 22, 13, 23}, col.add(row), 0);
        assertValues(new double[] {-9, -19, -8, -18, -7, -17}, col.sub(row), 0);
        assertValues(new double[] {10, 20, 20, 40, 30, 60}, col.mul(row), 0);
        assertValues(new double[] {0.1, 0.05, 0.2, 0.1, 0.3, 0.15}, col.div(row), 1e-16);
        assertValues(new double[] {1, 1, 1024, 1048576, 59049, 3486784401.0}, col.pow(row), 0);
        assertValues(new double[] {10, 20, 10, 20, 10, 20}, col.maximum(row), 0);
        assertValues(new double[] {1, 1, 2, 2, 3, 3}, col.minimum(row), 0);
    }

    @Test
    void binaryOnTransposedAndExpandedOperands() {
        Tensor a = strided(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new double[] {1, 0, -1}).expand(2, 3);
        assertValues(new double[] {1, 0, -3, 4, 0, -6}, a.mul(b), 0);
    }

    @Test
    void comparisonsGiveBool() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, Float.NaN});
        Tensor b = Tensor.of(new float[] {2, 2, 2, Float.NaN});
        assertEquals(DType.BOOL, a.lt(b).dtype());
        assertArrayEquals(new boolean[] {true, false, false, false}, a.lt(b).toBooleanArray());
        assertArrayEquals(new boolean[] {true, true, false, false}, a.le(b).toBooleanArray());
        assertArrayEquals(new boolean[] {false, false, true, false}, a.gt(b).toBooleanArray());
        assertArrayEquals(new boolean[] {false, true, true, false}, a.ge(b).toBooleanArray());
        assertArrayEquals(new boolean[] {false, true, false, false}, a.eq(b).toBooleanArray());
        assertArrayEquals(new boolean[] {true, false, true, true}, a.ne(b).toBooleanArray(), "NaN != NaN");
    }

    @Test
    void maximumAndMinimumPropagateNaN() {
        Tensor a = Tensor.of(new float[] {Float.NaN, 1});
        Tensor b = Tensor.of(new float[] {0, Float.NaN});
        assertTrue(Float.isNaN(a.maximum(b).toFloatArray()[0])
                && Float.isNaN(a.maximum(b).toFloatArray()[1]));
        assertTrue(Float.isNaN(a.minimum(b).toFloatArray()[0])
                && Float.isNaN(a.minimum(b).toFloatArray()[1]));
    }

    @Test
    void promotionOfMixedOperandsAndScalars() {
        Tensor i32 = Tensor.of(new int[] {1, 2, 3});
        Tensor i64 = Tensor.of(new long[] {1, 1, 1});
        Tensor bf = Tensor.of(new float[] {0.5f, 0.5f, 0.5f}).to(DType.BF16);
        assertEquals(DType.I64, i32.add(i64).dtype());
        assertEquals(DType.BF16, i32.add(bf).dtype());
        assertEquals(DType.F32, i32.div(i64).dtype(), "true division");
        assertValues(new double[] {1, 2, 3}, i32.div(i64), 0);
        assertEquals(DType.I32, i32.mul(2).dtype(), "an integral scalar keeps the integer dtype");
        assertEquals(DType.F32, i32.mul(0.5).dtype(), "a fractional scalar makes it float");
        assertEquals(DType.BF16, bf.mul(3.0).dtype(), "a scalar does not widen a float tensor");
        assertArrayEquals(new long[] {2, 3, 4}, i64.add(i32).toLongArray());
    }

    @Test
    void integerArithmeticIsExactInLong() {
        Tensor big = Tensor.of(new long[] {(1L << 53) + 1});
        assertEquals((1L << 53) + 2, big.add(Tensor.of(new long[] {1})).toLongArray()[0]);
    }

    @Test
    void incompatibleShapesNameBoth() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("[2,3]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void whereBroadcastsAllThree() {
        Tensor cond = Tensor.of(new boolean[] {true, false}, 2, 1);
        Tensor a = Tensor.of(new double[] {1, 2, 3});
        Tensor b = Tensor.scalar(-1, DType.F64);
        Tensor w = Tensor.where(cond, a, b);
        assertShape(new int[] {2, 3}, w);
        assertValues(new double[] {1, 2, 3, -1, -1, -1}, w, 0);
    }

    @Test
    void emptyAndSizeOneDims() {
        assertShape(new int[] {0, 3}, Tensor.zeros(0, 3).add(Tensor.ones(3)));
        assertShape(new int[] {0, 3}, Tensor.zeros(0, 1).exp().expand(0, 3).mul(2));
        assertValues(new double[] {2, 3}, Tensor.ones(1, 1).add(Tensor.of(new float[] {1, 2}, 2, 1)), 0);
        assertShape(new int[] {}, Tensor.scalar(2).mul(Tensor.scalar(3)));
        assertEquals(6, Tensor.scalar(2).mul(Tensor.scalar(3)).item());
    }

    @Test
    void castTruncatesTowardZeroAndBoolIsNonZero() {
        Tensor f = Tensor.of(new float[] {-1.7f, -0.2f, 0f, 0.9f, 2.5f});
        assertArrayEquals(new int[] {-1, 0, 0, 0, 2}, f.to(DType.I32).toIntArray());
        assertArrayEquals(
                new boolean[] {true, true, false, true, true}, f.to(DType.BOOL).toBooleanArray());
        assertArrayEquals(
                new int[] {255, 0}, Tensor.of(new int[] {255, 256}).to(DType.U8).toIntArray());
    }
}
