package org.convcl.opencl.ops;

import org.convcl.Pool2dShape;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;

/** Average pooling and its gradient. */
public final class AvgPool2d {
    private final ClContext cl;

    public AvgPool2d(ClContext cl) {
        this.cl = cl;
    }

    /** x (N, C, H, W) to y (N, C, OH, OW). */
    public void forward(DeviceBuffer x, DeviceBuffer y, Pool2dShape s) {
        run(PoolGeometry.launch(cl, "avgpool2d").buffer(x).buffer(y), PoolGeometry.outputRuns(s), s);
    }

    /** dy (N, C, OH, OW) to dx (N, C, H, W). */
    public void backward(DeviceBuffer dy, DeviceBuffer dx, Pool2dShape s) {
        run(PoolGeometry.launch(cl, "avgpool2d_backward").buffer(dy).buffer(dx),
                PoolGeometry.inputPlane(s), s);
    }

    /**
     * Both kernels end with the window, the bottom and right padding (the divisor counts up to them) and the divisor
     * settings; {@code perPlane} work-items for every plane.
     */
    private static void run(Launch launch, int perPlane, Pool2dShape s) {
        var p = s.params();
        PoolGeometry.window(launch, s).i32(p.padBottom()).i32(p.padRight()).i32(p.countIncludePad() ? 1 : 0)
                .i32(p.divisorOverride()).enqueuePlanes(perPlane, PoolGeometry.planes(s));
    }
}
