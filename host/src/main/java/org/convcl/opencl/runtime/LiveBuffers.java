package org.convcl.opencl.runtime;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The device buffers alive in one context and the bytes they take, against a budget: an allocation is refused
 * before it is made when it would take the context past the budget, since drivers that back device memory with
 * host memory (POCL) accept far more than they declare and let the process grow until the kernel kills it.
 */
final class LiveBuffers {
    private final String deviceName;
    private final long budgetBytes;
    private final Set<DeviceBuffer> buffers = new LinkedHashSet<>();
    private long bytesInUse;

    LiveBuffers(String deviceName, long budgetBytes) {
        this.deviceName = deviceName;
        this.budgetBytes = budgetBytes;
    }

    /**
     * Counts {@code bytes} as in use until {@link #release}; called before the allocation, so two threads cannot
     * both take the last of the budget.
     *
     * @throws MemoryBudgetException when the budget has no room for them
     */
    synchronized void reserve(String what, long bytes) {
        long available = budgetBytes - bytesInUse;
        if (bytes > available) {
            throw new MemoryBudgetException(what + ": needs " + bytes + " bytes of device memory, but " + bytesInUse
                    + " of the " + budgetBytes + " bytes ConvCL may use on " + deviceName + " are in use (" + available
                    + " available); close device tensors you no longer need, or use smaller batches");
        }
        bytesInUse += bytes;
    }

    synchronized void add(DeviceBuffer buffer) {
        buffers.add(buffer);
    }

    /** Returns {@code bytes} to the budget, and forgets {@code buffer} when it is not null. */
    synchronized void release(DeviceBuffer buffer, long bytes) {
        if (buffer != null) {
            buffers.remove(buffer);
        }
        bytesInUse -= bytes;
    }

    /** Forgets a closed buffer whose bytes stay counted until it is released. */
    synchronized void forget(DeviceBuffer buffer) {
        buffers.remove(buffer);
    }

    synchronized long bytesInUse() {
        return bytesInUse;
    }

    synchronized long bytesAvailable() {
        return budgetBytes - bytesInUse;
    }

    synchronized int count() {
        return buffers.size();
    }

    /** The buffers alive now, copied, so that freeing them may remove them from this set. */
    synchronized List<DeviceBuffer> snapshot() {
        return new ArrayList<>(buffers);
    }
}
