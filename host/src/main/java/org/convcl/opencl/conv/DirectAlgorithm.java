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
     * Whether the depthwise rows kernel loads each weight where it is used rather than once per run of its built-in
     * window. Which is faster depends on the code the device's compiler makes of it, so find mode times both: hoisted,
     * the weights of a large window, or of many planes, were spilled to the stack as broadcast vectors on POCL with
     * AVX-512, and there streaming them ran MNIST's 5x5 layer on one channel (8 planes an item) in 0.55x the time and
     * a 7x7 depthwise layer in 0.5x, while a 3x3 depthwise layer ran in 1.4x; built for AVX2, MNIST's ran in 1.3x
     * and the stride-2 3x3 depthwise layer in 0.8x (pyopencl, side by side). Streamed, its runs are as wide as the
     * row holds ({@link DirectConv2d#chooseStreamed}).
     */
    private final boolean streamWeights;

    DirectAlgorithm(boolean streamWeights) {
        this.streamWeights = streamWeights;
    }

    /** Streamed weights only where the depthwise rows kernel runs with a built-in window. */
    @Override
    public String whyNot(Conv2dShape s, PlanContext context) {
        if (!streamWeights) {
            return null;
        }
        return DirectConv2d.streamsWeights(s, context.device()) ? null : "DIRECT_STREAMED streams the weights of the"
                + " depthwise rows kernel's built-in windows (a CPU, one input channel a group, a square window up to"
                + " 7x7 at stride 1 or 2), not " + s.kh() + "x" + s.kw() + " with " + s.params() + " on "
                + context.device().name();
    }

    /**
     * Whether the planner should take it: a GEMM one row deep (one input channel per group), a tiny layer, few
     * shallow filters ({@link org.convcl.opencl.tuning.ConvPolicy#fewFilters}), or one input channel under a window
     * the depthwise rows kernel builds in where the channel lanes have too few registers ({@link #rowsOutrunLanes}).
     * Streamed weights are never preferred: they run where pinned, or where find mode measured them fastest.
     */
    @Override
    public boolean preferred(Conv2dShape s, PlanContext context) {
        var p = context.policy();
        return !streamWeights && ((s.cPerGroup() == 1 && (s.groups() > 1 || rowsOutrunLanes(s, context)))
                || s.flops() < p.tinyLayerFlops()
                || (s.kPerGroup() <= p.fewFilters() && (long) s.cPerGroup() * s.kh() * s.kw() <= p.shallowDepth()));
    }

    /**
     * A window the depthwise rows kernel builds in ({@link DirectConv2d#streamsWeights}) on a CPU whose vector
     * registers hold too few of the channel lanes' sums ({@link ChannelLanesAlgorithm#holdsEnoughSums}; AVX2's 16).
     * In find passes on 2 Zen 3 cores the kernel, weights hoisted, ran MNIST's 5x5 (K=32, N=64) faster than the lanes
     * in 13 of 14, and over one channel of 128x128 and 96x96 (3x3 K=32 N=16, 5x5 K=64 N=8) in 0.43-0.98x their time;
     * on 7x7 windows (K=64 56x56, K=32 112x112 at stride 2) the two were within 0.86-1.13x of each other. With 32
     * registers (AVX-512) the lanes won MNIST's find passes and keep such layers.
     */
    private static boolean rowsOutrunLanes(Conv2dShape s, PlanContext context) {
        return DirectConv2d.streamsWeights(s, context.device()) && context.policy().laneRegisters() > 0
                && !ChannelLanesAlgorithm.holdsEnoughSums(context);
    }

    @Override
    public Conv2dPlan plan(Conv2dShape s, PlanContext context) {
        var choice = streamWeights ? DirectConv2d.chooseStreamed(s, context.device())
                : DirectConv2d.choose(s, context.device());
        return new Conv2dPlan(s, this, null, List.of(), 0, choice, null, Gather.NONE);
    }

    @Override
    public void forward(Conv2dPlan plan, ConvResources r, ConvOperands io) {
        r.direct.enqueue(plan.direct(), io.x(), io.w(), io.bias(), io.epilogue(), io.y(), plan.shape());
    }
}
