package org.convcl.opencl.ops;

import org.convcl.Conv2dShape;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;
import org.convcl.opencl.tuning.SgemmConfig;

/**
 * Runs a backward {@link Conv2dPlan}: the gradients of conv2d for any stride, padding, dilation and groups, per
 * chunk of the column matrix (whole images, or output-row slices of one image):
 * <ul>
 * <li>input: {@code gradCol[n][g] = W[g]^T * dY[n][g]} (a GEMM on the transposed weight), then col2im gathers the
 * column matrix back into the image, adding to what earlier row slices of that image wrote;</li>
 * <li>weight: {@code gradW[g] = dY[g] * Xcol[g]^T}, with the chunk's pixels folded into the GEMM's depth: dY is
 * permuted to (K, pixels) and im2col writes Xcol transposed, (pixels, C*KH*KW); chunks are summed;</li>
 * <li>bias: per-channel sums of dY.</li>
 * </ul>
 * The input and weight gradients can run alone: a transposed convolution is conv2d's input gradient, and its weight
 * gradient is conv2d's with input and output gradient swapped ({@link ConvTranspose2d}).
 */
public final class Conv2dBackward {
    private final ClContext cl;
    private final Sgemm sgemm;
    private final Im2col im2col;
    private final Col2im col2im;
    private final TensorOps ops;

    public Conv2dBackward(ClContext cl, SgemmConfig sgemm) {
        this.cl = cl;
        this.sgemm = new Sgemm(cl, sgemm);
        this.im2col = new Im2col(cl);
        this.col2im = new Col2im(cl);
        this.ops = new TensorOps(cl);
    }

    /**
     * @param dy    (N, K, OH, OW), N at least 1
     * @param x     (N, C, H, W), the forward input
     * @param w     (K, C/G, KH, KW), the forward weight
     * @param gradX (N, C, H, W), written in full
     * @param gradW (K, C/G, KH, KW), written in full
     * @param gradB (K), written in full
     */
    public void enqueue(Conv2dPlan plan, DeviceBuffer dy, DeviceBuffer x, DeviceBuffer w, DeviceBuffer gradX,
                        DeviceBuffer gradW, DeviceBuffer gradB) {
        var s = plan.shape();
        ops.channelSums(dy, gradB, s.n(), s.k(), Launch.requireInt("output plane", s.outputPlane()));
        enqueueInputGradient(plan, dy, w, null, gradX);
        enqueueWeightGradient(plan, dy, x, gradW);
    }

    /**
     * The input gradient alone, which is also a transposed convolution of dy (with its bias).
     *
     * @param dy    (N, K, OH, OW), N at least 1
     * @param w     (K, C/G, KH, KW), the forward weight
     * @param bias  (C) added to every element of its channel, or null
     * @param gradX (N, C, H, W), written in full
     */
    public void enqueueInputGradient(Conv2dPlan plan, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer bias,
                                     DeviceBuffer gradX) {
        var s = plan.shape();
        int plane = Launch.requireInt("output plane", s.outputPlane());
        int patch = s.patchSize();
        int kg = s.kPerGroup();
        int g = s.groups();
        try (var wt = new DeviceBuffer(cl, "transposed weight", (long) s.k() * patch);
             var col = new DeviceBuffer(cl, "column matrix", plan.largestChunkFloats())) {
            // wt is (G, patch, K/G): each group's (K/G, patch) weight transposed.
            ops.permute3(w, 0, wt, g, patch, kg, (long) kg * patch, 1, patch);
            for (var chunk : plan.chunks()) {
                int cols = chunk.rows() * s.ow();
                // gradCol[n][g] (patch x cols) = wt[g] (patch x K/G) * dy[n][g] (K/G x cols).
                sgemm.enqueue(new Sgemm.Size(patch, cols, kg, g, chunk.images()), wt,
                        new Sgemm.Operand(dy, dyOffset(s, chunk), plane, (long) s.k() * plane, (long) kg * plane),
                        new Sgemm.Operand(col, 0, cols, (long) g * patch * cols, (long) patch * cols), null);
                col2im.enqueue(col, gradX, xOffset(s, chunk), s, chunk.images(), chunk.oh0(), chunk.rows(),
                        chunk.oh0() > 0, bias);
            }
            // The scratch buffers are released on return; the queue must be done with them first.
            cl.finish();
        }
    }

    /**
     * The weight gradient alone: {@code gradW[g] = dY[g] * Xcol[g]^T} summed over the images.
     *
     * @param dy    (N, K, OH, OW), N at least 1
     * @param x     (N, C, H, W), the forward input
     * @param gradW (K, C/G, KH, KW), written in full
     */
    public void enqueueWeightGradient(Conv2dPlan plan, DeviceBuffer dy, DeviceBuffer x, DeviceBuffer gradW) {
        var s = plan.shape();
        int plane = Launch.requireInt("output plane", s.outputPlane());
        int patch = s.patchSize();
        int kg = s.kPerGroup();
        var chunks = plan.chunks();
        try (var col = new DeviceBuffer(cl, "column matrix", plan.largestChunkFloats());
             var dyr = new DeviceBuffer(cl, "permuted output gradient", s.k() * plan.largestChunkColumns());
             var partial = chunks.size() > 1 ? new DeviceBuffer(cl, "partial weight gradient", (long) s.k() * patch)
                     : null) {
            for (var chunk : chunks) {
                int cols = chunk.rows() * s.ow();
                // gradW[g] (K/G x patch) = dyr[g] (K/G x pixels) * colT (pixels x patch of g).
                int pixels = chunk.images() * cols;
                im2col.enqueueTransposed(x, xOffset(s, chunk), col, s, chunk.images(), chunk.oh0(), chunk.rows());
                ops.permute3(dy, dyOffset(s, chunk), dyr, s.k(), chunk.images(), cols, plane, (long) s.k() * plane, 1);
                var target = chunk == chunks.get(0) ? gradW : partial;
                sgemm.enqueue(new Sgemm.Size(kg, patch, pixels, s.groups(), 1), dyr,
                        new Sgemm.Operand(col, 0, s.groups() * patch, 0, patch),
                        new Sgemm.Operand(target, 0, patch, 0, (long) kg * patch), null);
                if (target == partial) {
                    ops.addInPlace(gradW, partial, (long) s.k() * patch);
                }
            }
            cl.finish();
        }
    }

    /** Where a chunk's output gradient starts: image n0, output row oh0. */
    private static long dyOffset(Conv2dShape s, ColumnChunks.Chunk chunk) {
        return (long) chunk.n0() * s.k() * s.outputPlane() + (long) chunk.oh0() * s.ow();
    }

    /** Where a chunk's images start in the input. */
    private static long xOffset(Conv2dShape s, ColumnChunks.Chunk chunk) {
        return chunk.n0() * ((long) s.c() * s.h() * s.w());
    }
}
