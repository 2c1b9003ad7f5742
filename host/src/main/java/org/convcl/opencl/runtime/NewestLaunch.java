package org.convcl.opencl.runtime;

import static org.jocl.CL.CL_COMPLETE;
import static org.jocl.CL.CL_EVENT_COMMAND_EXECUTION_STATUS;
import static org.jocl.CL.clFinish;
import static org.jocl.CL.clFlush;
import static org.jocl.CL.clGetEventInfo;
import static org.jocl.CL.clReleaseEvent;

import java.util.Map;
import java.util.function.Consumer;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.tuning.DeviceClass;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_event;

/**
 * The event of the newest kernel launch on a context's in-order queue, so that a finish can watch it for a while
 * before it blocks. A blocked {@code clFinish} sleeps until the driver's worker wakes it, and on POCL that wake-up
 * took about a third of a small layer's call; polling the newest launch's status, and giving the core to any other
 * thread between polls, returns as soon as the launch completes. Once it has, so has everything enqueued before it.
 * Past {@link #POLL_NANOS} the finish blocks after all, so a long wait costs no more than a short poll. Where POCL's
 * CPU workers are pinned one to a core ({@code POCL_AFFINITY=1}, which {@code ./convcl} sets), a finish blocks at
 * once: the polling thread then always shares a core with a worker that cannot move.
 */
final class NewestLaunch {
    /**
     * How long a finish polls before it blocks: a launch that completes within it saves the wake-up, which is worth
     * a few percent of a launch this short and less of longer ones.
     */
    static final long POLL_NANOS = 1_000_000;

    private final long pollNanos;
    /** Null when no launch has been enqueued since the last finish took it. */
    private cl_event newest;

    /** A finish that polls for up to {@code pollNanos} (0: none) before it blocks. */
    NewestLaunch(long pollNanos) {
        this.pollNanos = pollNanos;
    }

    /**
     * How long a finish on {@code device} polls, given the process's environment: {@link #POLL_NANOS}, or none on a
     * CPU whose POCL workers are pinned ({@code POCL_AFFINITY=1}). Measured on 2 Zen 4 cores (median of 6000 calls
     * each, runs side by side), pinned: a 0.28 ms depthwise layer 0.281-0.282 ms blocking against 0.285-0.315
     * polling, MNIST's 0.46 ms layer 0.476-0.491 against 0.473-0.480, a 0.02 ms layer 0.041-0.045 against
     * 0.045-0.049; unpinned, polling kept the tiny layer at 0.021-0.036 ms against 0.044-0.052 blocking.
     */
    static long pollNanos(DeviceInfo device, Map<String, String> environment) {
        boolean pinned = DeviceClass.of(device) == DeviceClass.CPU && "1".equals(environment.get("POCL_AFFINITY"));
        return pinned ? 0 : POLL_NANOS;
    }

    /**
     * Runs {@code enqueue}, which must enqueue one command on the queue with the event it is given; that command
     * becomes the newest. Launches go through here one at a time, so the newest is the last in the queue's order.
     */
    synchronized void enqueue(String name, Consumer<cl_event> enqueue) {
        var event = new cl_event();
        Cl.run(name, () -> enqueue.accept(event));
        if (newest != null) {
            clReleaseEvent(newest);
        }
        newest = event;
    }

    /** Waits until every command enqueued on {@code queue} before the call has completed. */
    void finish(cl_command_queue queue) {
        cl_event watched;
        synchronized (this) {
            watched = newest;
            newest = null;
        }
        try {
            if (watched == null || pollNanos == 0 || !completesWhilePolled(queue, watched, pollNanos)) {
                Cl.run("clFinish", () -> clFinish(queue));
            }
        } finally {
            if (watched != null) {
                clReleaseEvent(watched);
            }
        }
    }

    /** Releases the newest launch's event, for a context's close. */
    synchronized void release() {
        if (newest != null) {
            clReleaseEvent(newest);
            newest = null;
        }
    }

    /** Whether the launch reports completion within {@code pollNanos}; an error status ends the poll early. */
    private static boolean completesWhilePolled(cl_command_queue queue, cl_event event, long pollNanos) {
        Cl.run("clFlush", () -> clFlush(queue));
        int[] status = new int[1];
        long start = System.nanoTime();
        do {
            Cl.run("clGetEventInfo(CL_EVENT_COMMAND_EXECUTION_STATUS)", () -> clGetEventInfo(event,
                    CL_EVENT_COMMAND_EXECUTION_STATUS, Sizeof.cl_int, Pointer.to(status), null));
            if (status[0] <= CL_COMPLETE) {
                return status[0] == CL_COMPLETE;
            }
            Thread.yield();
        } while (System.nanoTime() - start < pollNanos);
        return false;
    }
}
