package org.convcl;

import org.convcl.reference.ReferenceBackend;

/**
 * The operations every ConvCL backend provides, with PyTorch's semantics (NCHW float32, cross-correlation).
 * The plain CPU implementation is {@link ReferenceBackend}; the OpenCL one lives in the host module.
 */
public interface Backend extends AutoCloseable {

    /** A short name for reports, for example the device name. */
    String name();

    /**
     * 2-D cross-correlation, as {@code torch.nn.functional.conv2d}.
     *
     * @param input  (N, C, H, W)
     * @param weight (K, C/groups, KH, KW)
     * @param bias   (K), or null for none
     * @return (N, K, OH, OW) with {@code OH = floor((H + 2*padH - dilationH*(KH-1) - 1) / strideH) + 1}, OW alike
     * @throws IllegalArgumentException when the shapes do not fit the parameters
     */
    Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params);

    /**
     * The gradients of conv2d with respect to its input, weight and bias.
     *
     * @param gradOutput (N, K, OH, OW), the gradient of the loss with respect to conv2d's output
     * @param input      (N, C, H, W), the forward input
     * @param weight     (K, C/groups, KH, KW), the forward weight
     * @return gradients shaped like input, weight and a (K) bias
     */
    Conv2dGradients conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params);

    /**
     * 2-D transposed convolution, as {@code torch.nn.functional.conv_transpose2d}: the gradient of conv2d with
     * respect to its input, plus a bias.
     *
     * @param input  (N, Cin, H, W)
     * @param weight (Cin, Cout/groups, KH, KW), as PyTorch's {@code ConvTranspose2d} holds it
     * @param bias   (Cout), or null for none
     * @return (N, Cout, OH, OW) with {@code OH = (H-1)*strideH - 2*padH + dilationH*(KH-1) + outputPadH + 1}, OW alike
     * @throws IllegalArgumentException when the shapes do not fit the parameters, an output padding is not smaller
     *                                  than its stride or dilation, or the output size is below 1
     */
    Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, ConvTranspose2dParams params);

    /**
     * The gradients of convTranspose2d with respect to its input, weight and bias.
     *
     * @param gradOutput (N, Cout, OH, OW), the gradient of the loss with respect to convTranspose2d's output
     * @param input      (N, Cin, H, W), the forward input
     * @param weight     (Cin, Cout/groups, KH, KW), the forward weight
     * @return gradients shaped like input, weight and a (Cout) bias
     */
    Conv2dGradients convTranspose2dBackward(Tensor gradOutput, Tensor input, Tensor weight,
                                            ConvTranspose2dParams params);

    /**
     * Max pooling with argmax indices, as {@code torch.nn.functional.max_pool2d(..., return_indices=True)}.
     *
     * @param input (N, C, H, W)
     * @return output and indices (N, C, OH, OW); indices are {@code ih * W + iw} within each plane
     */
    MaxPool2dResult maxPool2d(Tensor input, Pool2dParams params);

    /** Average pooling, as {@code torch.nn.functional.avg_pool2d}: (N, C, H, W) to (N, C, OH, OW). */
    Tensor avgPool2d(Tensor input, Pool2dParams params);

    /**
     * The gradient of max pooling with respect to its input.
     *
     * @param gradOutput (N, C, OH, OW)
     * @param indices    the forward pass's indices, (N, C, OH, OW)
     * @param inputShape the forward input's shape (N, C, H, W)
     */
    Tensor maxPool2dBackward(Tensor gradOutput, long[] indices, int[] inputShape, Pool2dParams params);

    /** The gradient of average pooling with respect to its input of shape {@code inputShape}. */
    Tensor avgPool2dBackward(Tensor gradOutput, int[] inputShape, Pool2dParams params);

    @Override
    default void close() {
    }
}
