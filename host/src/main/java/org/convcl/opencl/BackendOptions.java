package org.convcl.opencl;

import java.util.Objects;
import org.convcl.opencl.conv.Conv2dPlanner;
import org.convcl.opencl.conv.ConvAlgorithms;
import org.convcl.opencl.conv.PlanContext;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.tuning.ConvPolicy;
import org.convcl.opencl.tuning.DeviceClass;
import org.convcl.opencl.tuning.SgemmConfig;
import org.convcl.opencl.tuning.TuningCache;

/**
 * How a backend runs, for tuning, tests and benchmarks; {@link #defaultsFor} suits everything else. Build one
 * from the defaults with the {@code with...} methods.
 *
 * <p>Immutable, so thread-safe.
 *
 * @param sgemm               the SGEMM kernel and its parameters
 * @param columnBudgetBytes   the most bytes one im2col column buffer may take; larger work is chunked
 * @param path                which conv2d path runs; {@link Conv2dPath#AUTO} lets the planner choose
 * @param transferBudgetBytes the most bytes one buffer of a host-tensor call may take (never more than the
 *                            device's CL_DEVICE_MAX_MEM_ALLOC_SIZE): larger batches are uploaded, computed and
 *                            downloaded a slice of images at a time
 * @param memoryBudgetBytes   the most bytes the device buffers of the backend may take together (tensors,
 *                            workspaces and scratch buffers); an allocation past it is refused before it is made
 * @param policy              the planner's thresholds
 * @param find                whether the conv2d algorithm of a problem is timed, read from earlier timings, or
 *                            planned by the thresholds alone
 */
public record BackendOptions(SgemmConfig sgemm, long columnBudgetBytes, Conv2dPath path, long transferBudgetBytes,
                             long memoryBudgetBytes, ConvPolicy policy, FindMode find) {
    /**
     * Checks every value.
     *
     * @param sgemm               the SGEMM kernel and its parameters
     * @param columnBudgetBytes   the most bytes one im2col column buffer may take, {@code >= 4}
     * @param path                which conv2d path runs
     * @param transferBudgetBytes the most bytes one buffer of a host-tensor call may take, {@code >= 4}
     * @param memoryBudgetBytes   the most bytes the backend's device buffers may take together, {@code >= 4}
     * @param policy              the planner's thresholds
     * @param find                find mode
     * @throws NullPointerException     when {@code sgemm}, {@code path}, {@code policy} or {@code find} is null
     * @throws IllegalArgumentException naming the budget that is below 4 bytes
     */
    public BackendOptions {
        Objects.requireNonNull(sgemm, "sgemm");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(find, "find");
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
     * Defaults for the device: the SGEMM configuration and planner thresholds {@code convcl tune} stored for it,
     * else those of its {@link DeviceClass} chosen from device queries; the column budget is a quarter of global
     * memory, at most one allocation; the planner chooses the path, from find results as {@code CONVCL_FIND} says
     * ({@link FindMode#fromEnvironment}); transfers are limited by the device's allocation limit alone; the buffers
     * alive may take the device's global memory (CL_DEVICE_GLOBAL_MEM_SIZE).
     *
     * @param device one of {@link Devices#list()}
     * @return the options {@link OpenClBackend#open(DeviceInfo)} uses
     */
    public static BackendOptions defaultsFor(DeviceInfo device) {
        return new BackendOptions(TuningCache.lookup(device).orElseGet(() -> SgemmConfig.defaultFor(device)),
                Math.min(device.maxAllocBytes(), device.globalMemBytes() / 4), Conv2dPath.AUTO, Long.MAX_VALUE,
                device.globalMemBytes(), TuningCache.lookupPolicy(device)
                        .orElseGet(() -> ConvPolicy.defaultFor(DeviceClass.of(device))), FindMode.fromEnvironment());
    }

    /**
     * A copy with another SGEMM configuration.
     *
     * @param config the kernel and its parameters
     * @return the new options
     */
    public BackendOptions withSgemm(SgemmConfig config) {
        return new BackendOptions(config, columnBudgetBytes, path, transferBudgetBytes, memoryBudgetBytes, policy, find);
    }

    /**
     * A copy with another column budget.
     *
     * @param bytes the most bytes one im2col column buffer may take, {@code >= 4}
     * @return the new options
     * @throws IllegalArgumentException when below 4 bytes
     */
    public BackendOptions withColumnBudget(long bytes) {
        return new BackendOptions(sgemm, bytes, path, transferBudgetBytes, memoryBudgetBytes, policy, find);
    }

    /**
     * A copy that pins a conv2d path.
     *
     * @param p the path; {@link Conv2dPath#AUTO} lets the planner choose
     * @return the new options
     */
    public BackendOptions withPath(Conv2dPath p) {
        return new BackendOptions(sgemm, columnBudgetBytes, p, transferBudgetBytes, memoryBudgetBytes, policy, find);
    }

    /**
     * A copy with another transfer budget.
     *
     * @param bytes the most bytes one buffer of a host-tensor call may take, {@code >= 4}
     * @return the new options
     * @throws IllegalArgumentException when below 4 bytes
     */
    public BackendOptions withTransferBudget(long bytes) {
        return new BackendOptions(sgemm, columnBudgetBytes, path, bytes, memoryBudgetBytes, policy, find);
    }

    /**
     * A copy with another memory budget; the backend never exceeds the device's global memory whatever the budget.
     *
     * @param bytes the most bytes the backend's device buffers may take together, {@code >= 4}
     * @return the new options
     * @throws IllegalArgumentException when below 4 bytes
     */
    public BackendOptions withMemoryBudget(long bytes) {
        return new BackendOptions(sgemm, columnBudgetBytes, path, transferBudgetBytes, bytes, policy, find);
    }

    /**
     * A copy with other planner thresholds.
     *
     * @param p the thresholds, for example {@link ConvPolicy#defaultFor} of another device class
     * @return the new options
     */
    public BackendOptions withPolicy(ConvPolicy p) {
        return new BackendOptions(sgemm, columnBudgetBytes, path, transferBudgetBytes, memoryBudgetBytes, p, find);
    }

    /** The planner these options describe on {@code device}: the pinned path, or each shape's choice. */
    Conv2dPlanner planner(DeviceInfo device) {
        var pinned = path == Conv2dPath.AUTO ? null : ConvAlgorithms.byId(path.name());
        return new Conv2dPlanner(new PlanContext(device, policy, sgemm, columnBudgetBytes), pinned);
    }

    /**
     * A copy with another find mode.
     *
     * @param mode whether conv2d's algorithms are timed, read from earlier timings, or chosen by the thresholds
     * @return the new options
     */
    public BackendOptions withFind(FindMode mode) {
        return new BackendOptions(sgemm, columnBudgetBytes, path, transferBudgetBytes, memoryBudgetBytes, policy, mode);
    }
}
