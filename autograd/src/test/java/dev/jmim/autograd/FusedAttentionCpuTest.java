package dev.jmim.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jmim.tensor.Backends;
import dev.jmim.tensor.DType;
import dev.jmim.tensor.FusedAttention;
import dev.jmim.tensor.Tensor;
import dev.jmim.tensor.fast.FastBackend;
import dev.jmim.tensor.random.Generator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fast CPU backend's attention kernel against the composite (batched matmuls around a softmax,
 * differentiated by autograd) in F64: the output and the gradients of q, k and v, within 2e-5 of the
 * largest magnitude (float rounding over sums of up to N·Dh terms), for one row, rows that are not
 * whole vectors, and q, k, v as the strided views a ViT makes of its qkv projection. The kernel
 * gives the same bits on 1 and 2 threads, and FusedOps.attention uses it on the CPU; given q, k and v
 * packed as one [B, N, 3, H, Dh] tensor it gives the same bits, output and gradient, as given the views.
 */
class FusedAttentionCpuTest {

    @ParameterizedTest(name = "B={0} H={1} N={2} Dh={3} views={4}")
    @CsvSource({
        "2, 3, 1, 32, false",
        "2, 3, 17, 64, true",
        "1, 2, 65, 32, true",
        "3, 2, 5, 64, false",
        "1, 1, 130, 32, true"
    })
    void theKernelGivesTheCompositesOutputAndGradients(int b, int h, int n, int d, boolean views) {
        Generator g = new Generator(b * 1000L + n);
        Tensor values = views ? Tensor.randn(g, b, n, 3, h, d) : Tensor.randn(g, 3, b, h, n, d);
        values = values.mul(Tensor.scalar(2.0)); // scores of a few units: peaked softmax rows
        Tensor gradOut = Tensor.randn(g, b, h, n, d);
        double scale = Math.pow(d, -0.5);

        Tensor leaf = Autograd.requiresGrad(values.to(DType.F64));
        Tensor[] qkv = heads(leaf, views);
        Tensor expected =
                FusedOps.softmax(qkv[0].mul(scale).matmul(qkv[1].mT()), -1).matmul(qkv[2]);
        Autograd.backward(expected, gradOut.to(DType.F64));
        Tensor[] expectedGrads = heads(Autograd.grad(leaf), views);

        Tensor[] views32 = heads(values, views);
        Tensor[][] outs = new Tensor[2][];
        for (int threads = 1; threads <= 2; threads++) {
            FusedAttention kernel = new FastBackend(threads).fusedAttention().orElseThrow();
            FusedAttention.Forward forward = kernel.forward(views32[0], views32[1], views32[2], scale);
            Tensor[] grads = forward.backward(gradOut);
            outs[threads - 1] = new Tensor[] {forward.out(), grads[0], grads[1], grads[2]};
        }
        String[] names = {"out", "dq", "dk", "dv"};
        Tensor[] reference = {expected.detach(), expectedGrads[0], expectedGrads[1], expectedGrads[2]};
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(
                    outs[0][i].toFloatArray(), outs[1][i].toFloatArray(), names[i] + ": 1 and 2 threads differ");
            compare(reference[i], outs[0][i], names[i]);
        }

        // the output is stored as [B, N, H, Dh], so merging the heads is a view, and a gradient in that
        // layout (what the merge's backward hands back) is read in place, with the same bits
        FusedAttention.Forward forward =
                new FastBackend(2).fusedAttention().orElseThrow().forward(views32[0], views32[1], views32[2], scale);
        assertTrue(forward.out().transpose(1, 2).isContiguous(), "the heads' merge must be a view");
        Tensor[] fromRows =
                forward.backward(gradOut.transpose(1, 2).contiguous().transpose(1, 2));
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(outs[1][i + 1].toFloatArray(), fromRows[i].toFloatArray(), names[i + 1] + " from rows");
        }

        // and through FusedOps, as a model calls it: one graph node, same gradients
        assertTrue(Backends.cpu().fusedAttention().isPresent(), "the CPU backend offers its attention kernel");
        Tensor leaf32 = Autograd.requiresGrad(values.clone());
        Tensor[] heads32 = heads(leaf32, views);
        Tensor out = FusedOps.attention(heads32[0], heads32[1], heads32[2], scale);
        Autograd.backward(out, gradOut);
        compare(reference[0], out.detach(), "out through FusedOps");
        Tensor[] grads = heads(Autograd.grad(leaf32), views);
        for (int i = 0; i < 3; i++) {
            compare(reference[i + 1], grads[i], names[i + 1] + " through FusedOps");
        }
        if (views) { // packed [B, N, 3, H, Dh]: the same kernel, its gradient assembled in place
            Tensor packed = Autograd.requiresGrad(values.clone());
            Tensor packedOut = FusedOps.attention(packed, scale);
            Autograd.backward(packedOut, gradOut);
            assertArrayEquals(out.toFloatArray(), packedOut.toFloatArray(), "packed attention's output");
            assertArrayEquals(
                    Autograd.grad(leaf32).toFloatArray(),
                    Autograd.grad(packed).toFloatArray(),
                    "packed attention's gradient");
            Tensor packed64 = Autograd.requiresGrad(values.to(DType.F64)); // no F64 kernel: the composite
            Tensor packedOut64 = FusedOps.attention(packed64, scale);
            Autograd.backward(packedOut64, gradOut.to(DType.F64));
            compare(reference[0], packedOut64.detach(), "packed F64 out");
            compare(Autograd.grad(leaf), Autograd.grad(packed64), "packed F64 gradient");
        }
    }

    @Test
    void gradientViewsOfTheWrongShapeAreRefused() {
        Tensor q = Tensor.randn(new Generator(5), 1, 2, 3, 8);
        FusedAttention.Forward forward =
                new FastBackend(1).fusedAttention().orElseThrow().forward(q, q, q, 0.5);
        Tensor wrong = Tensor.zeros(1, 2, 8, 3);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> forward.backwardInto(q, q.clone(), q.clone(), wrong));
        assertTrue(e.getMessage().contains("[1, 2, 3, 8] with unit stride along Dh"), e.getMessage());
    }

    /** q, k, v [B, H, N, Dh] of a [3, B, H, N, Dh] tensor, or strided views of a [B, N, 3, H, Dh] one. */
    private static Tensor[] heads(Tensor t, boolean views) {
        Tensor stacked = views ? t.permute(2, 0, 3, 1, 4) : t;
        return new Tensor[] {stacked.select(0, 0), stacked.select(0, 1), stacked.select(0, 2)};
    }

    /** Within 2e-5 of the largest magnitude of the expected tensor, element by element. */
    private static void compare(Tensor expected, Tensor actual, String what) {
        double[] e = expected.toDoubleArray();
        double[] a = actual.to(DType.F64).toDoubleArray();
        double scale = 1e-12;
        for (double v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - e[i]));
        }
        assertTrue(worst <= 2e-5 * scale, what + ": off by " + worst + " (largest " + scale + ")");
    }
}
