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

    /**
     * Sums col (images, C*KH*KW, rows*OW), the column matrices of output rows {@code [oh0, oh0 + rows)}, into x
     * (images, C, H, W) starting at element {@code xOffset}: each input element gets the taps whose output row lies
     * in that slice. Without {@code accumulate} the sums overwrite every element of the images; with it they are
     * added to what x holds, so an image's row slices are summed by writing the first and accumulating the rest.
     *
     * @param bias (C) values added to every element of their channel written without {@code accumulate}, or null
     */
    public void enqueue(DeviceBuffer col, DeviceBuffer x, long xOffset, Conv2dShape s, int images, int oh0, int rows,
                        boolean accumulate, DeviceBuffer bias) {
        int plane = Launch.requireInt("input plane", (long) s.h() * s.w());
        if (plane == 0 || images == 0) {
            return;
        }
        var launch = Launch.oneDimensional(cl, Program.COL2IM, "col2im").buffer(col).buffer(x).i64(xOffset)
                .i32(s.c());
        ConvGeometry.window(launch, s).i32(s.ow()).i32(oh0).i32(rows).i32(accumulate ? 1 : 0)
                .optional(bias, col).enqueue(new long[] {Launch.roundUp(plane, Launch.LOCAL_1D), s.c(), images},
                        new long[] {Launch.LOCAL_1D, 1, 1});
    }
}
