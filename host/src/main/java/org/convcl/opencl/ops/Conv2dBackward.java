package org.convcl.opencl.ops;

import org.convcl.Conv2dShape;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;

/**
 * The gradients of conv2d on the device, for any stride, padding, dilation and groups, per chunk of images:
 * <ul>
 * <li>input: {@code gradCol[n][g] = W[g]^T * dY[n][g]} (a GEMM on the transposed weight), then col2im gathers the
 * column matrix back into the image;</li>
 * <li>weight: {@code gradW[g] = dY[g] * Xcol[g]^T}, with the batch folded into the GEMM's inner dimension: dY is
 * permuted to (K, images*P) and im2col writes Xcol transposed, (images*P, C*KH*KW); chunks are summed;</li>
 * <li>bias: per-channel sums of dY.</li>
 * </ul>
 */
public final class Conv2dBackward {
    private final ClContext cl;
    private final Sgemm sgemm;
    private final Im2col im2col;
    private final Col2im col2im;
    private final TensorOps ops;
    private final long columnBudgetBytes;

    public Conv2dBackward(ClContext cl, Im2col im2col, Sgemm sgemm, long columnBudgetBytes) {
        this.cl = cl;
        this.sgemm = sgemm;
        this.im2col = im2col;
        this.col2im = new Col2im(cl);
        this.ops = new TensorOps(cl);
        this.columnBudgetBytes = columnBudgetBytes;
    }

    /**
     * @param dy    (N, K, OH, OW)
     * @param x     (N, C, H, W), the forward input
     * @param w     (K, C/G, KH, KW), the forward weight
     * @param gradX (N, C, H, W), written in full
     * @param gradW (K, C/G, KH, KW), written in full
     * @param gradB (K), written in full
     */
    public void enqueue(DeviceBuffer dy, DeviceBuffer x, DeviceBuffer w, DeviceBuffer gradX, DeviceBuffer gradW,
                 DeviceBuffer gradB, Conv2dShape s) {
        int plane = Launch.requireInt("output plane", s.outputPlane());
        int patch = s.patchSize();
        int patchTotal = s.c() * s.kh() * s.kw();
        int kg = s.kPerGroup();
        int g = s.groups();
        long perImage = (long) patchTotal * plane;
        int step = (int) Math.min(s.n(), columnBudgetBytes / Float.BYTES / perImage);
        if (step < 1) {
            throw new IllegalArgumentException("input: one image needs a " + perImage * Float.BYTES
                    + "-byte column matrix for the backward pass, more than the column budget of " + columnBudgetBytes
                    + " bytes");
        }
        ops.channelSums(dy, gradB, s.n(), s.k(), plane);
        try (var wt = new DeviceBuffer(cl, "transposed weight", (long) s.k() * patch);
             var col = new DeviceBuffer(cl, "column matrix", step * perImage);
             var dyr = new DeviceBuffer(cl, "permuted output gradient", (long) s.k() * step * plane);
             var partial = new DeviceBuffer(cl, "partial weight gradient", (long) s.k() * patch)) {
            // wt is (G, patch, K/G): each group's (K/G, patch) weight transposed.
            ops.permute3(w, 0, wt, g, patch, kg, (long) kg * patch, 1, patch);
            for (int n0 = 0; n0 < s.n(); n0 += step) {
                int images = Math.min(step, s.n() - n0);
                long dyOffset = (long) n0 * s.k() * plane;
                // Input gradient: gradCol[n][g] (patch x P) = wt[g] (patch x K/G) * dy[n][g] (K/G x P).
                sgemm.enqueue(patch, plane, kg, g, images, wt, 0,
                        new Sgemm.Operand(dy, dyOffset, plane, (long) s.k() * plane, (long) kg * plane),
                        new Sgemm.Operand(col, 0, plane, perImage, (long) patch * plane), null);
                col2im.enqueue(col, gradX, (long) n0 * s.c() * s.h() * s.w(), s, images, 0, s.oh(), false);

                // Weight gradient: gradW[g] (K/G x patch) = dyr[g] (K/G x images*P) * colT (images*P x patch of g).
                im2col.enqueueTransposed(x, (long) n0 * s.c() * s.h() * s.w(), col, s, images, 0, s.oh());
                ops.permute3(dy, dyOffset, dyr, s.k(), images, plane, plane, (long) s.k() * plane, 1);
                var target = n0 == 0 ? gradW : partial;
                sgemm.enqueue(kg, patch, images * plane, g, 1, dyr, 0,
                        new Sgemm.Operand(col, 0, patchTotal, 0, patch),
                        new Sgemm.Operand(target, 0, patch, 0, (long) kg * patch), null);
                if (target == partial) {
                    ops.addInPlace(gradW, partial, (long) s.k() * patch);
                }
            }
            // The scratch buffers are released on return; the queue must be done with them first.
            cl.finish();
        }
    }
}
