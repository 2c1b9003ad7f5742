package org.convcl.host;

import org.convcl.reference.Conv2dParams;
import org.convcl.reference.Conv2dShape;

/**
 * The {@code im2col.cl} kernel: lowers a slice of output rows of several images into a column matrix, or into its
 * transpose for the weight gradient.
 */
final class Im2col {
    private static final int LOCAL_SIZE = Launch.LOCAL_1D;

    private final ClContext cl;
    private final String options;

    /** @param transposed write (images*columns, C*KH*KW) instead of (images, C*KH*KW, columns) */
    Im2col(ClContext cl, boolean transposed) {
        this.cl = cl;
        this.options = "-DLOCAL_SIZE=" + LOCAL_SIZE + " -DTRANSPOSED=" + (transposed ? 1 : 0);
    }

    /**
     * Writes col as (images, C*KH*KW, rows*OW), or transposed, for output rows {@code [oh0, oh0 + rows)} of images starting at
     * element {@code xOffset} of x.
     */
    void enqueue(DeviceBuffer x, long xOffset, DeviceBuffer col, Conv2dShape s, int images, int oh0, int rows) {
        Conv2dParams p = s.params();
        var kernel = cl.kernel("im2col", "im2col", options);
        new Launch(cl, kernel, "im2col")
                .buffer(x).i64(xOffset).buffer(col)
                .i32(s.c()).i32(s.h()).i32(s.w()).i32(s.kh()).i32(s.kw())
                .i32(p.strideH()).i32(p.strideW()).i32(p.padH()).i32(p.padW()).i32(p.dilationH()).i32(p.dilationW())
                .i32(s.ow()).i32(oh0).i32(rows)
                .enqueue(new long[] {Launch.roundUp((long) rows * s.ow(), LOCAL_SIZE), (long) s.c() * s.kh() * s.kw(), images},
                        new long[] {LOCAL_SIZE, 1, 1});
    }
}
