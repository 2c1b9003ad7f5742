package org.convcl;

import org.convcl.reference.ReferenceBackend;

/**
 * The operations every ConvCL backend provides, with PyTorch's semantics (NCHW float32, cross-correlation).
 * The plain CPU implementation is {@link ReferenceBackend}; the OpenCL one lives in the host module.
 * <p>Thread safety is each implementation's: the reference and the OpenCL backend may be shared by threads (the OpenCL one runs one call at a time).
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
     * @return (N, K, OH, OW) with {@code OH = floor((H + padTop + padBottom - dilationH*(KH-1) - 1) / strideH) + 1}, OW alike
     * @throws IllegalArgumentException when the shapes do not fit the parameters
     */
    default Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        return conv2d(input, weight, bias, params, null, Activation.identity());
    }

    /**
     * conv2d followed by an activation, in one pass: {@code activation(conv2d(input, weight) + bias)}.
     *
     * @param input      (N, C, H, W)
     * @param weight     (K, C/groups, KH, KW)
     * @param bias       (K), or null for none
     * @param params     stride, padding, dilation and groups
     * @param activation applied last; null or {@link Activation#identity()} for none
     * @return (N, K, OH, OW)
     * @throws IllegalArgumentException when the shapes do not fit the parameters
     * @see #conv2d(Tensor, Tensor, Tensor, Conv2dParams, Epilogue)
     */
    default Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Activation activation) {
        return conv2d(input, weight, bias, params, null, activation);
    }

    /**
     * conv2d with a fused epilogue, {@code y = activation(conv2d(input, weight) + bias + residual)}: the epilogue
     * holds the activation and the residual, either optional.
     *
     * @param input    (N, C, H, W)
     * @param weight   (K, C/groups, KH, KW)
     * @param bias     (K), or null for none
     * @param params   stride, padding, dilation and groups
     * @param epilogue the residual (N, K, OH, OW) and the activation; null or {@link Epilogue#NONE} for neither
     * @return (N, K, OH, OW)
     * @throws IllegalArgumentException when the shapes do not fit the parameters, or the residual is not shaped like
     *                                  the output
     */
    default Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Epilogue epilogue) {
        var e = epilogue == null ? Epilogue.NONE : epilogue;
        return conv2d(input, weight, bias, params, e.residual(), e.activation());
    }

    /**
     * conv2d with a fused epilogue: {@code y = activation(conv2d(input, weight) + bias + residual)}, as PyTorch's
     * {@code act(F.conv2d(x, w, b) + r)}, for example a ResNet block's skip connection added before its ReLU.
     *
     * @param input      (N, C, H, W)
     * @param weight     (K, C/groups, KH, KW)
     * @param bias       (K), or null for none
     * @param params     stride, padding, dilation and groups
     * @param residual   (N, K, OH, OW), the output's shape, or null for none
     * @param activation applied last; null or {@link Activation#identity()} for none
     * @return (N, K, OH, OW)
     * @throws IllegalArgumentException when the shapes do not fit the parameters, or the residual is not shaped like
     *                                  the output
     * @see #conv2d(Tensor, Tensor, Tensor, Conv2dParams, Epilogue)
     */
    Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Tensor residual,
                  Activation activation);

    /**
     * The gradients of conv2d with respect to its input, weight and bias.
     *
     * @param gradOutput (N, K, OH, OW), the gradient of the loss with respect to conv2d's output
     * @param input      (N, C, H, W), the forward input
     * @param weight     (K, C/groups, KH, KW), the forward weight
     * @param params     the forward parameters
     * @return gradients shaped like input, weight and a (K) bias; the residual's null
     * @throws IllegalArgumentException when the shapes do not fit the parameters or each other
     */
    Conv2dGradients conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params);

    /**
     * The gradients of {@code y = activation(conv2d(input, weight) + bias + residual)}: the gradient through the
     * activation, computed from {@code y} ({@link Activation#gradient}), then conv2d's gradients of that.
     *
     * @param gradOutput (N, K, OH, OW), the gradient of the loss with respect to y
     * @param input      (N, C, H, W), the forward input
     * @param weight     (K, C/groups, KH, KW), the forward weight
     * @param params     the forward parameters
     * @param activation the forward pass's activation
     * @param output     (N, K, OH, OW), the forward pass's result y
     * @return gradients shaped like input, weight, a (K) bias and the (N, K, OH, OW) residual; the residual's is
     *         the gradient through the activation, whether or not the forward pass added a residual
     * @throws IllegalArgumentException when a shape does not fit or the activation is null
     */
    default Conv2dGradients conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params,
                                           Activation activation, Tensor output) {
        var sum = activationBackward(gradOutput, output, activation);
        var g = conv2dBackward(sum, input, weight, params);
        return new Conv2dGradients(g.input(), g.weight(), g.bias(), sum);
    }

    /**
     * An activation on its own, element by element.
     *
     * @param input      any shape
     * @param activation the function applied to each element
     * @return {@code activation(input)}, shaped like it
     * @throws IllegalArgumentException when an argument is null
     */
    Tensor activation(Tensor input, Activation activation);

    /**
     * The gradient of an activation with respect to its input, from its output ({@link Activation#gradient}).
     *
     * @param gradOutput the gradient of the loss with respect to {@code output}
     * @param output     the forward pass's result, shaped like gradOutput
     * @param activation the forward pass's activation
     * @return the gradient with respect to the activation's input, shaped like gradOutput
     * @throws IllegalArgumentException when the shapes differ or an argument is null
     */
    Tensor activationBackward(Tensor gradOutput, Tensor output, Activation activation);

    /**
     * 2-D transposed convolution, as {@code torch.nn.functional.conv_transpose2d}: the gradient of conv2d with
     * respect to its input, plus a bias.
     *
     * @param input  (N, Cin, H, W)
     * @param weight (Cin, Cout/groups, KH, KW), as PyTorch's {@code ConvTranspose2d} holds it
     * @param bias   (Cout), or null for none
     * @param params stride, padding, output padding, dilation and groups
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
     * @param params     the forward parameters
     * @return gradients shaped like input, weight and a (Cout) bias
     * @throws IllegalArgumentException when the shapes do not fit the parameters or each other
     */
    Conv2dGradients convTranspose2dBackward(Tensor gradOutput, Tensor input, Tensor weight,
                                            ConvTranspose2dParams params);

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
     * Max pooling without its indices, as {@code torch.nn.functional.max_pool2d}: what inference needs, and a device
     * backend skips tracking and writing the indices.
     *
     * @param input  (N, C, H, W)
     * @param params kernel, stride, padding, dilation and ceil mode
     * @return (N, C, OH, OW)
     * @throws IllegalArgumentException when the shape does not fit the parameters
     */
    default Tensor maxPool2dOutput(Tensor input, Pool2dParams params) {
        return maxPool2d(input, params).output();
    }

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
