package org.convcl.opencl.conv;

import org.convcl.Conv2dShape;

/**
 * The one place that decides how conv2d runs on a device: the pinned algorithm, or else the first of
 * {@link ConvAlgorithms#all()} that is preferred for the shape, and that algorithm's plan. It reads only the
 * device's description and its class's thresholds, so a plan can be checked without an OpenCL context.
 */
public final class Conv2dPlanner {
    private final PlanContext context;
    private final ConvAlgorithm pinned;

    /** @param pinned the algorithm every convolution must take, or null to choose per shape */
    public Conv2dPlanner(PlanContext context, ConvAlgorithm pinned) {
        this.context = context;
        this.pinned = pinned;
    }

    public PlanContext context() {
        return context;
    }

    /**
     * The plan of the forward pass.
     *
     * @throws IllegalArgumentException when the pinned algorithm cannot run this shape, or one piece of its work
     *                                  exceeds the column budget
     */
    public Conv2dPlan forward(Conv2dShape s) {
        var algorithm = pinned != null ? pinned : ConvAlgorithms.all().stream()
                .filter(a -> a.preferred(s, context)).findFirst().orElseThrow();
        String why = algorithm.whyNot(s, context);
        if (why != null) {
            throw new IllegalArgumentException("path: " + why);
        }
        return algorithm.plan(s, context);
    }

    /**
     * The plan of the backward pass, which always lowers to column matrices: whole images per chunk while they fit
     * the column budget, else row slices of one image, as the forward im2col.
     */
    public Conv2dPlan backward(Conv2dShape s) {
        return ConvAlgorithms.IM2COL_GEMM.plan(s, context);
    }
}
