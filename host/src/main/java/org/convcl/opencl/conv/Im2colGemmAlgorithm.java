package org.convcl.opencl.conv;

import org.convcl.Conv2dShape;
import org.convcl.opencl.ops.ColumnChunks;
import org.convcl.opencl.ops.Epilogue;
import org.convcl.opencl.ops.Sgemm;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;
import org.convcl.opencl.tuning.SgemmConfig;

/**
 * im2col then SGEMM, per chunk of the column matrix (whole images while they fit the column budget, else row slices
 * of one image): every shape, and the one algorithm with a backward pass, which lowers to the same chunks:
 * <ul>
 * <li>input gradient: {@code gradCol[n][g] = W[g]^T * dY[n][g]} (a GEMM on the transposed weight), then col2im gathers
 * the column matrix back into the image, adding to what earlier row slices of that image wrote;</li>
 * <li>weight gradient: {@code gradW[g] = dY[g] * Xcol[g]^T}, the chunk's pixels folded into the GEMM's depth: dY is
 * permuted to (K, pixels) and im2col writes Xcol transposed, (pixels, C*KH*KW); chunks are summed.</li>
 * </ul>
 * The input gradient is also a transposed convolution, and the weight gradient with input and output gradient
 * swapped is a transposed convolution's ({@link Convolutions}).
 */
final class Im2colGemmAlgorithm implements ConvAlgorithm {
    /**
     * The chunks, and one GEMM configuration whose vectors suit every chunk's operands; the blocked kernel folds the
     * images of a chunk into its columns where every chunk's product would ({@link Sgemm#chooseFoldable}).
     */
    @Override
    public Conv2dPlan plan(Conv2dShape s, PlanContext context) {
        var chunks = ColumnChunks.plan(s, context.columnBudgetBytes());
        Sgemm.Choice choice = null;
        for (var chunk : chunks) {
            var config = choice == null ? context.sgemm() : choice.config();
            var columns = columns(null, s, chunk).strides();
            var output = outputSlice(null, s, chunk).strides();
            var next = config instanceof SgemmConfig.Blocked
                    ? Sgemm.chooseFoldable(config, context.device(), context.policy(), size(s, chunk), columns, output)
                    : Sgemm.choose(config, context.device(), context.policy(), size(s, chunk), columns, output);
            boolean folds = (choice == null || choice.foldsBatch()) && next.foldsBatch();
            choice = choice == null ? next : new Sgemm.Choice(next.config(), choice.packsB() && next.packsB(),
                    Math.max(choice.workGroups(), next.workGroups()), folds);
        }
        return Conv2dPlan.gemm(s, this, choice, chunks);
    }

    /**
     * 1x1 windows at a stride of at least the device class's
     * {@link org.convcl.opencl.tuning.ConvPolicy#subsampleStride}: their column matrix is the input subsampled.
     * Elsewhere the implicit GEMM after it runs the shape without one.
     */
    @Override
    public boolean preferred(Conv2dShape s, PlanContext context) {
        var p = s.params();
        int stride = context.policy().subsampleStride();
        return stride > 0 && s.kh() == 1 && s.kw() == 1 && Math.max(p.strideH(), p.strideW()) >= stride;
    }

    @Override
    public long workspaceFloats(Conv2dPlan plan) {
        return ColumnChunks.largest(plan.shape(), plan.chunks());
    }

    @Override
    public void forward(Conv2dPlan plan, ConvResources r, ConvOperands io) {
        var s = plan.shape();
        var col = r.columns.atLeast(workspaceFloats(plan));
        // One column buffer serves every chunk: the in-order queue runs each GEMM before the next im2col.
        for (var chunk : plan.chunks()) {
            r.im2col.enqueue(io.x(), xOffset(s, chunk), col, s, chunk.images(), chunk.oh0(), chunk.rows());
            r.sgemm.enqueue(plan.gemm(), size(s, chunk), io.w(), columns(col, s, chunk),
                    outputSlice(io.y(), s, chunk), io.bias(), io.epilogue());
        }
    }

    /**
     * Enqueues the input gradient, which is also a transposed convolution of dy (with its bias).
     *
     * @param dy    (N, K, OH, OW), N at least 1
     * @param w     (K, C/G, KH, KW), the forward weight
     * @param bias  (C) added to every element of its channel, or null
     * @param gradX (N, C, H, W), written in full
     */
    void inputGradient(Conv2dPlan plan, ConvResources r, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer bias,
                       DeviceBuffer gradX) {
        var s = plan.shape();
        int plane = Launch.requireInt("output plane", s.outputPlane());
        int patch = s.patchSize();
        int kg = s.kPerGroup();
        int g = s.groups();
        var wt = r.transposedWeight.atLeast((long) s.k() * patch);
        var col = r.columns.atLeast(workspaceFloats(plan));
        // wt is (G, patch, K/G): each group's (K/G, patch) weight transposed.
        r.ops.permute3(w, 0, wt, g, patch, kg, (long) kg * patch, 1, patch);
        for (var chunk : plan.chunks()) {
            int cols = chunk.rows() * s.ow();
            // gradCol[n][g] (patch x cols) = wt[g] (patch x K/G) * dy[n][g] (K/G x cols).
            var size = new Sgemm.Size(patch, cols, kg, g, chunk.images());
            var b = new Sgemm.Operand(dy, dyOffset(s, chunk), plane, (long) s.k() * plane, (long) kg * plane);
            var c = new Sgemm.Operand(col, 0, cols, (long) g * patch * cols, (long) patch * cols);
            r.sgemm.enqueue(Sgemm.inPlace(plan.sgemm(), size, b, c), size, wt, b, c, null,
                    Epilogue.NONE);
            r.col2im.enqueue(col, gradX, xOffset(s, chunk), s, chunk.images(), chunk.oh0(), chunk.rows(),
                    chunk.oh0() > 0, bias);
        }
    }

    /**
     * Enqueues the weight gradient: {@code gradW[g] = dY[g] * Xcol[g]^T} summed over the images.
     *
     * @param dy    (N, K, OH, OW), N at least 1
     * @param x     (N, C, H, W), the forward input
     * @param gradW (K, C/G, KH, KW), written in full
     */
    void weightGradient(Conv2dPlan plan, ConvResources r, DeviceBuffer dy, DeviceBuffer x, DeviceBuffer gradW) {
        var s = plan.shape();
        int plane = Launch.requireInt("output plane", s.outputPlane());
        int patch = s.patchSize();
        int kg = s.kPerGroup();
        var chunks = plan.chunks();
        var col = r.columns.atLeast(workspaceFloats(plan));
        var dyr = r.permutedGradient.atLeast(s.k() * plan.largestChunkColumns());
        var partial = chunks.size() > 1 ? r.partialWeightGradient.atLeast((long) s.k() * patch) : null;
        for (var chunk : chunks) {
            int cols = chunk.rows() * s.ow();
            // gradW[g] (K/G x patch) = dyr[g] (K/G x pixels) * colT (pixels x patch of g).
            int pixels = chunk.images() * cols;
            r.im2col.enqueueTransposed(x, xOffset(s, chunk), col, s, chunk.images(), chunk.oh0(), chunk.rows());
            r.ops.permute3(dy, dyOffset(s, chunk), dyr, s.k(), chunk.images(), cols, plane, (long) s.k() * plane, 1);
            var target = chunk == chunks.get(0) ? gradW : partial;
            var size = new Sgemm.Size(kg, patch, pixels, s.groups(), 1);
            var b = new Sgemm.Operand(col, 0, s.groups() * patch, 0, patch);
            var c = new Sgemm.Operand(target, 0, patch, 0, (long) kg * patch);
            r.sgemm.enqueue(Sgemm.inPlace(plan.sgemm(), size, b, c), size, dyr, b, c, null,
                    Epilogue.NONE);
            if (target == partial) {
                r.ops.addInPlace(gradW, partial, (long) s.k() * patch);
            }
        }
    }

    /** Per group, (K/G x C/G*KH*KW) weights times the chunk's column matrix of each image. */
    private static Sgemm.Size size(Conv2dShape s, ColumnChunks.Chunk chunk) {
        return new Sgemm.Size(s.kPerGroup(), chunk.rows() * s.ow(), s.patchSize(), s.groups(), chunk.images());
    }

    /** The chunk's column matrix: per image (C*KH*KW x rows*OW), a group's rows in a run. */
    private static Sgemm.Operand columns(DeviceBuffer col, Conv2dShape s, ColumnChunks.Chunk chunk) {
        int cols = chunk.rows() * s.ow();
        return new Sgemm.Operand(col, 0, cols, (long) s.c() * s.kh() * s.kw() * cols, (long) s.patchSize() * cols);
    }

    /** The chunk's rows of the output: from image n0, output row oh0, with the whole output's strides. */
    private static Sgemm.Operand outputSlice(DeviceBuffer y, Conv2dShape s, ColumnChunks.Chunk chunk) {
        var out = ConvGemms.output(y, s);
        return new Sgemm.Operand(y, dyOffset(s, chunk), out.ld(), out.batchStride(), out.groupStride());
    }

    /** Where a chunk starts in an (N, K, OH, OW) tensor: image n0, output row oh0. */
    private static long dyOffset(Conv2dShape s, ColumnChunks.Chunk chunk) {
        return (long) chunk.n0() * s.k() * s.outputPlane() + (long) chunk.oh0() * s.ow();
    }

    /** Where a chunk's images start in the input. */
    private static long xOffset(Conv2dShape s, ColumnChunks.Chunk chunk) {
        return chunk.n0() * ((long) s.c() * s.h() * s.w());
    }
}
