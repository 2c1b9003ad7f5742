package org.convcl.opencl;

/**
 * conv2d's gradients on the device: shaped like the input (N, C, H, W), the weight and a (K) bias, and from the
 * backward pass with an activation the residual's (N, K, OH, OW), the gradient through the activation.
 *
 * <p>Thread-safe: an immutable record of device tensors, each of which any thread may close.
 *
 * @param input    the input's gradient, shaped like the forward input
 * @param weight   the weight's gradient, shaped like the forward weight
 * @param bias     the bias's gradient, one value per output channel
 * @param residual null from the plain backward pass
 */
public record DeviceConv2dGradients(DeviceTensor input, DeviceTensor weight, DeviceTensor bias, DeviceTensor residual)
        implements AutoCloseable {

    /**
     * The gradients of a conv2d without activation; the residual's is null.
     *
     * @param input  the input's gradient, shaped like the forward input
     * @param weight the weight's gradient, shaped like the forward weight
     * @param bias   the bias's gradient, one value per output channel
     */
    public DeviceConv2dGradients(DeviceTensor input, DeviceTensor weight, DeviceTensor bias) {
        this(input, weight, bias, null);
    }

    @Override
    public void close() {
        input.close();
        weight.close();
        bias.close();
        if (residual != null) {
            residual.close();
        }
    }
}
