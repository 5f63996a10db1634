package dev.jmim.tensor;

/**
 * A device kernel for attention, softmax(q·scale·kᵀ)·v over [B, H, N, Dh], which a backend may offer
 * through {@link Backend#fusedAttention()}: flash-style, the N × N scores never stored. The composite
 * of primitives (batched matmuls around a softmax) is the definition it is tested against.
 */
public interface FusedAttention {

    /** Whether the kernel takes q, k and v of this head size and dtype. */
    boolean supports(int headDim, DType dtype);

    /**
     * The attention of q, k and v [B, H, N, Dh] (one dtype, on this backend's device, any strides with
     * unit stride along Dh), as [B, H, N, Dh] with unit stride along Dh: contiguous, or a transposed
     * view of a contiguous [B, N, H, Dh], the layout the heads' merge into [B, N, H·Dh] reads as a view.
     */
    Forward forward(Tensor q, Tensor k, Tensor v, double scale);

    /** One forward: its output and what its backward needs. */
    interface Forward {
        Tensor out();

        /**
         * The gradients of q, k and v (contiguous), given the output's (any strides with unit stride
         * along Dh, or a kernel may copy it).
         */
        Tensor[] backward(Tensor gradOut);

        /**
         * The gradients of q, k and v written into dq, dk and dv, views of q's shape with unit stride
         * along Dh (a packed qkv gradient, say). By default {@link #backward} and a copy into each;
         * a kernel that can write strided rows overrides it.
         */
        default void backwardInto(Tensor gradOut, Tensor dq, Tensor dk, Tensor dv) {
            Tensor[] grads = backward(gradOut);
            dq.copyFrom(grads[0]);
            dk.copyFrom(grads[1]);
            dv.copyFrom(grads[2]);
        }
    }
}
