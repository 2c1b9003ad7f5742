package org.convcl.opencl.conv;

import org.convcl.Conv2dShape;

/**
 * One way to run conv2d on a device, as MIOpen's solvers are: whether it applies to a shape (or why not), its plan
 * (every choice the launch makes), the scratch memory it needs and its forward pass. The planner and the tests
 * know the algorithms only through {@link ConvAlgorithms}, which registers each under its id.
 */
public interface ConvAlgorithm {
    /**
     * Whether this algorithm can run {@code s} on the planner's device.
     *
     * @return null when it can, else why not: the error of a backend pinned to it; null unless the algorithm says
     *         otherwise, as most run every shape
     */
    default String whyNot(Conv2dShape s, PlanContext context) {
        return null;
    }

    /**
     * Whether the planner takes it for {@code s} when no algorithm before it in {@link ConvAlgorithms#all()} is
     * preferred; decided from the shape and the device class's thresholds alone.
     */
    boolean preferred(Conv2dShape s, PlanContext context);

    /**
     * The plan of {@code s}, every launch-time choice made; only where {@link #whyNot} is null.
     *
     * @throws IllegalArgumentException when a budget cannot hold the smallest piece of the work
     */
    Conv2dPlan plan(Conv2dShape s, PlanContext context);

    /**
     * Scratch floats the plan's own buffers take at the most (column matrices, transformed tiles), besides the
     * SGEMM's packed panels; none unless the algorithm says otherwise.
     */
    default long workspaceFloats(Conv2dPlan plan) {
        return 0;
    }

    /** Enqueues {@code y = epilogue(conv2d(x, w) + bias)} as the plan says. */
    void forward(Conv2dPlan plan, ConvResources resources, ConvOperands io);
}
