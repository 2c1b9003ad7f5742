package org.convcl.opencl.ops;

import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.opencl.runtime.Launch;

/** The convolution window arguments the conv2d kernels share, in the order they take them. */
public final class ConvGeometry {

    private ConvGeometry() {
    }

    /**
     * Whether a padded input extent ({@code in + padBegin + padEnd}, either axis) passes 2^31 - 1. Below that every
     * window coordinate {@code o*S - P + k*D} and each of its terms fits a 32-bit int; beyond it the implicit GEMM is
     * built with {@code -DWIDE_WINDOW} and gathers with 64-bit coordinates (the other kernels always use them).
     */
    public static boolean isWide(Conv2dShape s) {
        Conv2dParams p = s.params();
        return (long) s.h() + p.padTop() + p.padBottom() > Integer.MAX_VALUE
                || (long) s.w() + p.padLeft() + p.padRight() > Integer.MAX_VALUE;
    }

    /**
     * Appends H, W, KH, KW, then stride, padding and dilation, each as (H, W); the padding is the top and left pad,
     * all the kernels need: the bottom and right ones only bound the output size, which the host computes.
     */
    public static Launch window(Launch launch, Conv2dShape s) {
        Conv2dParams p = s.params();
        return launch.i32(s.h()).i32(s.w()).i32(s.kh()).i32(s.kw()).i32(p.strideH()).i32(p.strideW()).i32(p.padTop())
                .i32(p.padLeft()).i32(p.dilationH()).i32(p.dilationW());
    }
}
