package org.convcl.opencl.runtime;

/**
 * A scratch buffer kept across calls and grown on demand, so repeated convolutions do not allocate a column
 * matrix each time. Used by one call at a time, like the kernels. Growing it does not wait for the queue: OpenCL
 * deletes a released buffer only once the commands queued before the release are done with it.
 */
public final class Workspace implements AutoCloseable {
    private final ClContext cl;
    private final String what;
    private DeviceBuffer buffer;

    public Workspace(ClContext cl, String what) {
        this.cl = cl;
        this.what = what;
    }

    /**
     * Whether {@link #atLeast} can give {@code floats} elements within the memory budget: the buffer held already, or
     * a larger one in its place (it is released first).
     */
    public boolean canHold(long floats) {
        long held = buffer == null ? 0 : buffer.floats();
        return floats <= held || floats * Float.BYTES <= cl.bytesAvailable() + held * Float.BYTES;
    }

    /** A buffer of at least {@code floats} elements; its contents are undefined. */
    public DeviceBuffer atLeast(long floats) {
        if (buffer == null || buffer.floats() < floats) {
            close();
            buffer = new DeviceBuffer(cl, what, floats);
        }
        return buffer;
    }

    @Override
    public void close() {
        if (buffer != null) {
            buffer.close();
            buffer = null;
        }
    }
}
