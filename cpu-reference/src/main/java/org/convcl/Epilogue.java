package org.convcl;

/**
 * What conv2d does to its sums after the bias, fused into the same pass: add a residual shaped like the output, then
 * apply an activation, {@code y = activation(conv2d(input, weight) + bias + residual)}, as PyTorch's
 * {@code act(F.conv2d(x, w, b) + r)} (a ResNet block's skip connection added before its ReLU). Both parts are
 * optional: a null activation is the identity, a null residual adds nothing.
 *
 * <pre>{@code
 * Tensor y = backend.conv2d(x, w, b, params, Epilogue.of(Activation.relu()).withResidual(skip));
 * }</pre>
 *
 * <p>Immutable, so thread-safe; the residual tensor is referred to, not copied.
 *
 * @param activation applied last; never null once made ({@link Activation#identity()} where null was given)
 * @param residual   (N, K, OH, OW), the output's shape, or null for none
 * @see Backend#conv2d(Tensor, Tensor, Tensor, Conv2dParams, Epilogue)
 */
public record Epilogue(Activation activation, Tensor residual) {
    /** Neither residual nor activation: conv2d and its bias alone. */
    public static final Epilogue NONE = new Epilogue(null, null);

    /**
     * An epilogue of the given parts.
     *
     * @param activation applied last, or null for none
     * @param residual   (N, K, OH, OW), or null for none
     */
    public Epilogue {
        activation = Activation.orIdentity(activation);
    }

    /**
     * An activation alone.
     *
     * @param activation applied last, or null for none
     * @return an epilogue without residual
     */
    public static Epilogue of(Activation activation) {
        return new Epilogue(activation, null);
    }

    /**
     * This epilogue with a residual added before the activation.
     *
     * @param residual (N, K, OH, OW), or null for none
     * @return a new epilogue with this one's activation
     */
    public Epilogue withResidual(Tensor residual) {
        return new Epilogue(activation, residual);
    }
}
