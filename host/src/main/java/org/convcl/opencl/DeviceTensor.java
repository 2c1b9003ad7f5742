package org.convcl.opencl;

import java.lang.ref.Cleaner;
import java.util.Arrays;
import org.convcl.Pool2dShape;
import org.convcl.Tensor;
import org.convcl.opencl.runtime.DeviceBuffer;

/**
 * A float32 tensor that lives in the memory of one {@link OpenClBackend}'s device, so operations can be chained
 * without copies through the host. Made by {@link OpenClBackend#upload} or returned by a device operation; read it
 * back with {@link OpenClBackend#download}. Max pooling's indices are device tensors of int64 elements, read back
 * with {@link OpenClBackend#downloadIndices}. Close it to free the device memory; closing twice is harmless, and so
 * is closing it after its backend, which freed it. One that is never closed is freed once garbage-collected, with
 * a warning (once per process, logged to {@value #LOGGER_NAME} through {@link System.Logger}), as until then it holds
 * device memory the garbage collector does not see. Any thread may close it; the operations that use it take its
 * backend's lock.
 */
public final class DeviceTensor implements AutoCloseable {
    /** Where the warning about a device tensor garbage-collected without close() is logged. */
    public static final String LOGGER_NAME = "org.convcl.tensors";

    private static final System.Logger LOG = System.getLogger(LOGGER_NAME);

    private final OpenClBackend owner;
    private final int[] shape;
    private final long size;
    private final DeviceBuffer buffer;
    private final boolean int64;
    private final Cleaner.Cleanable cleanable;
    /** For indices max pooling made: the shapes whose windows they lie in. Nothing writes into indices later. */
    private volatile Pool2dShape windows;

    DeviceTensor(OpenClBackend owner, DeviceBuffer buffer, boolean int64, int... shape) {
        this.owner = owner;
        this.int64 = int64;
        this.shape = shape.clone();
        this.size = Tensor.elementCount(shape);
        this.buffer = buffer;
        this.cleanable = Unclosed.CLEANER.register(this, new Forgotten(owner, buffer));
    }

    /**
     * The extents.
     *
     * @return a copy of the shape, outermost axis first
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * One extent.
     *
     * @param axis from 0 to {@code rank() - 1}
     * @return the extent of {@code axis}
     * @throws ArrayIndexOutOfBoundsException when {@code axis} is outside the shape
     */
    public int dim(int axis) {
        return shape[axis];
    }

    /**
     * The number of axes.
     *
     * @return 4 for an NCHW activation
     */
    public int rank() {
        return shape.length;
    }

    /**
     * The number of elements.
     *
     * @return the product of the extents, in 64 bits
     */
    public long size() {
        return size;
    }

    /**
     * The element type.
     *
     * @return true for max pooling's int64 indices, false for float32 values
     */
    public boolean isIndices() {
        return int64;
    }

    /** Records that these indices are max pooling's for {@code s}, so they lie in its windows. */
    void markWindowsOf(Pool2dShape s) {
        windows = s;
    }

    /** Whether max pooling made these indices for {@code s}, which makes checking their windows unnecessary. */
    boolean madeForWindowsOf(Pool2dShape s) {
        return s.equals(windows);
    }

    /** The buffer, after checking that {@code user} owns this tensor, it is open and of the expected kind. */
    DeviceBuffer buffer(OpenClBackend user, String name, boolean expectIndices) {
        if (expectIndices != int64) {
            throw new IllegalArgumentException(name + ": must be a tensor of " + (expectIndices ? "int64 indices" : "float32 values"));
        }
        if (owner.isClosed()) {
            throw new IllegalStateException(name + ": device tensor " + Arrays.toString(shape) + " belongs to the"
                    + " OpenCL backend on " + owner.name() + ", which is closed");
        }
        if (user != owner) {
            throw new IllegalArgumentException(name + ": belongs to another backend; device tensors cannot be mixed");
        }
        try {
            buffer.mem();
        } catch (IllegalStateException e) {
            throw new IllegalStateException(name + ": device tensor " + Arrays.toString(shape) + " is closed", e);
        }
        return buffer;
    }

    @Override
    public void close() {
        owner.release(buffer);
        // Unregisters the cleaning action, which finds the buffer freed and does nothing.
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "DeviceTensor" + Arrays.toString(shape);
    }

    /** The cleaning action of an unreachable tensor; it must not refer to the tensor, or it would keep it reachable. */
    private record Forgotten(OpenClBackend owner, DeviceBuffer buffer) implements Runnable {
        @Override
        public void run() {
            if (buffer.isOpen()) {
                Unclosed.warnOnce(LOG, "a device tensor", "close device tensors (try-with-resources) to free"
                        + " device memory when they are done");
                owner.release(buffer);
            }
        }
    }
}
