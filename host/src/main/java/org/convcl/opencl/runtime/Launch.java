package org.convcl.opencl.runtime;

import static org.jocl.CL.clEnqueueNDRangeKernel;

import java.util.ArrayList;
import java.util.List;
import org.convcl.kernels.Program;

/**
 * Collects a kernel's arguments in order, then sets those that changed and enqueues it (see {@link Kernel}), under
 * one hold of the context.
 */
public final class Launch {
    /** Work-group size of the one-dimensional kernels, fixed because POCL compiles per local size. */
    public static final int LOCAL_1D = 64;
    /** Build options of the one-dimensional kernels. */
    private static final String OPTIONS_1D = "-DLOCAL_SIZE=" + LOCAL_1D;

    private final ClContext cl;
    private final Kernel kernel;
    private final String name;
    private final List<Object> arguments = new ArrayList<>();
    private long argumentBytes;

    public Launch(ClContext cl, Kernel kernel, String name) {
        this.cl = cl;
        this.kernel = kernel;
        this.name = name;
    }

    /** A launch of the one-dimensional kernel {@code kernel} of {@code program} (see {@link #enqueue1d}). */
    public static Launch oneDimensional(ClContext cl, Program program, String kernel) {
        return oneDimensional(cl, program, kernel, "");
    }

    /** As {@link #oneDimensional(ClContext, Program, String)}, built with {@code moreDefines} added. */
    public static Launch oneDimensional(ClContext cl, Program program, String kernel, String moreDefines) {
        return new Launch(cl, cl.kernel(program, kernel, OPTIONS_1D + moreDefines), kernel);
    }

    public Launch buffer(DeviceBuffer b) {
        return set(b.mem());
    }

    /**
     * Sets an optional buffer, then 1 where it is present and 0 where it is null; a null one is passed as
     * {@code standIn}, since the argument must still be a buffer.
     */
    public Launch optional(DeviceBuffer b, DeviceBuffer standIn) {
        return buffer(b == null ? standIn : b).i32(b == null ? 0 : 1);
    }

    public Launch i32(int v) {
        return set(v);
    }

    /** Sets a {@code float} argument. */
    public Launch f32(float v) {
        return set(v);
    }

    public Launch i64(long v) {
        return set(v);
    }

    private Launch set(Object value) {
        argumentBytes += Kernel.sizeOf(value);
        arguments.add(value);
        return this;
    }

    /**
     * Enqueues over {@code global} work-items in groups of {@code local}; global must be a multiple of local. More
     * groups along y or z than a device takes ({@link Grid}) run as several enqueues.
     */
    public void enqueue(long[] global, long[] local) {
        long limit = cl.device().maxParameterBytes();
        if (argumentBytes > limit) {
            throw new IllegalArgumentException(name + ": " + argumentBytes + " bytes of arguments, more than "
                    + cl.device().name() + " takes (CL_DEVICE_MAX_PARAMETER_SIZE " + limit + ")");
        }
        var parts = Grid.split(name, global, local);
        try (var open = cl.hold()) {
            kernel.launch(name, arguments.toArray(), handle -> {
                for (var part : parts) {
                    cl.launches().enqueue("clEnqueueNDRangeKernel(" + name + ")", event -> clEnqueueNDRangeKernel(
                            cl.queue(), handle, global.length, part.offset(), part.global(), local, 0, null, event));
                }
            });
        }
    }

    /** One work-item per element of {@code total}, in groups of {@link #LOCAL_1D}; kernels guard the tail. */
    public void enqueue1d(long total) {
        enqueue(new long[] {roundUp(total, LOCAL_1D)}, new long[] {LOCAL_1D});
    }

    /**
     * One work-item per element of each of {@code planes} planes of {@code perPlane} elements: the first dimension
     * rounded up to {@link #LOCAL_1D}, the plane in the second, so kernels find both without dividing a 64-bit
     * index. Enqueues nothing when there are no elements, which OpenCL would refuse.
     */
    public void enqueuePlanes(int perPlane, long planes) {
        if (perPlane > 0 && planes > 0) {
            enqueue(new long[] {roundUp(perPlane, LOCAL_1D), planes}, new long[] {LOCAL_1D, 1});
        }
    }

    /**
     * Refuses a count the kernels would index with 32-bit integers when it does not fit one, rather than let the
     * index wrap.
     */
    public static int requireInt(String what, long count) {
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + ": " + count + " elements, more than the 2^31 - 1 the kernels"
                    + " index with 32-bit integers");
        }
        return (int) count;
    }

    public static long roundUp(long n, long multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }
}
