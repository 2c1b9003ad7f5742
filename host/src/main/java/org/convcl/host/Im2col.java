package org.convcl.host;

import org.convcl.reference.Conv2dParams;
import org.convcl.reference.Conv2dShape;

/** The {@code im2col.cl} kernel: lowers a slice of output rows of several images into a column matrix. */
final class Im2col {
    private static final int LOCAL_SIZE = 64;

    private final ClContext cl;

    Im2col(ClContext cl) {
        if (cl.device().maxWorkGroupSize() < LOCAL_SIZE) {
            throw new IllegalArgumentException("device " + cl.device().name() + ": max work-group size "
                    + cl.device().maxWorkGroupSize() + " is below the " + LOCAL_SIZE + " im2col needs");
        }
        this.cl = cl;
    }

    /**
     * Writes col as (images, C*KH*KW, rows*OW) for output rows {@code [oh0, oh0 + rows)} of images starting at
     * element {@code xOffset} of x.
     */
    void enqueue(DeviceBuffer x, long xOffset, DeviceBuffer col, Conv2dShape s, int images, int oh0, int rows) {
        Conv2dParams p = s.params();
        var kernel = cl.kernel("im2col", "im2col", "-DLOCAL_SIZE=" + LOCAL_SIZE);
        new Launch(cl, kernel, "im2col")
                .buffer(x).i64(xOffset).buffer(col)
                .i32(s.c()).i32(s.h()).i32(s.w()).i32(s.kh()).i32(s.kw())
                .i32(p.strideH()).i32(p.strideW()).i32(p.padH()).i32(p.padW()).i32(p.dilationH()).i32(p.dilationW())
                .i32(s.ow()).i32(oh0).i32(rows)
                .enqueue(new long[] {Launch.roundUp((long) rows * s.ow(), LOCAL_SIZE), s.c(), images},
                        new long[] {LOCAL_SIZE, 1, 1});
    }
}
