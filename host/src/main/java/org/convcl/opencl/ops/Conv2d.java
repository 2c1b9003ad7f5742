package org.convcl.opencl.ops;

import java.util.HashMap;
import java.util.Map;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;
import org.convcl.opencl.runtime.Workspace;
import org.convcl.opencl.tuning.SgemmConfig;

/**
 * Runs a forward {@link Conv2dPlan}: the direct kernel, one SGEMM on the images (pointwise), the implicit GEMM,
 * im2col and SGEMM per chunk of the column matrix, or Winograd's transforms around SGEMMs. Every path writes
 * straight into the NCHW output and adds the bias, then the {@link Epilogue}'s residual and activation.
 * Keeps its scratch buffers between calls; close it to release them.
 */
public final class Conv2d implements AutoCloseable {
    private final ClContext cl;
    /** SGEMMs by configuration: the planner fits the work-group height to each layer's output channels. */
    private final Map<SgemmConfig, Sgemm> sgemms = new HashMap<>();
    private final Workspace packedPanels;
    private final Im2col im2col;
    private final DirectConv2d direct;
    private final ImplicitConv2d implicit;
    private final WinogradConv2d winograd;
    private final Workspace columns;

    /** @param sgemm the configuration the planner starts from, checked against the device here */
    public Conv2d(ClContext cl, SgemmConfig sgemm) {
        this.cl = cl;
        this.packedPanels = new Workspace(cl, "packed B panels");
        this.im2col = new Im2col(cl);
        this.direct = new DirectConv2d(cl);
        this.implicit = new ImplicitConv2d();
        this.winograd = new WinogradConv2d(cl);
        this.columns = new Workspace(cl, "column matrix");
        sgemm(sgemm);
    }

    private Sgemm sgemm(SgemmConfig config) {
        return sgemms.computeIfAbsent(config, c -> new Sgemm(cl, c, packedPanels));
    }

    /**
     * Enqueues y = conv2d(x, w) + bias.
     *
     * @param x    (N, C, H, W)
     * @param w    (K, C/G, KH, KW)
     * @param bias (K) or null
     * @param y    (N, K, OH, OW), written in full
     */
    public void enqueue(Conv2dPlan plan, DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, DeviceBuffer y) {
        enqueue(plan, x, w, bias, Epilogue.NONE, y);
    }

    /**
     * Enqueues y = activation(conv2d(x, w) + bias + residual), the epilogue fused into the kernel that writes y.
     *
     * @param epilogue the activation and the residual, (N, K, OH, OW) or null
     */
    public void enqueue(Conv2dPlan plan, DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, Epilogue epilogue,
                        DeviceBuffer y) {
        var s = plan.shape();
        long outPlane = Launch.requireInt("output plane", s.outputPlane());
        var out = new Sgemm.Operand(y, 0, (int) outPlane, s.k() * outPlane, s.kPerGroup() * outPlane);
        var sgemm = sgemm(plan.sgemm());
        switch (plan.path()) {
            case DIRECT -> direct.enqueue(x, w, bias, epilogue, y, s);
            case IMPLICIT_GEMM -> implicit.enqueue(plan, sgemm, x, w, bias, out, epilogue);
            case POINTWISE -> {
                long inPlane = (long) s.h() * s.w();
                var in = new Sgemm.Operand(x, 0, (int) inPlane, s.c() * inPlane, s.cPerGroup() * inPlane);
                sgemm.enqueue(new Sgemm.Size(s.kPerGroup(), (int) outPlane, s.patchSize(), s.groups(), s.n()), w, in,
                        out, bias, epilogue);
            }
            case IM2COL_GEMM -> {
                var col = columns.atLeast(plan.largestChunkFloats());
                // One column buffer serves every chunk: the in-order queue runs each GEMM before the next im2col.
                for (var chunk : plan.chunks()) {
                    int cols = chunk.rows() * s.ow();
                    im2col.enqueue(x, (long) chunk.n0() * s.c() * s.h() * s.w(), col, s, chunk.images(), chunk.oh0(),
                            chunk.rows());
                    var colOperand = new Sgemm.Operand(col, 0, cols, (long) s.c() * s.kh() * s.kw() * cols,
                            (long) s.patchSize() * cols);
                    var outSlice = new Sgemm.Operand(y, (long) chunk.n0() * s.k() * outPlane
                            + (long) chunk.oh0() * s.ow(), out.ld(), out.batchStride(), out.groupStride());
                    sgemm.enqueue(new Sgemm.Size(s.kPerGroup(), cols, s.patchSize(), s.groups(), chunk.images()), w,
                            colOperand, outSlice, bias, epilogue);
                }
            }
            case WINOGRAD -> winograd.enqueue(plan, sgemm, x, w, bias, epilogue, y);
            case AUTO -> throw new IllegalArgumentException("plan: AUTO is not a path to run");
        }
    }

    /** Releases the column buffer, the packed panels and the Winograd path's buffers. */
    @Override
    public void close() {
        try {
            columns.close();
        } finally {
            try {
                packedPanels.close();
            } finally {
                winograd.close();
            }
        }
    }
}
