package org.convcl.opencl.runtime;

import static org.jocl.CL.clReleaseMemObject;

import java.util.ArrayList;
import java.util.List;
import org.jocl.cl_mem;

/**
 * Buffers closed while commands enqueued before may still use them. OpenCL's specification lets a buffer be released
 * then, but a POCL worker thread was seen to crash the JVM (SIGSEGV, about one round in ten under load) when another
 * thread closed a tensor that a conv2d it had just enqueued was reading. So a closed buffer is only retired: its
 * memory stays counted against the budget, and it is released once the queue is known to have run every command
 * enqueued before its retirement (after a finish or a blocking transfer), or when the context closes. Until then a
 * new buffer of the same size takes it over ({@link #take}): a layer run again and again allocates its output anew
 * each time, and the driver need not allocate it again.
 */
final class RetiredBuffers {
    /** Past this many, the next retirement waits for the queue and releases them all: memory stays bounded. */
    static final int MAX_RETIRED = 256;

    private record Retired(long sequence, cl_mem mem, long bytes) {
    }

    private final LiveBuffers budget;
    private final List<Retired> retired = new ArrayList<>();
    private long nextSequence;

    RetiredBuffers(LiveBuffers budget) {
        this.budget = budget;
    }

    synchronized void add(cl_mem mem, long bytes) {
        retired.add(new Retired(nextSequence++, mem, bytes));
    }

    /**
     * Takes back the most recently retired buffer of exactly {@code bytes}, or returns null: its bytes stay counted,
     * now for its new owner. Safe before the queue has run what used it, since the one in-order queue runs every
     * command on the new owner after those.
     */
    synchronized cl_mem take(long bytes) {
        for (int i = retired.size() - 1; i >= 0; i--) {
            if (retired.get(i).bytes() == bytes) {
                return retired.remove(i).mem();
            }
        }
        return null;
    }

    synchronized int count() {
        return retired.size();
    }

    /** A mark: everything retired before it may be released once the queue has run what was enqueued before it. */
    synchronized long mark() {
        return nextSequence;
    }

    /** Releases the buffers retired before {@code mark}, whose commands the queue has finished. */
    synchronized void releaseBefore(long mark) {
        var it = retired.iterator();
        while (it.hasNext()) {
            var r = it.next();
            if (r.sequence() < mark) {
                clReleaseMemObject(r.mem());
                budget.release(null, r.bytes());
                it.remove();
            }
        }
    }
}
