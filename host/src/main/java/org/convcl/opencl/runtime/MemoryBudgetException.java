package org.convcl.opencl.runtime;

/**
 * An allocation refused because the buffers alive would take the context past its memory budget: a bad argument
 * for a device-tensor call, and for a host-tensor call the sign to run in smaller slices.
 */
public final class MemoryBudgetException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    MemoryBudgetException(String message) {
        super(message);
    }
}
