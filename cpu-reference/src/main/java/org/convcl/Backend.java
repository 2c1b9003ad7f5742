package org.convcl;

import org.convcl.reference.ReferenceBackend;

/**
 * The operations every ConvCL backend provides, with PyTorch's semantics (NCHW float32, cross-correlation).
 * The plain CPU implementation is {@link ReferenceBackend}; the OpenCL one lives in the host module.
 */
public interface Backend extends AutoCloseable {

    /**
     * A short name for reports.
     *
     * @return for example the device name, or "reference"
     */
    String name();

    /**
     * 2-D cross-correlation, as {@code torch.nn.functional.conv2d}.
     *
     * @param input  (N, C, H, W)
     * @param weight (K, C/groups, KH, KW)
     * @param bias   (K), or null for none
     * @param params stride, padding, dilation and groups
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
     * @param params     the forward parameters
     * @return gradients shaped like input, weight and a (K) bias
     * @throws IllegalArgumentException when the shapes do not fit the parameters or each other
     */
    Conv2dGradients conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params);

    /**
     * Max pooling with argmax indices, as {@code torch.nn.functional.max_pool2d(..., return_indices=True)}.
     *
     * @param input  (N, C, H, W)
     * @param params kernel, stride, padding, dilation and ceil mode
     * @return output and indices (N, C, OH, OW); indices are {@code ih * W + iw} within each plane
     * @throws IllegalArgumentException when the shape does not fit the parameters
     */
    MaxPool2dResult maxPool2d(Tensor input, Pool2dParams params);

    /**
     * Average pooling, as {@code torch.nn.functional.avg_pool2d}.
     *
     * @param input  (N, C, H, W)
     * @param params kernel, stride, padding, ceil mode, {@code count_include_pad} and divisor override
     * @return (N, C, OH, OW)
     * @throws IllegalArgumentException when the shape does not fit the parameters
     */
    Tensor avgPool2d(Tensor input, Pool2dParams params);

    /**
     * The gradient of max pooling with respect to its input.
     *
     * @param gradOutput (N, C, OH, OW)
     * @param indices    the forward pass's indices, (N, C, OH, OW)
     * @param inputShape the forward input's shape (N, C, H, W)
     * @param params     the forward parameters
     * @return the input gradient, (N, C, H, W)
     * @throws IllegalArgumentException when the shapes do not fit, or an index is not in its output's window
     */
    Tensor maxPool2dBackward(Tensor gradOutput, long[] indices, int[] inputShape, Pool2dParams params);

    /**
     * The gradient of average pooling with respect to its input.
     *
     * @param gradOutput (N, C, OH, OW)
     * @param inputShape the forward input's shape (N, C, H, W)
     * @param params     the forward parameters
     * @return the input gradient, (N, C, H, W)
     * @throws IllegalArgumentException when the shapes do not fit the parameters
     */
    Tensor avgPool2dBackward(Tensor gradOutput, int[] inputShape, Pool2dParams params);

    @Override
    default void close() {
    }
}
