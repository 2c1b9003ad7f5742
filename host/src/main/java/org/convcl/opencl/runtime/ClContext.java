package org.convcl.opencl.runtime;

import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.clBuildProgram;
import static org.jocl.CL.clCreateCommandQueue;
import static org.jocl.CL.clCreateContext;
import static org.jocl.CL.clCreateProgramWithSource;
import static org.jocl.CL.clFinish;
import static org.jocl.CL.clGetProgramBuildInfo;
import static org.jocl.CL.clReleaseCommandQueue;
import static org.jocl.CL.clReleaseContext;
import static org.jocl.CL.clReleaseProgram;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.convcl.kernels.Program;
import org.convcl.opencl.device.ConvclException;
import org.convcl.opencl.device.DeviceInfo;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * An OpenCL context and in-order queue on one device. It owns every program and kernel it builds (programs are
 * compiled once per (program, options) and kept) and every {@link DeviceBuffer} made in it, until {@link #close()}.
 *
 * <p>Every native call on its objects runs under a {@link #hold()}, a shared lock that {@link #close()} takes
 * exclusively: close waits for the calls in flight, and calls after it throw {@link IllegalStateException}, so no
 * object is released while another thread uses it.
 */
public final class ClContext implements AutoCloseable {
    /** Contexts created and not yet closed, in this process. */
    private static final AtomicLong LIVE = new AtomicLong();
    /**
     * Inhibits warnings, an option every OpenCL compiler takes. POCL's compiler prints a count of them ("17 warnings
     * generated.") on the process's stderr for each build, past any stream Java can redirect; a failing build still
     * keeps its errors in the build log, which the exception carries.
     */
    private static final String NO_WARNINGS = "-w";

    private final DeviceInfo device;
    private final cl_device_id handle;
    private final cl_context context;
    private final cl_command_queue queue;
    private final Map<String, cl_program> programs = new LinkedHashMap<>();
    private final Map<String, Kernel> kernels = new LinkedHashMap<>();
    private final LiveBuffers buffers;
    private final RetiredBuffers retired;
    private final NewestLaunch newestLaunch;
    private final AtomicLong transfers = new AtomicLong();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Hold hold = new Hold();
    private final long memoryBudgetBytes;
    /** Caches that can give memory back when an allocation finds no room ({@link #onMemoryShortage}). */
    private final List<BooleanSupplier> shortageHandlers = new CopyOnWriteArrayList<>();
    /** Caches told of each buffer closed ({@link #onBufferClosed}). */
    private final List<Consumer<DeviceBuffer>> closeListeners = new CopyOnWriteArrayList<>();
    /** Written under the exclusive lock, read under the shared one or alone for a quick check. */
    private volatile boolean closed;

    /** A context whose buffers may take all of the device's global memory. */
    public ClContext(DeviceInfo device) {
        this(device, device.globalMemBytes());
    }

    /** @param memoryBudgetBytes the most bytes the buffers alive in this context may take together */
    public ClContext(DeviceInfo device, long memoryBudgetBytes) {
        Cl.init();
        this.device = device;
        this.newestLaunch = new NewestLaunch(NewestLaunch.pollNanos(device, System.getenv()));
        this.handle = ClDevices.handleOf(device);
        this.memoryBudgetBytes = memoryBudgetBytes;
        this.buffers = new LiveBuffers(device.name(), memoryBudgetBytes);
        this.retired = new RetiredBuffers(buffers);
        this.context = Cl.call("clCreateContext",
                () -> clCreateContext(null, 1, new cl_device_id[] {handle}, null, null, null));
        try {
            this.queue = Cl.call("clCreateCommandQueue", () -> clCreateCommandQueue(context, handle, 0, null));
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

    /** For native calls under a {@link #hold()}. */
    cl_context context() {
        return context;
    }

    /** For native calls under a {@link #hold()}. */
    cl_command_queue queue() {
        return queue;
    }

    LiveBuffers buffers() {
        return buffers;
    }

    /** Where kernel launches are enqueued, under a {@link #hold()}, so that a finish can watch the newest. */
    NewestLaunch launches() {
        return newestLaunch;
    }

    /**
     * Takes a closed buffer's memory out of use without releasing it yet (see {@link RetiredBuffers}); called under a
     * hold. Past {@link RetiredBuffers#MAX_RETIRED}, waits for the queue and releases them all.
     */
    void retire(cl_mem mem, long bytes) {
        retired.add(mem, bytes);
        if (retired.count() > RetiredBuffers.MAX_RETIRED) {
            finishAndRelease();
        }
    }

    /** A retired buffer of exactly {@code bytes} for a new one to take over, or null; called under a hold. */
    cl_mem reuseRetired(long bytes) {
        return retired.take(bytes);
    }

    /**
     * Runs a blocking transfer or wait: afterwards the in-order queue has run every command enqueued before it, so
     * the buffers retired before it are released.
     */
    void drainingRetired(Runnable blockingCall) {
        long mark = retired.mark();
        blockingCall.run();
        retired.releaseBefore(mark);
    }

    /**
     * Waits for the queue and releases every retired buffer, for an allocation the budget has no room for otherwise.
     *
     * @return whether any buffer was released
     */
    boolean finishAndRelease() {
        if (retired.count() == 0) {
            return false;
        }
        drainingRetired(() -> newestLaunch.finish(queue));
        return true;
    }

    /**
     * Registers a cache that an allocation with no room left asks to drop what it can; the handler returns whether it
     * dropped anything.
     */
    public void onMemoryShortage(BooleanSupplier handler) {
        shortageHandlers.add(handler);
    }

    public void removeMemoryShortageHandler(BooleanSupplier handler) {
        shortageHandlers.remove(handler);
    }

    /** Registers a cache of buffers derived from others, told of each buffer closed so it can free what it derived. */
    public void onBufferClosed(Consumer<DeviceBuffer> listener) {
        closeListeners.add(listener);
    }

    public void removeBufferClosedListener(Consumer<DeviceBuffer> listener) {
        closeListeners.remove(listener);
    }

    /** Called by a buffer's close, under a hold. */
    void closed(DeviceBuffer buffer) {
        for (var listener : closeListeners) {
            listener.accept(buffer);
        }
    }

    /**
     * Asks the caches to drop what they can, then waits for the queue and releases the retired buffers, for an
     * allocation the budget has no room for otherwise.
     *
     * @return whether any memory was given back
     */
    boolean makeRoom() {
        boolean dropped = false;
        for (var handler : shortageHandlers) {
            dropped |= handler.getAsBoolean();
        }
        return finishAndRelease() || dropped;
    }

    /** The most bytes the buffers alive in this context may take together. */
    public long memoryBudgetBytes() {
        return memoryBudgetBytes;
    }

    /** Device buffers alive in this context. */
    public int liveBuffers() {
        return buffers.count();
    }

    /** Bytes the device buffers alive in this context take. */
    public long bytesInUse() {
        return buffers.bytesInUse();
    }

    /** Bytes of the memory budget that new buffers may still take. */
    public long bytesAvailable() {
        return buffers.bytesAvailable();
    }

    /**
     * Keeps the context open until the hold is closed; take it around every native call on the context's objects.
     *
     * @throws IllegalStateException when the context is closed
     */
    Hold hold() {
        lock.readLock().lock();
        if (closed) {
            lock.readLock().unlock();
            throw closedError();
        }
        return hold;
    }

    /** Runs {@code action} under a hold, or not at all when the context is closed (which released everything). */
    void ifOpen(Runnable action) {
        lock.readLock().lock();
        try {
            if (!closed) {
                action.run();
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The kernel {@code kernelName} of {@code program} built with {@code options} (typically {@code -D} defines).
     * Built on first use, then cached; launched through a {@link Launch}, which holds the context open.
     */
    public Kernel kernel(Program program, String kernelName, String options) {
        try (var open = hold()) {
            // The caches are shared by threads holding the context; close() alone clears them, holding it exclusively.
            synchronized (kernels) {
                String programKey = program.name() + "\n" + options;
                cl_program built = programs.computeIfAbsent(programKey, k -> build(program, options));
                return kernels.computeIfAbsent(programKey + "\n" + kernelName, k -> new Kernel(built, kernelName));
            }
        }
    }

    /** Counts one copy between host and device memory; {@link DeviceBuffer} calls it for each read and write. */
    void countTransfer() {
        transfers.incrementAndGet();
    }

    /** Host-device copies made in this context so far. */
    public long transferCount() {
        requireOpen();
        return transfers.get();
    }

    /** Waits until every enqueued command has completed. */
    public void finish() {
        try (var open = hold()) {
            drainingRetired(() -> newestLaunch.finish(queue));
        }
    }

    private cl_program build(Program program, String options) {
        String source = program.source();
        cl_program built = Cl.call("clCreateProgramWithSource(" + program.files() + ")",
                () -> clCreateProgramWithSource(context, 1, new String[] {source}, null, null));
        try {
            clBuildProgram(built, 1, new cl_device_id[] {handle}, NO_WARNINGS + " " + options, null, null);
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
            clGetProgramBuildInfo(program, handle, CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] bytes = new byte[(int) size[0]];
            clGetProgramBuildInfo(program, handle, CL_PROGRAM_BUILD_LOG, bytes.length, Pointer.to(bytes), null);
            return new String(bytes, StandardCharsets.UTF_8).replace("\0", "").trim();
        } catch (CLException e) {
            return "(build log unavailable: " + CL.stringFor_errorCode(e.getStatus()) + ")";
        }
    }

    public boolean isClosed() {
        return closed;
    }

    public void requireOpen() {
        if (closed) {
            throw closedError();
        }
    }

    private IllegalStateException closedError() {
        return new IllegalStateException("the OpenCL context on " + device.name() + " is closed");
    }

    /**
     * Waits for the native calls in flight, then releases every buffer still alive, the kernels, programs, the
     * queue and the context; safe to call more than once. Must not be called under a hold.
     */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                clFinish(queue);
            } finally {
                newestLaunch.release();
                buffers.snapshot().forEach(DeviceBuffer::free);
                retired.releaseBefore(Long.MAX_VALUE);
                kernels.values().forEach(Kernel::release);
                programs.values().forEach(CL::clReleaseProgram);
                kernels.clear();
                programs.clear();
                clReleaseCommandQueue(queue);
                clReleaseContext(context);
                LIVE.decrementAndGet();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** A shared hold on the context; closing it lets {@link #close()} go on once no other hold is left. */
    final class Hold implements AutoCloseable {
        @Override
        public void close() {
            lock.readLock().unlock();
        }
    }
}
