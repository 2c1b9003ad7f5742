package org.convcl.opencl;

/**
 * conv2d's gradients on the device: shaped like the input (N, C, H, W), the weight and a (K) bias, and from the
 * backward pass with an activation the residual's (N, K, OH, OW), the gradient through the activation.
 *
 * @param residual null from the plain backward pass
 */
public record DeviceConv2dGradients(DeviceTensor input, DeviceTensor weight, DeviceTensor bias, DeviceTensor residual)
        implements AutoCloseable {

    /** The gradients of a conv2d without activation. */
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
