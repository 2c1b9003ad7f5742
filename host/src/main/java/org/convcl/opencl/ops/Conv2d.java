package org.convcl.opencl.ops;

import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.opencl.OpenClBackend;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;
import org.convcl.opencl.runtime.Workspace;

/**
 * conv2d on the device as im2col + batched SGEMM, written straight into the NCHW output. 1x1 kernels with stride 1
 * and no padding skip im2col, since each input image already is the (C x H*W) matrix the GEMM needs. Groups of
 * one input channel (depthwise) and tiny convolutions take the direct kernel instead (see
 * {@link Im2col#prefersDirect}), unless the backend's options pin one path.
 */
public final class Conv2d {
    private final Im2col im2col;
    private final DirectConv2d direct;
    private final Sgemm sgemm;
    private final ImplicitConv2d implicit;
    private final long columnBudgetBytes;
    private final Workspace columns;
    private final OpenClBackend.Path path;

    public Conv2d(ClContext cl, Im2col im2col, DirectConv2d direct, Sgemm sgemm, ImplicitConv2d implicit,
           long columnBudgetBytes, OpenClBackend.Path path) {
        this.path = path;
        this.columns = new Workspace(cl, "column matrix");
        this.im2col = im2col;
        this.direct = direct;
        this.sgemm = sgemm;
        this.implicit = implicit;
        this.columnBudgetBytes = columnBudgetBytes;
    }

    /**
     * Enqueues y = conv2d(x, w) + bias.
     *
     * @param x    (N, C, H, W)
     * @param w    (K, C/G, KH, KW)
     * @param bias (K) or null
     * @param y    (N, K, OH, OW), written in full
     */
    public void enqueue(DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, DeviceBuffer y, Conv2dShape s) {
        var chosen = path == OpenClBackend.Path.AUTO ? automatic(s) : path;
        if (chosen == OpenClBackend.Path.DIRECT) {
            direct.enqueue(x, w, bias, y, s);
            return;
        }
        long outPlane = Launch.requireInt("output plane", s.outputPlane());
        var out = new Sgemm.Operand(y, 0, (int) outPlane, s.k() * outPlane, s.kPerGroup() * outPlane);
        if (chosen == OpenClBackend.Path.IMPLICIT) {
            implicit.enqueue(x, w, bias, out, s);
            return;
        }
        if (isPointwise(s)) {
            long inPlane = (long) s.h() * s.w();
            var in = new Sgemm.Operand(x, 0, (int) inPlane, s.c() * inPlane, s.cPerGroup() * inPlane);
            sgemm.enqueue(s.kPerGroup(), (int) outPlane, s.patchSize(), s.groups(), s.n(), w, 0, in, out, bias);
            return;
        }
        var chunks = ColumnChunks.plan(s, columnBudgetBytes);
        var col = columns.atLeast(ColumnChunks.largest(s, chunks));
        // One column buffer serves every chunk: the in-order queue runs each GEMM before the next im2col.
        for (var chunk : chunks) {
            int cols = chunk.rows() * s.ow();
            im2col.enqueue(x, (long) chunk.n0() * s.c() * s.h() * s.w(), col, s, chunk.images(), chunk.oh0(),
                    chunk.rows());
            var colOperand = new Sgemm.Operand(col, 0, cols, (long) s.c() * s.kh() * s.kw() * cols,
                    (long) s.patchSize() * cols);
            var outSlice = new Sgemm.Operand(y, (long) chunk.n0() * s.k() * outPlane + (long) chunk.oh0() * s.ow(),
                    out.ld(), out.batchStride(), out.groupStride());
            sgemm.enqueue(s.kPerGroup(), cols, s.patchSize(), s.groups(), chunk.images(), w, 0, colOperand,
                    outSlice, bias);
        }
    }

    private OpenClBackend.Path automatic(Conv2dShape s) {
        if (Im2col.prefersDirect(s)) {
            return OpenClBackend.Path.DIRECT;
        }
        // The 1x1 shortcut already reads the images as they are.
        return implicit.available() && !isPointwise(s) ? OpenClBackend.Path.IMPLICIT : OpenClBackend.Path.GEMM;
    }

    /** Releases the column workspace. */
    public void release() {
        columns.close();
    }

    public static boolean isPointwise(Conv2dShape s) {
        Conv2dParams p = s.params();
        return s.kh() == 1 && s.kw() == 1 && p.strideH() == 1 && p.strideW() == 1 && p.padH() == 0 && p.padW() == 0;
    }
}
