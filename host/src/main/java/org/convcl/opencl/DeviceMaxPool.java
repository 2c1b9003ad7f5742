package org.convcl.opencl;

/**
 * Max pooling's result on the device: the output (float32) and the argmax indices (int64), both (N, C, OH, OW).
 * <p>Thread-safe: an immutable record of device tensors, each of which any thread may close.
 */
public record DeviceMaxPool(DeviceTensor output, DeviceTensor indices) implements AutoCloseable {
    @Override
    public void close() {
        output.close();
        indices.close();
    }
}
