package org.convcl.opencl.runtime;

import static org.jocl.CL.CL_COMPLETE;
import static org.jocl.CL.CL_EVENT_COMMAND_EXECUTION_STATUS;
import static org.jocl.CL.clFinish;
import static org.jocl.CL.clFlush;
import static org.jocl.CL.clGetEventInfo;
import static org.jocl.CL.clReleaseEvent;

import java.util.function.Consumer;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_event;

/**
 * The event of the newest kernel launch on a context's in-order queue, so that a finish can watch it for a while
 * before it blocks. A blocked {@code clFinish} sleeps until the driver's worker wakes it, and on POCL that wake-up
 * took about a third of a small layer's call; polling the newest launch's status, and giving the core to any other
 * thread between polls, returns as soon as the launch completes. Once it has, so has everything enqueued before it.
 * Past {@link #POLL_NANOS} the finish blocks after all, so a long wait costs no more than a short poll.
 */
final class NewestLaunch {
    /**
     * How long a finish polls before it blocks: a launch that completes within it saves the wake-up, which is worth
     * a few percent of a launch this short and less of longer ones.
     */
    static final long POLL_NANOS = 1_000_000;

    /** Null when no launch has been enqueued since the last finish took it. */
    private cl_event newest;

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
            if (watched == null || !completesWhilePolled(queue, watched)) {
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

    /** Whether the launch reports completion within {@link #POLL_NANOS}; an error status ends the poll early. */
    private static boolean completesWhilePolled(cl_command_queue queue, cl_event event) {
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
        } while (System.nanoTime() - start < POLL_NANOS);
        return false;
    }
}
