package org.convcl.opencl.ops;

import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.opencl.DeviceInfo;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;

/**
 * The kernels of {@code im2col.cl}, built as one program: {@code im2col} lowers a slice of output rows of several
 * images into a column matrix, {@code im2col_transposed} into its transpose for the weight gradient, and
 * {@code direct} convolves without a column matrix.
 */
public final class Im2col {
    /** Output pixels per work-item, work-items per group along the pixels, and output planes per direct group. */
    private static final int VW = 8;
    private static final int LOCAL_X = 32;
    private static final int LOCAL_Y = 4;
    private static final String DEFINES = "-DVW=" + VW + " -DLOCAL_X=" + LOCAL_X + " -DLOCAL_Y=" + LOCAL_Y;

    private final ClContext cl;

    public Im2col(ClContext cl) {
        DeviceInfo d = cl.device();
        if (d.maxWorkGroupSize() < LOCAL_X * LOCAL_Y || d.maxWorkItemSizes()[0] < LOCAL_X
                || d.maxWorkItemSizes()[1] < LOCAL_Y) {
            throw new IllegalArgumentException("device " + d.name() + ": max work-group size " + d.maxWorkGroupSize()
                    + " is below the " + LOCAL_X + " x " + LOCAL_Y + " the im2col and direct kernels need");
        }
        this.cl = cl;
    }

    /**
     * Writes col as (images, C*KH*KW, rows*OW) for output rows {@code [oh0, oh0 + rows)} of images starting at
     * element {@code xOffset} of x.
     */
    public void enqueue(DeviceBuffer x, long xOffset, DeviceBuffer col, Conv2dShape s, int images, int oh0, int rows) {
        var kernel = cl.kernel("im2col", "im2col", DEFINES);
        var launch = new Launch(cl, kernel, "im2col").buffer(x).i64(xOffset).buffer(col)
                .i32(s.c()).i32(s.h()).i32(s.w()).i32(s.kh()).i32(s.kw());
        geometry(launch, s).i32(s.ow()).i32(oh0).i32(rows)
                .enqueue(new long[] {Launch.roundUp(rows * blocksPerRow(s), LOCAL_X), s.c(), images},
                        new long[] {LOCAL_X, 1, 1});
    }

    /** As {@link #enqueue}, but writes col transposed: (images*rows*OW, C*KH*KW). */
    public void enqueueTransposed(DeviceBuffer x, long xOffset, DeviceBuffer col, Conv2dShape s, int images, int oh0,
                           int rows) {
        var kernel = cl.kernel("im2col", "im2col_transposed", DEFINES);
        var launch = new Launch(cl, kernel, "im2col_transposed").buffer(x).i64(xOffset).buffer(col)
                .i32(s.c()).i32(s.h()).i32(s.w()).i32(s.kh()).i32(s.kw());
        geometry(launch, s).i32(s.ow()).i32(oh0).i32(rows)
                .enqueue(new long[] {Launch.roundUp((long) rows * s.ow(), LOCAL_X), (long) s.c() * s.kh() * s.kw(),
                                images},
                        new long[] {LOCAL_X, 1, 1});
    }

    /** Writes y (N, K, OH, OW) from x (N, C, H, W), w (K, C/G, KH, KW) and bias (K) or null. */
    public void direct(DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, DeviceBuffer y, Conv2dShape s) {
        var kernel = cl.kernel("im2col", "direct", DEFINES);
        var launch = new Launch(cl, kernel, "direct")
                .buffer(x).buffer(w).buffer(bias == null ? w : bias).i32(bias == null ? 0 : 1).buffer(y)
                .i32(s.n()).i32(s.c()).i32(s.h()).i32(s.w()).i32(s.k()).i32(s.groups()).i32(s.kh()).i32(s.kw());
        geometry(launch, s).i32(s.oh()).i32(s.ow())
                .enqueue(new long[] {Launch.roundUp(s.oh() * blocksPerRow(s), LOCAL_X),
                                Launch.roundUp((long) s.n() * s.k(), LOCAL_Y)},
                        new long[] {LOCAL_X, LOCAL_Y});
    }

    /** Sets stride, padding and dilation, each as (H, W). */
    public static Launch geometry(Launch launch, Conv2dShape s) {
        Conv2dParams p = s.params();
        return launch.i32(p.strideH()).i32(p.strideW()).i32(p.padH()).i32(p.padW()).i32(p.dilationH())
                .i32(p.dilationW());
    }

    private static long blocksPerRow(Conv2dShape s) {
        return (s.ow() + VW - 1) / VW;
    }
}
