package org.convcl.host;

import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;
import static org.jocl.CL.clReleaseMemObject;

import java.util.concurrent.atomic.AtomicReference;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_mem;

/** A float32 buffer in device memory. Transfers are blocking, so host arrays are free again when they return. */
final class DeviceBuffer implements AutoCloseable {
    private final ClContext cl;
    private final long floats;
    private final AtomicReference<cl_mem> mem;

    /**
     * @param what   what the buffer holds, for the error message when the device refuses it
     * @param floats number of float32 elements, at least 1
     */
    DeviceBuffer(ClContext cl, String what, long floats) {
        long bytes = floats * Sizeof.cl_float;
        DeviceInfo d = cl.device();
        if (floats < 1) {
            throw new IllegalArgumentException(what + ": a device buffer needs at least one element, got " + floats);
        }
        if (bytes > d.maxAllocBytes()) {
            throw new IllegalArgumentException(what + ": needs " + bytes + " bytes in one buffer, more than "
                    + d.name() + " allows in one allocation (CL_DEVICE_MAX_MEM_ALLOC_SIZE " + d.maxAllocBytes() + ")");
        }
        this.cl = cl;
        this.floats = floats;
        this.mem = new AtomicReference<>(Cl.call("clCreateBuffer(" + what + ", " + bytes + " bytes; device offers "
                + d.maxAllocBytes() + " per allocation, " + d.globalMemBytes() + " in all)",
                () -> clCreateBuffer(cl.context(), CL_MEM_READ_WRITE, bytes, null, null)));
    }

    long floats() {
        return floats;
    }

    cl_mem mem() {
        cl_mem m = mem.get();
        if (m == null) {
            throw new IllegalStateException("device buffer is closed");
        }
        return m;
    }

    /** Copies {@code src} to the start of this buffer. */
    void write(float[] src) {
        checkFits(src.length);
        Cl.run("clEnqueueWriteBuffer", () -> clEnqueueWriteBuffer(cl.queue(), mem(), CL_TRUE, 0,
                (long) src.length * Sizeof.cl_float, Pointer.to(src), 0, null, null));
    }

    /** Copies the start of this buffer into {@code dst}, after every command enqueued before it. */
    void read(float[] dst) {
        checkFits(dst.length);
        Cl.run("clEnqueueReadBuffer", () -> clEnqueueReadBuffer(cl.queue(), mem(), CL_TRUE, 0,
                (long) dst.length * Sizeof.cl_float, Pointer.to(dst), 0, null, null));
    }

    private void checkFits(int length) {
        if (length > floats) {
            throw new IllegalArgumentException("transfer of " + length + " floats into a buffer of " + floats);
        }
    }

    @Override
    public void close() {
        cl_mem m = mem.getAndSet(null);
        if (m != null) {
            clReleaseMemObject(m);
        }
    }
}
