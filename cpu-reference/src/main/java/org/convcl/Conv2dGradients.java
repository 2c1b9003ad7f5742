package org.convcl;

/**
 * The gradients of conv2d with respect to its input (N, C, H, W), weight (K, C/groups, KH, KW) and bias (K), and,
 * from the backward pass of a conv2d with an activation, with respect to the residual (N, K, OH, OW): the gradient
 * through the activation, which is also the gradient of the sum {@code conv + bias + residual} it was applied to.
 *
 * <p>Immutable, so thread-safe as far as its parts are: the tensors it holds are referred to, not copied.
 *
 * @param input    the input's gradient, shaped like the forward input
 * @param weight   the weight's gradient, shaped like the forward weight
 * @param bias     the bias's gradient, one value per output channel, whether or not the forward pass had a bias
 * @param residual (N, K, OH, OW); null from the plain backward pass, where it would equal the output gradient
 */
public record Conv2dGradients(Tensor input, Tensor weight, Tensor bias, Tensor residual) {

    /**
     * The gradients of a conv2d without activation; the residual's is null.
     *
     * @param input  the input's gradient, shaped like the forward input
     * @param weight the weight's gradient, shaped like the forward weight
     * @param bias   the bias's gradient, one value per output channel
     */
    public Conv2dGradients(Tensor input, Tensor weight, Tensor bias) {
        this(input, weight, bias, null);
    }
}
