package org.convcl.host;

import org.convcl.reference.Conv2dParams;
import org.convcl.reference.Conv2dShape;

/** The {@code depthwise.cl} kernel: direct conv2d where every group has one input channel. */
final class Depthwise {
    private static final int VW = 8;
    private static final int LOCAL_X = 8;
    private static final int LOCAL_Y = 8;

    private final ClContext cl;

    Depthwise(ClContext cl) {
        if (cl.device().maxWorkGroupSize() < LOCAL_X * LOCAL_Y || cl.device().maxWorkItemSizes()[1] < LOCAL_Y) {
            throw new IllegalArgumentException("device " + cl.device().name() + ": max work-group size "
                    + cl.device().maxWorkGroupSize() + " is below the " + LOCAL_X + " x " + LOCAL_Y
                    + " the depthwise kernel needs");
        }
        this.cl = cl;
    }

    static boolean applies(Conv2dShape s) {
        return s.cPerGroup() == 1 && s.groups() > 1;
    }

    /** Writes y (N, K, OH, OW) from x (N, C, H, W), w (K, 1, KH, KW) and bias (K) or null. */
    void enqueue(DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, DeviceBuffer y, Conv2dShape s) {
        Conv2dParams p = s.params();
        var kernel = cl.kernel("depthwise", "depthwise", "-DVW=" + VW + " -DLOCAL_X=" + LOCAL_X + " -DLOCAL_Y=" + LOCAL_Y);
        long blocks = (long) s.oh() * ((s.ow() + VW - 1) / VW);
        new Launch(cl, kernel, "depthwise")
                .buffer(x).buffer(w).buffer(bias == null ? w : bias).i32(bias == null ? 0 : 1).buffer(y)
                .i32(s.n()).i32(s.c()).i32(s.h()).i32(s.w()).i32(s.k()).i32(s.kh()).i32(s.kw())
                .i32(p.strideH()).i32(p.strideW()).i32(p.padH()).i32(p.padW()).i32(p.dilationH()).i32(p.dilationW())
                .i32(s.oh()).i32(s.ow())
                .enqueue(new long[] {Launch.roundUp(blocks, LOCAL_X), Launch.roundUp((long) s.n() * s.k(), LOCAL_Y)},
                        new long[] {LOCAL_X, LOCAL_Y});
    }
}
