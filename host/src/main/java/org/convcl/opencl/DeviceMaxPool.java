package org.convcl.opencl;

/** Max pooling's result on the device: the output (float32) and the argmax indices (int64), both (N, C, OH, OW). */
public record DeviceMaxPool(DeviceTensor output, DeviceTensor indices) implements AutoCloseable {
    @Override
    public void close() {
        output.close();
        indices.close();
    }
}
