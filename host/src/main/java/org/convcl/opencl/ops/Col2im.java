package org.convcl.opencl.ops;

import org.convcl.Conv2dShape;
import org.convcl.kernels.Program;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;

/** The {@code col2im.cl} kernel: sums column matrices back into images, gathering so that no atomics are needed. */
public final class Col2im {
    private final ClContext cl;

    public Col2im(ClContext cl) {
        this.cl = cl;
    }

    /** col (images, C*KH*KW, OH*OW) into x (images, C, H, W) starting at element {@code xOffset}. */
    public void enqueue(DeviceBuffer col, DeviceBuffer x, long xOffset, Conv2dShape s, int images) {
        long total = (long) images * s.c() * s.h() * s.w();
        var launch = Launch.oneDimensional(cl, Program.COL2IM, "col2im").buffer(col).buffer(x).i64(xOffset).i64(total)
                .i32(s.c());
        ConvGeometry.window(launch, s).i32(s.oh()).i32(s.ow()).enqueue1d(total);
    }
}
