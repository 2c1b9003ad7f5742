package org.convcl.opencl;

import java.util.Arrays;
import org.convcl.Tensor;
import org.convcl.opencl.runtime.DeviceBuffer;

/**
 * Host data with a leading batch axis, float32 values or max pooling's int64 indices, copied to or from the device a
 * run of images at a time.
 */
record HostImages(Tensor values, long[] indices, int[] shape) {

    static HostImages of(Tensor values) {
        return new HostImages(values, null, values.shape());
    }

    static HostImages ofIndices(long[] indices, int[] shape) {
        return new HostImages(null, indices, shape);
    }

    boolean isIndices() {
        return indices != null;
    }

    /** Elements of one image (everything after the batch axis). */
    long perImage() {
        return Tensor.elementCount(Arrays.copyOfRange(shape, 1, shape.length));
    }

    long bytesPerImage() {
        return perImage() * (isIndices() ? Long.BYTES : Float.BYTES);
    }

    /** The shape of {@code images} images. */
    int[] sliceShape(int images) {
        int[] s = shape.clone();
        s[0] = images;
        return s;
    }

    /** Copies images {@code [n0, n0 + images)} to the start of {@code device}. */
    void write(DeviceBuffer device, int n0, int images) {
        int from = (int) (n0 * perImage());
        int length = (int) (images * perImage());
        if (isIndices()) {
            device.write(indices, from, length);
        } else {
            device.write(values.data(), from, length);
        }
    }

    /** Copies {@code images} images from the start of {@code device} into images from {@code n0} on. */
    void read(DeviceBuffer device, int n0, int images) {
        int from = (int) (n0 * perImage());
        int length = (int) (images * perImage());
        if (isIndices()) {
            device.read(indices, from, length);
        } else {
            device.read(values.data(), from, length);
        }
    }
}
