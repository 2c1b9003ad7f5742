package org.convcl.opencl.conv;

import java.util.List;
import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.opencl.ops.Sgemm;

/**
 * 1x1, stride 1, no padding: each image already is the GEMM's (C x H*W) matrix, so one batched SGEMM, whose tiled
 * kernel may take the batch along N for small images ({@link Sgemm#chooseFoldable}).
 */
final class PointwiseAlgorithm implements ConvAlgorithm {
    /**
     * 1x1 kernel, stride 1, no padding on any side, and an output the size of the input. (A transposed
     * convolution's adjoint can stop short of conv2d's output size, see
     * {@link org.convcl.ConvTranspose2dShape#adjoint()}.)
     */
    @Override
    public String whyNot(Conv2dShape s, PlanContext context) {
        Conv2dParams p = s.params();
        boolean pointwise = s.kh() == 1 && s.kw() == 1 && p.strideH() == 1 && p.strideW() == 1
                && (p.padTop() | p.padBottom() | p.padLeft() | p.padRight()) == 0 && s.oh() == s.h() && s.ow() == s.w();
        return pointwise ? null : "POINTWISE needs a 1x1 kernel, stride 1 and no padding, not " + s.kh() + "x" + s.kw()
                + " with " + p;
    }

    /** Wherever it applies: one GEMM and nothing to gather. */
    @Override
    public boolean preferred(Conv2dShape s, PlanContext context) {
        return whyNot(s, context) == null;
    }

    @Override
    public Conv2dPlan plan(Conv2dShape s, PlanContext context) {
        long plane = (long) s.h() * s.w();
        var choice = Sgemm.chooseFoldable(context.sgemm(), context.device(), context.policy(), size(s),
                ConvGemms.planes(null, plane, s.c(), s.cPerGroup()).strides(), ConvGemms.output(null, s).strides());
        return Conv2dPlan.gemm(s, this, choice, List.of());
    }

    @Override
    public void forward(Conv2dPlan plan, ConvResources r, ConvOperands io) {
        var s = plan.shape();
        long plane = (long) s.h() * s.w();
        r.sgemm.enqueue(plan.gemm(), size(s), io.w(), ConvGemms.planes(io.x(), plane, s.c(), s.cPerGroup()),
                ConvGemms.output(io.y(), s), io.bias(), io.epilogue());
    }

    /** Per group, (K/G x C/G) weights times each image's (C/G x H*W) channels. */
    private static Sgemm.Size size(Conv2dShape s) {
        return new Sgemm.Size(s.kPerGroup(), s.h() * s.w(), s.patchSize(), s.groups(), s.n());
    }
}
