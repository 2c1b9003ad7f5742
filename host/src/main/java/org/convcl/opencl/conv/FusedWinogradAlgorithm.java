package org.convcl.opencl.conv;

import java.util.List;
import org.convcl.Conv2dShape;
import org.convcl.opencl.ops.WinogradKernels;
import org.convcl.opencl.ops.WinogradTiles;
import org.convcl.opencl.tuning.DeviceClass;

/**
 * Winograd F(4x4,3x3), or F(2x2,5x5) for 5x5 windows, in one kernel ({@code winograd_fused} of {@code winograd.cl}),
 * the two transforms of six input pixels a tile side: the filter transform (kept per
 * weight tensor while it is unchanged, shared with {@link WinogradAlgorithm}), then one launch in which each
 * work-item transforms a run of input tiles in every channel, sums the products over the channels for each block of
 * filters and transforms them into the output, all in its own local memory. For CPUs and layers of few channels,
 * where the unfused path's transformed tiles, written out and read back between its three launches, cost more than
 * the products. Its error bound is Winograd's ({@link org.convcl.Tolerance#WINOGRAD}); non-finite outputs are summed
 * again directly, as there.
 */
final class FusedWinogradAlgorithm implements ConvAlgorithm {
    private static final int FEWEST_CHANNELS = 16;

    /** 3x3 and 5x5 windows at Winograd's stride, where the device's local memory holds a work-item's tiles. */
    @Override
    public String whyNot(Conv2dShape s, PlanContext context) {
        String shape = WinogradAlgorithm.whyNot(s, "WINOGRAD_FUSED", "a 3x3 or 5x5 kernel", 3, 5);
        if (shape != null) {
            return shape;
        }
        long bytes = WinogradKernels.fusedLocalBytes(tiles(s), context.device());
        return bytes <= context.device().localMemBytes() ? null : "WINOGRAD_FUSED needs " + bytes
                + " bytes of local memory for a run of tiles in " + s.c() + " channels, more than"
                + " CL_DEVICE_LOCAL_MEM_SIZE " + context.device().localMemBytes();
    }

    /**
     * Why find mode leaves it out of the timing of {@code s}, or null to time it: a GPU, whose work-groups of one
     * work-item never pay; too few input channels ({@link WinogradAlgorithm#fewChannels}); or rows of tiles that leave at
     * least half of each run's lanes empty ({@link #fillsItsRuns}).
     */
    static String whyNotTimed(Conv2dShape s, PlanContext context) {
        if (DeviceClass.of(context.device()) != DeviceClass.CPU) {
            return "a CPU kernel, one work-item a group";
        }
        String few = WinogradAlgorithm.fewChannels(s);
        if (few != null) {
            return few;
        }
        return fillsItsRuns(s) ? null : "rows of " + tiles(s).tilesWide() + " tiles leave half of each run's lanes empty";
    }

    /**
     * Whether the runs of tiles of a row, {@value WinogradTiles#RUN} lanes each, are more than half full: on smaller
     * images every lane left empty still costs its share of the products. Through the Java API on 2 Zen 4 cores
     * (AVX-512, N=8, p10), 3x3 on rows of 4 tiles or fewer against the fastest other path: C=K=64 14x14 0.63 ms
     * against 0.55 (F(4x4), channel lanes), C=K=128 14x14 2.31 against 1.38 (F(4x4)), C=K=32 16x16 0.22 against 0.20
     * (lanes), C=K=64 7x7 0.32 against 0.14 (lanes); the kernels alone, C=K=256 14x14 7.5 against 5.0 (F(4x4)), and
     * 5x5 over 832 channels of a 7x7 image 12.3 against 6.6-7.8 (lanes).
     */
    private static boolean fillsItsRuns(Conv2dShape s) {
        var t = tiles(s);
        return 2L * t.tilesWide() > (long) t.runsWide() * WinogradTiles.RUN;
    }

    /**
     * Whether the planner should take it: a 3x3 window where the device class names the most channels
     * ({@link org.convcl.opencl.tuning.ConvPolicy#fusedWinogradChannels}) and the layer has from
     * {@value #FEWEST_CHANNELS} up to that many input channels and filters, on rows of tiles that fill more than half
     * of its runs ({@link #fillsItsRuns}). A 5x5 window where find mode would time it and the channel lanes, the other
     * candidate, have too few vector registers ({@link ChannelLanesAlgorithm#holdsEnoughSums}): against the lanes
     * (the kernels alone, N=8, 2 Zen 4 cores, AVX-512) it ran Inception's 5x5 on 192 channels (K=32, 28x28) in 7.1 ms
     * against 8.0 and on 480 (K=48, 14x14) in 5.3 against 6.8, but on 832 over a 7x7 image (K=128), half of each run's
     * lanes past the row, in 12.3 against 6.6-7.8.
     */
    @Override
    public boolean preferred(Conv2dShape s, PlanContext context) {
        if (s.kh() == 5) {
            return context.policy().laneRegisters() > 0 && !ChannelLanesAlgorithm.holdsEnoughSums(context)
                    && whyNot(s, context) == null && whyNotTimed(s, context) == null;
        }
        int most = context.policy().fusedWinogradChannels();
        return most > 0 && s.kh() == 3 && Math.min(s.c(), s.k()) >= FEWEST_CHANNELS
                && Math.max(s.c(), s.k()) <= most && whyNot(s, context) == null && fillsItsRuns(s);
    }

    @Override
    public Conv2dPlan plan(Conv2dShape s, PlanContext context) {
        return new Conv2dPlan(s, this, null, List.of(), tiles(s).tile(), null, null, Gather.NONE);
    }

    /** F(4x4) for 3x3 windows, F(2x2) for 5x5: either way six input pixels a tile side. */
    private static WinogradTiles tiles(Conv2dShape s) {
        return new WinogradTiles(s, s.kh() == 3 ? 4 : 2);
    }

    @Override
    public void forward(Conv2dPlan plan, ConvResources r, ConvOperands io) {
        var t = plan.tiles();
        var u = WinogradAlgorithm.transformedFilters(t, r, io.w());
        r.winograd.fused(t, io.x(), u, io.bias(), io.epilogue(), io.y(), io.w());
    }
}
