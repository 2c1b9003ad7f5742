package org.convcl.opencl.ops;

import java.util.HashMap;
import java.util.Map;
import org.convcl.Conv2dShape;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.tuning.SgemmConfig;

/**
 * conv2d as an implicit GEMM: the register-blocked SGEMM kernel built with {@code -DIMPLICIT} gathers each KC-deep slice of
 * the column matrix straight from the input images while it fills its B panel, so there is no im2col pass and no
 * column buffer, and the whole batch runs in one launch. Only the register-blocked (CPU) SGEMM kernel has this mode.
 */
public final class ImplicitConv2d {
    private final ClContext cl;
    private final SgemmConfig config;
    /** Kernels by configuration, which differ in work-group height: see {@link #tallEnough}. */
    private final Map<SgemmConfig.Blocked, Sgemm> byShape = new HashMap<>();

    public ImplicitConv2d(ClContext cl, SgemmConfig config) {
        this.cl = cl;
        this.config = config;
    }

    public boolean available() {
        return config instanceof SgemmConfig.Blocked;
    }

    /** Enqueues y (N, K, OH, OW) = conv2d(x (N, C, H, W), w (K, C/G, KH, KW)) + bias (K) or null. */
    public void enqueue(DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, Sgemm.Operand y, Conv2dShape s) {
        if (!(config instanceof SgemmConfig.Blocked blocked)) {
            throw new IllegalArgumentException("implicit conv2d needs the register-blocked (CPU) SGEMM kernel, not " + config);
        }
        var sgemm = byShape.computeIfAbsent(tallEnough(blocked, s.kPerGroup()), c -> new Sgemm(cl, c));
        long inPlane = (long) s.h() * s.w();
        var in = new Sgemm.Operand(x, 0, 0, s.c() * inPlane, s.cPerGroup() * inPlane);
        sgemm.enqueue(s.kPerGroup(), y.ld(), s.patchSize(), s.groups(), s.n(), w, 0, in, y, bias, " -DIMPLICIT",
                launch -> ConvGeometry.window(launch, s).i32(s.ow()));
    }

    /**
     * Gathering costs more than copying a column matrix, so each panel should be gathered once, by a work-group
     * tall enough for all m rows; but rows past m are computed and thrown away. So: half, once or twice the
     * configured height, the least that covers m where one does, else twice, unless the device cannot run it.
     */
    private SgemmConfig.Blocked tallEnough(SgemmConfig.Blocked blocked, int m) {
        int localM = blocked.localM() * 2;
        for (int candidate : new int[] {Math.max(1, blocked.localM() / 2), blocked.localM()}) {
            if ((long) candidate * blocked.wptm() >= m) {
                localM = candidate;
                break;
            }
        }
        var chosen = blocked.withLocalM(localM);
        return chosen.fits(cl.device()) == null ? chosen : blocked;
    }
}
