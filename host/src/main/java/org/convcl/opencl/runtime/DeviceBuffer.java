package org.convcl.opencl.runtime;

import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;
import static org.jocl.CL.clReleaseMemObject;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.convcl.opencl.device.DeviceInfo;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_mem;

/**
 * A buffer of float32 (or int64, for pooling indices) elements in device memory. Transfers are blocking, so host
 * arrays are free again when they return. Its context counts it against the memory budget and frees it on close
 * if the buffer is still alive then.
 */
public final class DeviceBuffer implements AutoCloseable {
    /** Buffers created and not yet closed, in this process: a leak shows as a count that keeps growing. */
    private static final AtomicLong LIVE = new AtomicLong();

    private final ClContext cl;
    private final long elements;
    private final int elementBytes;
    private final long bytes;
    /**
     * Counts the writes to the buffer: host copies, and kernels that write a buffer which already held data
     * ({@link #modified()}), so that what was derived from its old contents is known to be stale.
     */
    private final AtomicLong version = new AtomicLong();
    /** Null once freed, by {@link #close()} or by the context's close. */
    private final AtomicReference<cl_mem> mem = new AtomicReference<>();

    /**
     * @param what   what the buffer holds, for the error message when the device refuses it
     * @param floats number of float32 elements, at least 1
     */
    public DeviceBuffer(ClContext cl, String what, long floats) {
        this(cl, what, floats, Sizeof.cl_float);
    }

    /**
     * @param elementBytes 4 for float32, 8 for int64
     * @throws IllegalArgumentException when the buffer is larger than one allocation may be, or than the context's
     *                                  memory budget has left
     */
    public DeviceBuffer(ClContext cl, String what, long elements, int elementBytes) {
        DeviceInfo d = cl.device();
        if (elements < 1) {
            throw new IllegalArgumentException(what + ": a device buffer needs at least one element, got " + elements);
        }
        long bytes = Math.multiplyExact(elements, (long) elementBytes);
        if (bytes > d.maxAllocBytes()) {
            throw new IllegalArgumentException(what + ": needs " + bytes + " bytes in one buffer, more than "
                    + d.name() + " allows in one allocation (CL_DEVICE_MAX_MEM_ALLOC_SIZE " + d.maxAllocBytes() + ")");
        }
        this.cl = cl;
        this.elements = elements;
        this.elementBytes = elementBytes;
        this.bytes = bytes;
        try (var open = cl.hold()) {
            cl_mem reused = cl.reuseRetired(bytes);
            if (reused != null) {
                mem.set(reused);
            } else {
                reserve(cl, what, bytes);
                try {
                    mem.set(Cl.call("clCreateBuffer(" + what + ", " + bytes + " bytes; device offers "
                            + d.maxAllocBytes() + " per allocation, " + d.globalMemBytes() + " in all)",
                            () -> clCreateBuffer(cl.context(), CL_MEM_READ_WRITE, bytes, null, null)));
                } catch (RuntimeException e) {
                    cl.buffers().release(null, bytes);
                    throw e;
                }
            }
            cl.buffers().add(this);
            LIVE.incrementAndGet();
        }
    }

    /**
     * Counts the bytes against the budget, first dropping cached buffers and releasing retired ones where it has no
     * room otherwise.
     */
    private static void reserve(ClContext cl, String what, long bytes) {
        try {
            cl.buffers().reserve(what, bytes);
        } catch (IllegalArgumentException e) {
            if (!cl.makeRoom()) {
                throw e;
            }
            cl.buffers().reserve(what, bytes);
        }
    }

    public static long liveCount() {
        return LIVE.get();
    }

    public long floats() {
        return elements;
    }

    /** The handle, for a native call under a hold on the context. */
    public cl_mem mem() {
        cl_mem m = mem.get();
        if (m == null) {
            cl.requireOpen();
            throw new IllegalStateException("device buffer is closed");
        }
        return m;
    }

    public boolean isOpen() {
        return mem.get() != null;
    }

    /** Changes whenever the contents may have changed (see {@link DerivedBuffers}). */
    public long version() {
        return version.get();
    }

    /**
     * Records that a kernel enqueued now writes this buffer, which held data before: what was derived from it is
     * stale. A fresh output buffer needs no call; every write into an existing one (an {@code into} tensor, an
     * accumulation) does.
     */
    public void modified() {
        version.incrementAndGet();
    }

    /** Copies {@code src} to the start of this buffer. */
    public void write(float[] src) {
        write(Pointer.to(src), src.length, Sizeof.cl_float);
    }

    /** Copies {@code length} floats of {@code src} from {@code offset} to the start of this buffer. */
    public void write(float[] src, int offset, int length) {
        write(Pointer.to(src).withByteOffset((long) offset * Sizeof.cl_float), length, Sizeof.cl_float);
    }

    public void write(long[] src) {
        write(Pointer.to(src), src.length, Sizeof.cl_long);
    }

    public void write(long[] src, int offset, int length) {
        write(Pointer.to(src).withByteOffset((long) offset * Sizeof.cl_long), length, Sizeof.cl_long);
    }

    /** Copies the start of this buffer into {@code dst}, after every command enqueued before it. */
    public void read(float[] dst) {
        read(Pointer.to(dst), dst.length, Sizeof.cl_float);
    }

    /** Copies the first {@code length} floats of this buffer into {@code dst} from {@code offset}. */
    public void read(float[] dst, int offset, int length) {
        read(Pointer.to(dst).withByteOffset((long) offset * Sizeof.cl_float), length, Sizeof.cl_float);
    }

    public void read(long[] dst) {
        read(Pointer.to(dst), dst.length, Sizeof.cl_long);
    }

    public void read(long[] dst, int offset, int length) {
        read(Pointer.to(dst).withByteOffset((long) offset * Sizeof.cl_long), length, Sizeof.cl_long);
    }

    private void write(Pointer src, int length, int bytesEach) {
        checkFits(length, bytesEach);
        modified();
        try (var open = cl.hold()) {
            cl.countTransfer();
            cl.drainingRetired(() -> Cl.run("clEnqueueWriteBuffer", () -> clEnqueueWriteBuffer(cl.queue(), mem(),
                    CL_TRUE, 0, (long) length * bytesEach, src, 0, null, null)));
        }
    }

    private void read(Pointer dst, int length, int bytesEach) {
        checkFits(length, bytesEach);
        try (var open = cl.hold()) {
            cl.countTransfer();
            cl.drainingRetired(() -> Cl.run("clEnqueueReadBuffer", () -> clEnqueueReadBuffer(cl.queue(), mem(),
                    CL_TRUE, 0, (long) length * bytesEach, dst, 0, null, null)));
        }
    }

    private void checkFits(int length, int bytesEach) {
        if (bytesEach != elementBytes || length > elements) {
            throw new IllegalArgumentException("transfer of " + length + " elements of " + bytesEach
                    + " bytes into a buffer of " + elements + " elements of " + elementBytes + " bytes");
        }
    }

    /**
     * Closes the buffer; safe to call more than once, and after the context's close (which freed it). Commands
     * already enqueued on it still complete: its memory is released only once the queue has run them
     * ({@link RetiredBuffers}).
     */
    @Override
    public void close() {
        cl.ifOpen(() -> {
            cl_mem m = mem.getAndSet(null);
            if (m != null) {
                cl.buffers().forget(this);
                LIVE.decrementAndGet();
                cl.retire(m, bytes);
                cl.closed(this);
            }
        });
    }

    /** Frees the buffer once; called under a hold on the context or by its close. */
    void free() {
        cl_mem m = mem.getAndSet(null);
        if (m != null) {
            clReleaseMemObject(m);
            cl.buffers().release(this, bytes);
            LIVE.decrementAndGet();
        }
    }
}
