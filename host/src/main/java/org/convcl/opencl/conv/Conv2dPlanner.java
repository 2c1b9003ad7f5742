package org.convcl.opencl.conv;

import java.util.function.Function;
import org.convcl.Conv2dShape;

/**
 * The one place that decides how conv2d runs on a device: the pinned algorithm; else the one find mode stored for
 * the problem; else the first of {@link ConvAlgorithms#all()} that is preferred for the shape; and that algorithm's
 * plan. It reads only the device's description, its class's thresholds and the stored results, so a plan can be
 * checked without an OpenCL context.
 */
public final class Conv2dPlanner {
    private final PlanContext context;
    private final ConvAlgorithm pinned;
    private final Function<Conv2dShape, String> found;

    /** @param pinned the algorithm every convolution must take, or null to choose per shape */
    public Conv2dPlanner(PlanContext context, ConvAlgorithm pinned) {
        this(context, pinned, s -> null);
    }

    private Conv2dPlanner(PlanContext context, ConvAlgorithm pinned, Function<Conv2dShape, String> found) {
        this.context = context;
        this.pinned = pinned;
        this.found = found;
    }

    /**
     * The same planner, which first takes the algorithm {@code found} names for a shape (null for none); an id it
     * does not know, or an algorithm that cannot run the shape, is passed over.
     */
    Conv2dPlanner withFound(Function<Conv2dShape, String> found) {
        return new Conv2dPlanner(context, pinned, found);
    }

    /** Whether every convolution must take one algorithm. */
    boolean pins() {
        return pinned != null;
    }

    /** Whether the plan of {@code s} comes from a find result rather than the thresholds. */
    public boolean isFound(Conv2dShape s) {
        return pinned == null && stored(s) != null;
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
        if (s.n() == 0) {
            // An empty batch runs nothing; its plan, which describeConv2d reports, is that of one image.
            return forward(new Conv2dShape(1, s.c(), s.h(), s.w(), s.k(), s.kh(), s.kw(), s.oh(), s.ow(), s.params()));
        }
        var stored = pinned == null ? stored(s) : null;
        if (stored != null) {
            try {
                return stored.plan(s, context);
            } catch (IllegalArgumentException e) {
                // Found under other budgets: the thresholds decide instead.
            }
        }
        var algorithm = pinned != null ? pinned : ConvAlgorithms.preferredFor(s, context);
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

    private ConvAlgorithm stored(Conv2dShape s) {
        String id = found.apply(s);
        var algorithm = id == null ? null : ConvAlgorithms.registered(id);
        return algorithm != null && algorithm.whyNot(s, context) == null ? algorithm : null;
    }
}
