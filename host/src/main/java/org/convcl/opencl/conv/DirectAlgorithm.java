package org.convcl.opencl.conv;

import java.util.List;
import org.convcl.Conv2dShape;
import org.convcl.opencl.ops.DirectConv2d;

/**
 * One kernel and no column matrix ({@code direct_conv2d.cl}, or {@code depthwise_rows.cl} for depthwise layers on
 * CPUs): every shape, chosen for depthwise layers, layers too small to pay for a GEMM's launches and, where the
 * device class says so, layers of few, shallow filters.
 */
final class DirectAlgorithm implements ConvAlgorithm {
    /**
     * Whether the planner should take it: a GEMM one row deep (one input channel per group), a tiny layer, or few
     * shallow filters ({@link org.convcl.opencl.tuning.ConvPolicy#fewFilters}).
     */
    @Override
    public boolean preferred(Conv2dShape s, PlanContext context) {
        var p = context.policy();
        return (s.cPerGroup() == 1 && s.groups() > 1) || s.flops() < p.tinyLayerFlops()
                || (s.kPerGroup() <= p.fewFilters() && (long) s.cPerGroup() * s.kh() * s.kw() <= p.shallowDepth());
    }

    @Override
    public Conv2dPlan plan(Conv2dShape s, PlanContext context) {
        return new Conv2dPlan(s, this, null, List.of(), 0, DirectConv2d.choose(s, context.device()), null,
                Gather.NONE);
    }

    @Override
    public void forward(Conv2dPlan plan, ConvResources r, ConvOperands io) {
        r.direct.enqueue(plan.direct(), io.x(), io.w(), io.bias(), io.epilogue(), io.y(), plan.shape());
    }
}
