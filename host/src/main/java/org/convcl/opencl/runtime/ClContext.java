package org.convcl.opencl.runtime;

import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.clBuildProgram;
import static org.jocl.CL.clCreateCommandQueue;
import static org.jocl.CL.clCreateContext;
import static org.jocl.CL.clCreateKernel;
import static org.jocl.CL.clCreateProgramWithSource;
import static org.jocl.CL.clFinish;
import static org.jocl.CL.clGetProgramBuildInfo;
import static org.jocl.CL.clReleaseCommandQueue;
import static org.jocl.CL.clReleaseContext;
import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clReleaseProgram;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.convcl.kernels.Program;
import org.convcl.opencl.ConvclException;
import org.convcl.opencl.DeviceInfo;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

/**
 * An OpenCL context and in-order queue on one device. It owns every program and kernel it builds: programs are
 * compiled once per (program, options) and kept until {@link #close()}.
 */
public final class ClContext implements AutoCloseable {
    /** Contexts created and not yet closed, in this process. */
    private static final AtomicLong LIVE = new AtomicLong();

    private final DeviceInfo device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final Map<String, cl_program> programs = new LinkedHashMap<>();
    private final Map<String, cl_kernel> kernels = new LinkedHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong transfers = new AtomicLong();

    public ClContext(DeviceInfo device) {
        Cl.init();
        this.device = device;
        this.context = Cl.call("clCreateContext",
                () -> clCreateContext(null, 1, new cl_device_id[] {device.device()}, null, null, null));
        try {
            this.queue = Cl.call("clCreateCommandQueue", () -> clCreateCommandQueue(context, device.device(), 0, null));
        } catch (RuntimeException e) {
            clReleaseContext(context);
            throw e;
        }
        LIVE.incrementAndGet();
    }

    public static long liveCount() {
        return LIVE.get();
    }

    public DeviceInfo device() {
        return device;
    }

    public cl_context context() {
        requireOpen();
        return context;
    }

    public cl_command_queue queue() {
        requireOpen();
        return queue;
    }

    /**
     * The kernel {@code kernelName} of {@code program} built with {@code options} (typically {@code -D} defines).
     * Built on first use, then cached.
     */
    public synchronized cl_kernel kernel(Program program, String kernelName, String options) {
        requireOpen();
        String programKey = program.name() + "\n" + options;
        cl_program built = programs.computeIfAbsent(programKey, k -> build(program, options));
        return kernels.computeIfAbsent(programKey + "\n" + kernelName,
                k -> Cl.call("clCreateKernel(" + kernelName + ")", () -> clCreateKernel(built, kernelName, null)));
    }

    /** Counts one copy between host and device memory; {@link DeviceBuffer} calls it for each read and write. */
    void countTransfer() {
        transfers.incrementAndGet();
    }

    /** Host-device copies made in this context so far. */
    public long transferCount() {
        return transfers.get();
    }

    /** Waits until every enqueued command has completed. */
    public void finish() {
        Cl.run("clFinish", () -> clFinish(queue()));
    }

    private cl_program build(Program program, String options) {
        String source = program.source();
        cl_program built = Cl.call("clCreateProgramWithSource(" + program.files() + ")",
                () -> clCreateProgramWithSource(context, 1, new String[] {source}, null, null));
        try {
            clBuildProgram(built, 1, new cl_device_id[] {device.device()}, options, null, null);
        } catch (CLException e) {
            String log = buildLog(built);
            clReleaseProgram(built);
            throw new ConvclException("clBuildProgram(" + program.files() + ", \"" + options + "\") on " + device.name(),
                    CL.stringFor_errorCode(e.getStatus()), "build log:\n" + log, e);
        }
        return built;
    }

    private String buildLog(cl_program program) {
        try {
            long[] size = new long[1];
            clGetProgramBuildInfo(program, device.device(), CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] bytes = new byte[(int) size[0]];
            clGetProgramBuildInfo(program, device.device(), CL_PROGRAM_BUILD_LOG, bytes.length, Pointer.to(bytes), null);
            return new String(bytes, StandardCharsets.UTF_8).replace("\0", "").trim();
        } catch (CLException e) {
            return "(build log unavailable: " + CL.stringFor_errorCode(e.getStatus()) + ")";
        }
    }

    public void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the OpenCL context on " + device.name() + " is closed");
        }
    }

    /** Releases kernels, programs, the queue and the context; safe to call more than once. */
    @Override
    public synchronized void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            clFinish(queue);
        } finally {
            kernels.values().forEach(CL::clReleaseKernel);
            programs.values().forEach(CL::clReleaseProgram);
            kernels.clear();
            programs.clear();
            clReleaseCommandQueue(queue);
            clReleaseContext(context);
            LIVE.decrementAndGet();
        }
    }
}
