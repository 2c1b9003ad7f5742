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
        var launch = new Launch(cl, cl.kernel("pool", "avgpool2d", Launch.OPTIONS_1D), "avgpool2d").buffer(x).buffer(y);
        divisor(PoolGeometry.window(launch, PoolGeometry.outputs(s), s), s).enqueue1d(PoolGeometry.outputs(s));
    }

    /** dy (N, C, OH, OW) to dx (N, C, H, W). */
    public void backward(DeviceBuffer dy, DeviceBuffer dx, Pool2dShape s) {
        var launch = new Launch(cl, cl.kernel("pool", "avgpool2d_backward", Launch.OPTIONS_1D), "avgpool2d_backward")
                .buffer(dy).buffer(dx);
        divisor(PoolGeometry.window(launch, PoolGeometry.inputs(s), s), s).enqueue1d(PoolGeometry.inputs(s));
    }

    private static Launch divisor(Launch launch, Pool2dShape s) {
        return launch.i32(s.params().countIncludePad() ? 1 : 0).i32(s.params().divisorOverride());
    }
}
