package dev.jmim.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.tensor.DType;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.random.Generator;
import org.junit.jupiter.api.Test;

class AutogradTest {

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Tensor w = Autograd.requiresGrad(Tensor.of(new double[] {1, 2, 3}));
        Autograd.backward(w.mul(w).sum()); // d/dw Σw² = 2w
        Autograd.backward(w.sum()); // + 1
        assertArrayEquals(new double[] {3, 5, 7}, Autograd.grad(w).toDoubleArray());
        Autograd.zeroGrad(w);
        assertNull(Autograd.grad(w));
    }

    @Test
    void aSharedSubexpressionSumsItsGradients() {
        Tensor x = Autograd.requiresGrad(Tensor.of(new double[] {2}));
        Tensor y = x.mul(3);
        Autograd.backward(y.mul(y).add(y).sum()); // d/dx (9x² + 3x) = 18x + 3
        assertEquals(39, Autograd.grad(x).item());
    }

    @Test
    void castGradientReturnsInTheInputsDtype() {
        Tensor x = Autograd.requiresGrad(Tensor.of(new double[] {0.1, 0.2}));
        Autograd.backward(x.to(DType.F32).mul(3).sum());
        assertEquals(DType.F64, Autograd.grad(x).dtype());
        assertArrayEquals(new double[] {3, 3}, Autograd.grad(x).toDoubleArray());
    }

    @Test
    void f32LeavesGetF32Gradients() {
        Tensor w = Autograd.requiresGrad(Tensor.randn(new Generator(1), 4, 3));
        Tensor x = Tensor.randn(new Generator(2), 5, 4);
        Autograd.backward(x.matmul(w).gelu().mean());
        assertEquals(DType.F32, Autograd.grad(w).dtype());
        assertArrayEquals(new int[] {4, 3}, Autograd.grad(w).shape());
    }

    @Test
    void noGradRecordsNothingAndDetachCutsHistory() {
        Tensor w = Autograd.requiresGrad(Tensor.ones(2));
        try (var _ = Autograd.noGrad()) {
            assertFalse(Autograd.requiresGradient(w.mul(2)));
        }
        assertTrue(Autograd.requiresGradient(w.mul(2)));
        assertFalse(Autograd.requiresGradient(w.mul(2).detach()));
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Autograd.backward(w.detach().sum()));
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    }

    @Test
    void integerOutputsAreNeverTracked() {
        Tensor w = Autograd.requiresGrad(Tensor.of(new float[] {3, 1, 2}));
        assertFalse(Autograd.requiresGradient(w.argmax()));
        assertFalse(Autograd.requiresGradient(w.gt(1)));
        assertFalse(Autograd.requiresGradient(w.argsort(0, false)));
    }

    @Test
    void onlyLeavesCanBeMarkedAndOnlyFloats() {
        Tensor w = Autograd.requiresGrad(Tensor.ones(2));
        assertThrows(IllegalArgumentException.class, () -> Autograd.requiresGrad(w.mul(2)));
        assertThrows(IllegalArgumentException.class, () -> Autograd.requiresGrad(Tensor.of(new int[] {1})));
    }

    @Test
    void backwardOfANonScalarNeedsItsGradient() {
        Tensor w = Autograd.requiresGrad(Tensor.of(new double[] {1, 2}));
        Tensor y = w.mul(w);
        assertThrows(IllegalArgumentException.class, () -> Autograd.backward(y));
        Autograd.backward(y, Tensor.of(new double[] {1, 10}));
        assertArrayEquals(new double[] {2, 40}, Autograd.grad(w).toDoubleArray());
    }

    @Test
    void inPlaceCopyIntoTrackedTensorsIsRefused() {
        Tensor w = Autograd.requiresGrad(Tensor.ones(3));
        var e = assertThrows(IllegalStateException.class, () -> Tensor.zeros(3).copyFrom(w));
        assertTrue(e.getMessage().contains("noGrad"), e.getMessage());
        try (var _ = Autograd.noGrad()) {
            w.copyFrom(Tensor.zeros(3)); // an optimizer step
        }
        assertArrayEquals(new float[] {0, 0, 0}, w.toFloatArray());
    }

    @Test
    void leafGradientsOutliveTheStepScopeAndTemporariesDoNot() {
        Tensor w = Autograd.requiresGrad(Tensor.ones(8));
        long before = dev.jmim.tensor.HostStorage.stats().heldBytes();
        try (Scope _ = Scope.open()) {
            Autograd.backward(w.mul(w).exp().sum());
        }
        assertFalse(Autograd.grad(w).storage().isFreed());
        assertEquals(before + 8 * 4, dev.jmim.tensor.HostStorage.stats().heldBytes(), "only the gradient remains");
    }

    @Test
    void fusedAndPrimitiveGradientsAgree() {
        Tensor x = Tensor.randn(new Generator(3), 4, 6).to(DType.F64);
        Tensor w = Tensor.randn(new Generator(4), 6).to(DType.F64);
        Tensor b = Tensor.randn(new Generator(5), 6).to(DType.F64);
        Tensor weights = Tensor.randn(new Generator(6), 4, 6).to(DType.F64);
        double[][] viaPrimitives = gradients(true, x, w, b, weights);
        double[][] viaFused = gradients(false, x, w, b, weights);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < viaFused[i].length; j++) {
                assertEquals(viaPrimitives[i][j], viaFused[i][j], 1e-12, "input " + i + " element " + j);
            }
        }
    }

    /**
     * The fused linear's gradients equal the primitive chain's (x·Wᵀ + b), with and without x taking
     * a gradient (a first layer's input takes none, and the fused backward then skips dx's GEMM).
     */
    @Test
    void fusedLinearGradientsEqualThePrimitiveChains() {
        Tensor x = Tensor.randn(new Generator(7), 2, 5, 6).to(DType.F64);
        Tensor w = Tensor.randn(new Generator(8), 3, 6).to(DType.F64);
        Tensor b = Tensor.randn(new Generator(9), 3).to(DType.F64);
        Tensor weights = Tensor.randn(new Generator(10), 2, 5, 3).to(DType.F64);
        for (boolean xTakesGrad : new boolean[] {true, false}) {
            Tensor[] fused = linearGradients(true, xTakesGrad, x, w, b, weights);
            Tensor[] chain = linearGradients(false, xTakesGrad, x, w, b, weights);
            for (int i = 0; i < 3; i++) {
                if (chain[i] == null) {
                    assertNull(fused[i], "x takes no gradient");
                    continue;
                }
                assertArrayEquals(chain[i].shape(), fused[i].shape(), "input " + i);
                double[] expected = chain[i].toDoubleArray();
                double[] actual = fused[i].toDoubleArray();
                for (int j = 0; j < expected.length; j++) {
                    assertEquals(expected[j], actual[j], 1e-12, "input " + i + " element " + j);
                }
            }
        }
    }

    private static Tensor[] linearGradients(boolean fused, boolean xTakesGrad, Tensor... t) {
        Tensor x = xTakesGrad ? Autograd.requiresGrad(t[0].clone()) : t[0];
        Tensor w = Autograd.requiresGrad(t[1].clone());
        Tensor b = Autograd.requiresGrad(t[2].clone());
        Tensor y = fused ? FusedOps.linear(x, w, b) : x.matmul(w.mT()).add(b);
        Autograd.backward(y.mul(t[3]).sum());
        return new Tensor[] {xTakesGrad ? Autograd.grad(x) : null, Autograd.grad(w), Autograd.grad(b)};
    }

    private static double[][] gradients(boolean primitives, Tensor... t) {
        Tensor x = Autograd.requiresGrad(t[0].clone());
        Tensor w = Autograd.requiresGrad(t[1].clone());
        Tensor b = Autograd.requiresGrad(t[2].clone());
        Tensor y = primitives
                ? x.layerNorm(new int[] {6}, w, b, 1e-6).softmax(-1)
                : FusedOps.softmax(FusedOps.layerNorm(x, new int[] {6}, w, b, 1e-6), -1);
        Autograd.backward(y.mul(t[3]).sum());
        return new double[][] {
            Autograd.grad(x).toDoubleArray(),
            Autograd.grad(w).toDoubleArray(),
            Autograd.grad(b).toDoubleArray()
        };
    }
}
