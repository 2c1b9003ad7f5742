package org.convcl.opencl.ops;

import org.convcl.Pool2dShape;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;

/** Max pooling with argmax indices, and its gradient gathered from those indices. */
public final class MaxPool2d {
    private final ClContext cl;

    public MaxPool2d(ClContext cl) {
        this.cl = cl;
    }

    /**
     * x (N, C, H, W) to y and indices (N, C, OH, OW); with indices null, a build that neither tracks nor writes them
     * (its unused indices argument is y).
     */
    public void forward(DeviceBuffer x, DeviceBuffer y, DeviceBuffer indices, Pool2dShape s) {
        var launch = indices == null
                ? PoolGeometry.launch(cl, "maxpool2d", " -DINDICES=0").buffer(x).buffer(y).buffer(y)
                : PoolGeometry.launch(cl, "maxpool2d").buffer(x).buffer(y).buffer(indices);
        run(launch, PoolGeometry.outputRuns(s), s);
    }

    /** dy and indices (N, C, OH, OW) to dx (N, C, H, W). */
    public void backward(DeviceBuffer dy, DeviceBuffer indices, DeviceBuffer dx, Pool2dShape s) {
        run(PoolGeometry.launch(cl, "maxpool2d_backward").buffer(dy).buffer(indices).buffer(dx),
                PoolGeometry.inputPlane(s), s);
    }

    /**
     * Whether every index is a tap of its own output element's window ({@link Pool2dShape#requireIndices}), checked
     * on the device: only one flag comes back to the host.
     */
    public boolean indicesInWindows(DeviceBuffer indices, Pool2dShape s) {
        try (var bad = new DeviceBuffer(cl, "index check flag", 1, Long.BYTES)) {
            long[] flag = {0};
            bad.write(flag);
            run(PoolGeometry.launch(cl, "maxpool2d_check_indices").buffer(indices).buffer(bad),
                    PoolGeometry.outputPlane(s), s);
            bad.read(flag);
            return flag[0] == 0;
        }
    }

    /** The kernels end with the window and the dilation, one work-item per element of every plane. */
    private static void run(Launch launch, int perPlane, Pool2dShape s) {
        var p = s.params();
        PoolGeometry.window(launch, s).i32(p.dilationH()).i32(p.dilationW())
                .enqueuePlanes(perPlane, PoolGeometry.planes(s));
    }
}
