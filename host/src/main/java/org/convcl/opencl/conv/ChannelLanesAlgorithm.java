package org.convcl.opencl.conv;

import java.util.List;
import org.convcl.Conv2dShape;
import org.convcl.opencl.ops.ChannelLanesConv2d;
import org.convcl.opencl.ops.ColumnChunks;

/**
 * conv2d with the output channels in the vector lanes ({@code channel_lanes.cl}): the filters laid out in blocks of a
 * work-item's channels, tap by tap (kept per weight tensor while it is unchanged), then per chunk of whole images the
 * input with its padding written out and one launch in which each work-item sums every tap of its channels at a few
 * neighbouring pixels. For few filters over many taps, where the implicit GEMM's gather and the direct kernel's weight
 * loads leave the multiply-adds waiting.
 */
final class ChannelLanesAlgorithm implements ConvAlgorithm {
    /** Any shape whose one image, padded, fits the column budget: chunks hold whole images. */
    @Override
    public String whyNot(Conv2dShape s, PlanContext context) {
        long bytes = choice(s, context).paddedFloatsPerImage(s) * Float.BYTES;
        return bytes <= context.columnBudgetBytes() ? null : "CHANNEL_LANES needs one image's padded input, "
                + bytes + " bytes, within the column budget of " + context.columnBudgetBytes() + " bytes";
    }

    /**
     * Whether the planner should take it: a window wider than one pixel, where the device class sets a most vectors
     * of filters per group ({@link org.convcl.opencl.tuning.ConvPolicy#laneFilterVectors}, of the width the kernel
     * takes on the device) and a fewest taps per output pixel ({@link org.convcl.opencl.tuning.ConvPolicy#laneTaps})
     * and the shape is within both. A 1x1 window has nothing to gather, so its GEMM reads the images as they are; only
     * where the device's vector registers hold enough sums ({@link #holdsEnoughSums}) does reusing each broadcast pixel
     * across them pay.
     */
    @Override
    public boolean preferred(Conv2dShape s, PlanContext context) {
        var p = context.policy();
        return p.laneFilterVectors() > 0 && (s.kh() * s.kw() > 1 || holdsEnoughSums(context))
                && s.kPerGroup() <= (long) p.laneFilterVectors() * choice(s, context).width()
                && (long) s.cPerGroup() * s.kh() * s.kw() >= p.laneTaps() && whyNot(s, context) == null;
    }

    /**
     * Whether the device has the vector registers ({@link org.convcl.opencl.tuning.ConvPolicy#laneRegisters}) for the
     * lanes to take 1x1 layers from the pointwise GEMM and 5x5 layers from the fused Winograd.
     */
    static boolean holdsEnoughSums(PlanContext context) {
        int registers = context.policy().laneRegisters();
        return registers > 0 && context.device().vectorRegisters() >= registers;
    }

    @Override
    public Conv2dPlan plan(Conv2dShape s, PlanContext context) {
        var choice = choice(s, context);
        var chunks = choice.readsInputInPlace(s) ? List.of(new ColumnChunks.Chunk(0, s.n(), 0, s.oh()))
                : ColumnChunks.plan(s, context.columnBudgetBytes(), 0, choice.paddedFloatsPerImage(s), s.oh(),
                        "one image's padded input needs");
        return Conv2dPlan.lanes(s, this, choice, chunks);
    }

    private static ChannelLanesConv2d.Choice choice(Conv2dShape s, PlanContext context) {
        return ChannelLanesConv2d.choose(s, context.device());
    }

    @Override
    public long workspaceFloats(Conv2dPlan plan) {
        return plan.largestChunkImages() * plan.lanes().paddedFloatsPerImage(plan.shape());
    }

    @Override
    public void forward(Conv2dPlan plan, ConvResources r, ConvOperands io) {
        var s = plan.shape();
        var choice = plan.lanes();
        var wt = r.filters.get(io.w(), choice.filterLayout(s), choice.filterFloats(s),
                laidOut -> r.lanes.filters(choice, s, io.w(), laidOut));
        if (choice.readsInputInPlace(s)) {
            plan.chunks().forEach(chunk -> r.lanes.conv(choice, s, chunk, io.x(), wt, io.bias(), io.epilogue(),
                    io.y()));
            return;
        }
        // One padded buffer for every chunk: the in-order queue finishes a chunk's launch before the next pad.
        var xp = r.columns.atLeast(workspaceFloats(plan));
        for (var chunk : plan.chunks()) {
            r.lanes.pad(choice, s, chunk, io.x(), xp);
            r.lanes.conv(choice, s, chunk, xp, wt, io.bias(), io.epilogue(), io.y());
        }
    }
}
