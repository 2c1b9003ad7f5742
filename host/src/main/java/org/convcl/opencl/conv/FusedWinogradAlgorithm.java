package org.convcl.opencl.conv;

import java.util.List;
import org.convcl.Conv2dShape;
import org.convcl.opencl.ops.WinogradKernels;
import org.convcl.opencl.ops.WinogradTiles;

/**
 * Winograd F(4x4,3x3) in one kernel ({@code winograd_fused} of {@code winograd.cl}): the filter transform (kept per
 * weight tensor while it is unchanged, shared with {@link WinogradAlgorithm}), then one launch in which each
 * work-item transforms a run of input tiles in every channel, sums the products over the channels for each block of
 * filters and transforms them into the output, all in its own local memory. For CPUs and layers of few channels,
 * where the unfused path's transformed tiles, written out and read back between its three launches, cost more than
 * the products. Its error bound is Winograd's ({@link org.convcl.Tolerance#WINOGRAD}); non-finite outputs are summed
 * again directly, as there.
 */
final class FusedWinogradAlgorithm implements ConvAlgorithm {
    private static final int TILE = 4;
    private static final int FEWEST_CHANNELS = 16;

    /** Winograd's shapes, where the device's local memory holds a work-item's transformed tiles. */
    @Override
    public String whyNot(Conv2dShape s, PlanContext context) {
        String shape = WinogradAlgorithm.whyNot(s, "WINOGRAD_FUSED");
        if (shape != null) {
            return shape;
        }
        long bytes = WinogradKernels.fusedLocalBytes(new WinogradTiles(s, TILE), context.device());
        return bytes <= context.device().localMemBytes() ? null : "WINOGRAD_FUSED needs " + bytes
                + " bytes of local memory for a run of tiles in " + s.c() + " channels, more than"
                + " CL_DEVICE_LOCAL_MEM_SIZE " + context.device().localMemBytes();
    }

    /**
     * Whether the planner should take it: where the device class names the most channels
     * ({@link org.convcl.opencl.tuning.ConvPolicy#fusedWinogradChannels}) and the layer has from
     * {@value #FEWEST_CHANNELS} up to that many input channels and filters.
     */
    @Override
    public boolean preferred(Conv2dShape s, PlanContext context) {
        int most = context.policy().fusedWinogradChannels();
        return most > 0 && Math.min(s.c(), s.k()) >= FEWEST_CHANNELS && Math.max(s.c(), s.k()) <= most
                && whyNot(s, context) == null;
    }

    @Override
    public Conv2dPlan plan(Conv2dShape s, PlanContext context) {
        return new Conv2dPlan(s, this, null, List.of(), TILE, null, null, Gather.NONE);
    }

    @Override
    public void forward(Conv2dPlan plan, ConvResources r, ConvOperands io) {
        var t = plan.tiles();
        var u = r.filters.get(io.w(), t.filterLayout(), t.filterFloats(), laidOut -> r.winograd.filters(t, io.w(), laidOut));
        r.winograd.fused(t, io.x(), u, io.bias(), io.epilogue(), io.y(), io.w());
    }
}
