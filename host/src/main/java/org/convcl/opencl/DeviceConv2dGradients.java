package org.convcl.opencl;

/** conv2d's gradients on the device: shaped like the input (N, C, H, W), the weight and a (K) bias. */
public record DeviceConv2dGradients(DeviceTensor input, DeviceTensor weight, DeviceTensor bias) implements AutoCloseable {
    @Override
    public void close() {
        input.close();
        weight.close();
        bias.close();
    }
}
