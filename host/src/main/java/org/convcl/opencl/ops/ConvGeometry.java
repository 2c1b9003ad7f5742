package org.convcl.opencl.ops;

import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.opencl.runtime.Launch;

/** The convolution window arguments the conv2d kernels share, in the order they take them. */
public final class ConvGeometry {

    private ConvGeometry() {
    }

    /**
     * Refuses a padded input extent past 2^31 - 1: the kernels compute window coordinates {@code o*S - P + k*D}
     * with 32-bit ints, which stay within {@code [-pad, in + pad)} only while {@code in + 2*pad} fits one.
     */
    static void requireIndexable(String axis, int in, int pad) {
        if (in + 2L * pad > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("padding: input " + axis + " " + in + " + 2 * padding " + pad + " = "
                    + (in + 2L * pad) + ", more than the 2^31 - 1 the device kernels index with 32-bit integers");
        }
    }

    /** Refuses what {@link #requireIndexable} refuses, along both axes. */
    static void requireIndexable(Conv2dShape s) {
        requireIndexable("height", s.h(), s.params().padH());
        requireIndexable("width", s.w(), s.params().padW());
    }

    /** Appends H, W, KH, KW, then stride, padding and dilation, each as (H, W). */
    public static Launch window(Launch launch, Conv2dShape s) {
        Conv2dParams p = s.params();
        return launch.i32(s.h()).i32(s.w()).i32(s.kh()).i32(s.kw()).i32(p.strideH()).i32(p.strideW()).i32(p.padH())
                .i32(p.padW()).i32(p.dilationH()).i32(p.dilationW());
    }
}
