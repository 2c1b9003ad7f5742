package org.convcl.opencl.ops;

import java.util.HashMap;
import java.util.Map;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.tuning.SgemmConfig;

/**
 * conv2d as an implicit GEMM: the SGEMM kernel built with {@code -DIMPLICIT} gathers the column matrix straight from
 * the input images while it fills its B panel (register-blocked CPU kernel) or B tile (GPU kernel), so there is no
 * im2col pass and no column buffer, and the whole batch runs in one launch.
 */
final class ImplicitConv2d {
    private final ClContext cl;
    /** Kernels by configuration: the planner fits the work-group height to each layer's output channels. */
    private final Map<SgemmConfig, Sgemm> byConfig = new HashMap<>();

    ImplicitConv2d(ClContext cl) {
        this.cl = cl;
    }

    /**
     * Enqueues y (N, K, OH, OW) = epilogue(conv2d(x (N, C, H, W), w (K, C/G, KH, KW)) + bias (K) or null), the
     * epilogue's residual laid out like y.
     */
    void enqueue(Conv2dPlan plan, DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, Sgemm.Operand y,
                 Epilogue epilogue) {
        var s = plan.shape();
        var sgemm = byConfig.computeIfAbsent(plan.sgemm(), c -> new Sgemm(cl, c));
        long inPlane = (long) s.h() * s.w();
        var in = new Sgemm.Operand(x, 0, 0, s.c() * inPlane, s.cPerGroup() * inPlane);
        sgemm.enqueueImplicit(new Sgemm.Size(s.kPerGroup(), y.ld(), s.patchSize(), s.groups(), s.n()), w, in, y,
                bias, epilogue, ConvGeometry.isWide(s) ? " -DWIDE_WINDOW" : "",
                launch -> ConvGeometry.window(launch, s).i32(s.ow()));
    }
}
