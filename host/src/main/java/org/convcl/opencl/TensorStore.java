package org.convcl.opencl;

import static org.convcl.opencl.Arguments.requireNonNull;
import static org.convcl.opencl.Arguments.requireShape;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Function;
import org.convcl.Tensor;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.device.DeviceInfo;

/**
 * The device tensors of one backend: allocation within the memory budget, tensors filled by a kernel, copies to and
 * from the host, and release under the backend's lock. Callers hold that lock, except {@link #release}, which takes it.
 */
final class TensorStore {
    private final OpenClBackend owner;
    private final ClContext cl;

    TensorStore(OpenClBackend owner, ClContext cl) {
        this.owner = owner;
        this.cl = cl;
    }

    DeviceInfo device() {
        return cl.device();
    }

    /** Bytes of the memory budget that new tensors may still take. */
    long bytesAvailable() {
        return cl.bytesAvailable();
    }

    /** The buffer of {@code t}, after checking that this backend owns it, it is open and of the expected kind. */
    DeviceBuffer buffer(DeviceTensor t, String name, boolean expectIndices) {
        return t.buffer(owner, name, expectIndices);
    }

    /** A new tensor of {@code shape}; a zero-element tensor still holds one element, as OpenCL has no empty buffers. */
    DeviceTensor allocate(String what, boolean int64, int... shape) {
        requireOpen();
        long size = Math.max(1, Tensor.elementCount(shape));
        return new DeviceTensor(owner, new DeviceBuffer(cl, what, size, int64 ? Long.BYTES : Float.BYTES), int64,
                shape);
    }

    /** A new float32 device tensor of {@code shape}, filled by {@code kernel} unless it is empty. */
    DeviceTensor produce(String what, int[] shape, Consumer<DeviceBuffer> kernel) {
        return closedOnFailure(allocate(what, false, shape), t -> {
            if (t.size() > 0) {
                kernel.accept(buffer(t, what, false));
            }
            return t;
        });
    }

    /** What {@code next} makes of the new tensor {@code t}; t is closed when next throws. */
    static <R> R closedOnFailure(DeviceTensor t, Function<DeviceTensor, R> next) {
        try {
            return next.apply(t);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /**
     * Frees a tensor's buffer once no call of the backend uses it: calls hold the backend's lock while they use
     * buffers, so another thread's close cannot free one under them.
     */
    void release(DeviceBuffer buffer) {
        synchronized (owner) {
            buffer.close();
        }
    }

    void requireOpen() {
        if (cl.isClosed()) {
            throw new IllegalStateException("the OpenCL backend on " + cl.device().name() + " is closed");
        }
    }

    DeviceTensor upload(Tensor t) {
        requireNonNull("tensor", t);
        return closedOnFailure(allocate("tensor " + t.shapeString(), false, t.shape()), d -> {
            if (t.size() > 0) {
                buffer(d, "tensor", false).write(t.data());
            }
            return d;
        });
    }

    DeviceTensor upload(Tensor t, DeviceTensor into) {
        requireNonNull("tensor", t);
        requireShape("into", into, t.shape());
        var buffer = buffer(into, "into", false);
        if (t.size() > 0) {
            buffer.write(t.data());
        }
        return into;
    }

    Tensor download(DeviceTensor t) {
        requireNonNull("tensor", t);
        var host = Tensor.zeros(t.shape());
        var buffer = buffer(t, "tensor", false);
        if (host.size() > 0) {
            buffer.read(host.data());
        }
        return host;
    }

    DeviceTensor uploadIndices(long[] indices, int... shape) {
        requireNonNull("indices", indices);
        requireNonNull("shape", shape);
        if (indices.length != Tensor.elementCount(shape)) {
            throw new IllegalArgumentException("indices: " + indices.length + " values do not fill shape "
                    + Arrays.toString(shape));
        }
        return closedOnFailure(allocate("indices", true, shape), d -> {
            if (indices.length > 0) {
                buffer(d, "indices", true).write(indices);
            }
            return d;
        });
    }

    long[] downloadIndices(DeviceTensor t) {
        requireNonNull("indices", t);
        long[] host = new long[Math.toIntExact(t.size())];
        var buffer = buffer(t, "indices", true);
        if (host.length > 0) {
            buffer.read(host);
        }
        return host;
    }
}
