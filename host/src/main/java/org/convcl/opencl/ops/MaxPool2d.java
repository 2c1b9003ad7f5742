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

    /** x (N, C, H, W) to y and indices (N, C, OH, OW). */
    public void forward(DeviceBuffer x, DeviceBuffer y, DeviceBuffer indices, Pool2dShape s) {
        var p = s.params();
        var launch = new Launch(cl, cl.kernel("pool", "maxpool2d", Launch.OPTIONS_1D), "maxpool2d")
                .buffer(x).buffer(y).buffer(indices);
        PoolGeometry.window(launch, PoolGeometry.outputs(s), s)
                .i32(p.dilationH()).i32(p.dilationW()).enqueue1d(PoolGeometry.outputs(s));
    }

    /** dy and indices (N, C, OH, OW) to dx (N, C, H, W). */
    public void backward(DeviceBuffer dy, DeviceBuffer indices, DeviceBuffer dx, Pool2dShape s) {
        var p = s.params();
        var launch = new Launch(cl, cl.kernel("pool", "maxpool2d_backward", Launch.OPTIONS_1D), "maxpool2d_backward")
                .buffer(dy).buffer(indices).buffer(dx);
        PoolGeometry.window(launch, PoolGeometry.inputs(s), s)
                .i32(p.dilationH()).i32(p.dilationW()).enqueue1d(PoolGeometry.inputs(s));
    }
}
