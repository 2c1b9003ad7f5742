package org.convcl.opencl.ops;

import org.convcl.Conv2dShape;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;

/** The {@code col2im.cl} kernel: sums column matrices back into images, gathering so that no atomics are needed. */
public final class Col2im {
    private final ClContext cl;

    public Col2im(ClContext cl) {
        this.cl = cl;
    }

    // TEMPORARY until the row-slice kernel lands from the kernels branch.
    public void enqueue(DeviceBuffer col, DeviceBuffer x, long xOffset, Conv2dShape s, int images, int oh0, int rows,
                        boolean accumulate) {
        if (oh0 != 0 || rows != s.oh() || accumulate) {
            throw new UnsupportedOperationException("row slices");
        }
        enqueue(col, x, xOffset, s, images);
    }

    /** col (images, C*KH*KW, OH*OW) into x (images, C, H, W) starting at element {@code xOffset}. */
    public void enqueue(DeviceBuffer col, DeviceBuffer x, long xOffset, Conv2dShape s, int images) {
        var p = s.params();
        long total = (long) images * s.c() * s.h() * s.w();
        new Launch(cl, cl.kernel("col2im", "col2im", Launch.OPTIONS_1D), "col2im")
                .buffer(col).buffer(x).i64(xOffset).i64(total)
                .i32(s.c()).i32(s.h()).i32(s.w()).i32(s.kh()).i32(s.kw())
                .i32(p.strideH()).i32(p.strideW()).i32(p.padH()).i32(p.padW()).i32(p.dilationH()).i32(p.dilationW())
                .i32(s.oh()).i32(s.ow()).enqueue1d(total);
    }
}
