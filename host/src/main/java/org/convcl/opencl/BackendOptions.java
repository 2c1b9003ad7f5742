package org.convcl.opencl;

import java.util.Objects;
import org.convcl.opencl.tuning.SgemmConfig;
import org.convcl.opencl.tuning.TuningCache;

/**
 * How a backend runs, for tuning, tests and benchmarks; {@link #defaultsFor} suits everything else. Build one
 * from the defaults with the {@code with...} methods.
 *
 * @param sgemm               the SGEMM kernel and its parameters
 * @param columnBudgetBytes   the most bytes one im2col column buffer may take; larger work is chunked
 * @param path                which conv2d path runs; {@link Conv2dPath#AUTO} lets the planner choose
 * @param transferBudgetBytes the most bytes one buffer of a host-tensor call may take (never more than the
 *                            device's CL_DEVICE_MAX_MEM_ALLOC_SIZE): larger batches are uploaded, computed and
 *                            downloaded a slice of images at a time
 * @param memoryBudgetBytes   the most bytes the device buffers of the backend may take together (tensors,
 *                            workspaces and scratch buffers); an allocation past it is refused before it is made
 */
public record BackendOptions(SgemmConfig sgemm, long columnBudgetBytes, Conv2dPath path, long transferBudgetBytes,
                             long memoryBudgetBytes) {
    public BackendOptions {
        Objects.requireNonNull(sgemm, "sgemm");
        Objects.requireNonNull(path, "path");
        if (columnBudgetBytes < Float.BYTES) {
            throw new IllegalArgumentException("columnBudgetBytes: " + columnBudgetBytes + ", must be >= 4");
        }
        if (transferBudgetBytes < Float.BYTES) {
            throw new IllegalArgumentException("transferBudgetBytes: " + transferBudgetBytes + ", must be >= 4");
        }
        if (memoryBudgetBytes < Float.BYTES) {
            throw new IllegalArgumentException("memoryBudgetBytes: " + memoryBudgetBytes + ", must be >= 4");
        }
    }

    /**
     * Defaults for the device: the SGEMM configuration {@code convcl tune} stored for it, else one chosen from
     * device queries; the column budget is a quarter of global memory, at most one allocation; the planner
     * chooses the path; transfers are limited by the device's allocation limit alone; the buffers alive may take
     * the device's global memory (CL_DEVICE_GLOBAL_MEM_SIZE).
     */
    public static BackendOptions defaultsFor(DeviceInfo device) {
        return new BackendOptions(TuningCache.lookup(device).orElseGet(() -> SgemmConfig.defaultFor(device)),
                Math.min(device.maxAllocBytes(), device.globalMemBytes() / 4), Conv2dPath.AUTO, Long.MAX_VALUE,
                device.globalMemBytes());
    }

    public BackendOptions withSgemm(SgemmConfig config) {
        return new BackendOptions(config, columnBudgetBytes, path, transferBudgetBytes, memoryBudgetBytes);
    }

    public BackendOptions withColumnBudget(long bytes) {
        return new BackendOptions(sgemm, bytes, path, transferBudgetBytes, memoryBudgetBytes);
    }

    public BackendOptions withPath(Conv2dPath p) {
        return new BackendOptions(sgemm, columnBudgetBytes, p, transferBudgetBytes, memoryBudgetBytes);
    }

    public BackendOptions withTransferBudget(long bytes) {
        return new BackendOptions(sgemm, columnBudgetBytes, path, bytes, memoryBudgetBytes);
    }

    /** At most the device's global memory, which the backend never exceeds whatever the budget. */
    public BackendOptions withMemoryBudget(long bytes) {
        return new BackendOptions(sgemm, columnBudgetBytes, path, transferBudgetBytes, bytes);
    }
}
