package org.convcl.opencl.conv;

import java.util.List;
import org.convcl.Conv2dShape;
import org.convcl.opencl.ops.ConvGeometry;
import org.convcl.opencl.ops.Sgemm;
import org.convcl.opencl.tuning.SgemmConfig;

/**
 * conv2d as an implicit GEMM: the SGEMM kernel built with {@code -DIMPLICIT} gathers the column matrix straight from
 * the input images while it fills its B panel (register-blocked CPU kernel) or B tile (GPU kernel), so there is no
 * im2col pass and no column buffer, and the whole batch runs in one launch (on the tiled kernel with the batch along
 * N where the images are small, {@link Sgemm#chooseFoldable}). Every shape; the default where no other algorithm is
 * preferred.
 */
final class ImplicitGemmAlgorithm implements ConvAlgorithm {
    /** Always: no column matrix is written and read back, which on GPUs, bound by memory traffic, saves most. */
    @Override
    public boolean preferred(Conv2dShape s, PlanContext context) {
        return true;
    }

    @Override
    public Conv2dPlan plan(Conv2dShape s, PlanContext context) {
        var choice = Sgemm.chooseFoldable(context.sgemm(), context.device(), context.policy(), size(s), null,
                ConvGemms.output(null, s).strides());
        return new Conv2dPlan(s, this, choice, List.of(), 0, null, null, gather(s, choice.config(), context));
    }

    /**
     * 64-bit window terms where the padded extent needs them; for the blocked kernel at stride 1 or 2 along the width,
     * the gather that loads a vector spanning two output rows, or reaching into the padding, in two runs; and its
     * runs tabulated per tap where {@link org.convcl.opencl.tuning.ConvPolicy#tapTableChannels} or more channels
     * share each tap and the window has at most {@link SgemmConfig.Blocked#MAX_TABLE_TAPS} taps.
     */
    private static Gather gather(Conv2dShape s, SgemmConfig config, PlanContext context) {
        boolean wide = ConvGeometry.isWide(s);
        boolean twoRuns = s.params().strideW() <= 2 && config instanceof SgemmConfig.Blocked;
        int channels = context.policy().tapTableChannels();
        boolean tabulates = twoRuns && !wide && channels > 0 && s.cPerGroup() >= channels
                && (long) s.kh() * s.kw() <= SgemmConfig.Blocked.MAX_TABLE_TAPS;
        return new Gather(wide, twoRuns, tabulates);
    }

    @Override
    public void forward(Conv2dPlan plan, ConvResources r, ConvOperands io) {
        var s = plan.shape();
        long inPlane = (long) s.h() * s.w();
        // B's offset and row stride are unused: the kernel gathers each column from the window it stands for.
        var images = new Sgemm.Operand(io.x(), 0, 0, s.c() * inPlane, s.cPerGroup() * inPlane);
        r.sgemm.enqueueImplicit(plan.gemm(), size(s), io.w(), images, ConvGemms.output(io.y(), s), io.bias(),
                io.epilogue(), plan.gather().defines(), launch -> ConvGeometry.window(launch, s).i32(s.ow()));
    }


    private static Sgemm.Size size(Conv2dShape s) {
        return new Sgemm.Size(s.kPerGroup(), (int) s.outputPlane(), s.patchSize(), s.groups(), s.n());
    }
}
