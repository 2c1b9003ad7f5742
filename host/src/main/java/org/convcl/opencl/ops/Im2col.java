package org.convcl.opencl.ops;

import org.convcl.Conv2dShape;
import org.convcl.kernels.Program;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;

/**
 * The kernels of {@code im2col.cl}: {@code im2col} lowers a slice of output rows of several images into a column
 * matrix, {@code im2col_transposed} into its transpose for the weight gradient.
 */
public final class Im2col {
    private final ClContext cl;

    public Im2col(ClContext cl) {
        PixelRuns.requireGroup(cl.device(), 1, "im2col kernels");
        this.cl = cl;
    }

    /**
     * Writes col as (images, C*KH*KW, rows*OW) for output rows {@code [oh0, oh0 + rows)} of images starting at
     * element {@code xOffset} of x.
     */
    public void enqueue(DeviceBuffer x, long xOffset, DeviceBuffer col, Conv2dShape s, int images, int oh0, int rows) {
        launch("im2col", x, xOffset, col, s, oh0, rows)
                .enqueue(new long[] {Launch.roundUp(rows * PixelRuns.perRow(s), PixelRuns.LOCAL_X), s.c(), images},
                        new long[] {PixelRuns.LOCAL_X, 1, 1});
    }

    /** As {@link #enqueue}, but writes col transposed: (images*rows*OW, C*KH*KW). */
    public void enqueueTransposed(DeviceBuffer x, long xOffset, DeviceBuffer col, Conv2dShape s, int images, int oh0,
                           int rows) {
        launch("im2col_transposed", x, xOffset, col, s, oh0, rows)
                .enqueue(new long[] {Launch.roundUp((long) rows * s.ow(), PixelRuns.LOCAL_X),
                                (long) s.c() * s.kh() * s.kw(), images},
                        new long[] {PixelRuns.LOCAL_X, 1, 1});
    }

    /** Both kernels take the same arguments. */
    private Launch launch(String kernel, DeviceBuffer x, long xOffset, DeviceBuffer col, Conv2dShape s, int oh0,
                          int rows) {
        var launch = new Launch(cl, cl.kernel(Program.IM2COL, kernel, PixelRuns.DEFINES), kernel)
                .buffer(x).i64(xOffset).buffer(col).i32(s.c());
        return ConvGeometry.window(launch, s).i32(s.ow()).i32(oh0).i32(rows);
    }
}
