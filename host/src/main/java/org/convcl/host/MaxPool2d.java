package org.convcl.host;

import org.convcl.reference.Pool2dShape;

/** Max pooling with argmax indices, and its gradient gathered from those indices. */
final class MaxPool2d {
    private final ClContext cl;

    MaxPool2d(ClContext cl) {
        this.cl = cl;
    }

    /** x (N, C, H, W) to y and indices (N, C, OH, OW). */
    void forward(DeviceBuffer x, DeviceBuffer y, DeviceBuffer indices, Pool2dShape s) {
        var p = s.params();
        var launch = new Launch(cl, cl.kernel("pool", "maxpool2d", Launch.OPTIONS_1D), "maxpool2d")
                .buffer(x).buffer(y).buffer(indices);
        PoolGeometry.window(launch, PoolGeometry.outputs(s), s)
                .i32(p.dilationH()).i32(p.dilationW()).enqueue1d(PoolGeometry.outputs(s));
    }

    /** dy and indices (N, C, OH, OW) to dx (N, C, H, W). */
    void backward(DeviceBuffer dy, DeviceBuffer indices, DeviceBuffer dx, Pool2dShape s) {
        var p = s.params();
        var launch = new Launch(cl, cl.kernel("pool", "maxpool2d_backward", Launch.OPTIONS_1D), "maxpool2d_backward")
                .buffer(dy).buffer(indices).buffer(dx);
        PoolGeometry.window(launch, PoolGeometry.inputs(s), s)
                .i32(p.dilationH()).i32(p.dilationW()).enqueue1d(PoolGeometry.inputs(s));
    }
}
