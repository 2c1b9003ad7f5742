package org.convcl.opencl.ops;

import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.opencl.runtime.Launch;

/** The convolution window arguments the conv2d kernels share, in the order they take them. */
public final class ConvGeometry {

    private ConvGeometry() {
    }

    /** Appends H, W, KH, KW, then stride, padding and dilation, each as (H, W). */
    public static Launch window(Launch launch, Conv2dShape s) {
        Conv2dParams p = s.params();
        return launch.i32(s.h()).i32(s.w()).i32(s.kh()).i32(s.kw()).i32(p.strideH()).i32(p.strideW()).i32(p.padH())
                .i32(p.padW()).i32(p.dilationH()).i32(p.dilationW());
    }
}
