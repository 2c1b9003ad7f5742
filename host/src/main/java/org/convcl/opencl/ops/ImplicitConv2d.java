package org.convcl.opencl.ops;

import org.convcl.opencl.runtime.DeviceBuffer;

/**
 * conv2d as an implicit GEMM: the SGEMM kernel built with {@code -DIMPLICIT} gathers the column matrix straight from
 * the input images while it fills its B panel (register-blocked CPU kernel) or B tile (GPU kernel), so there is no
 * im2col pass and no column buffer, and the whole batch runs in one launch.
 */
final class ImplicitConv2d {
    /**
     * Enqueues y (N, K, OH, OW) = epilogue(conv2d(x (N, C, H, W), w (K, C/G, KH, KW)) + bias (K) or null), the
     * epilogue's residual laid out like y.
     */
    void enqueue(Conv2dPlan plan, Sgemm sgemm, DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, Sgemm.Operand y,
                 Epilogue epilogue) {
        var s = plan.shape();
        long inPlane = (long) s.h() * s.w();
        var in = new Sgemm.Operand(x, 0, 0, s.c() * inPlane, s.cPerGroup() * inPlane);
        sgemm.enqueueImplicit(new Sgemm.Size(s.kPerGroup(), y.ld(), s.patchSize(), s.groups(), s.n()), w, in, y,
                bias, epilogue, ConvGeometry.isWide(s) ? " -DWIDE_WINDOW" : "",
                launch -> ConvGeometry.window(launch, s).i32(s.ow()));
    }
}
