package org.convcl.opencl.ops;

import java.util.List;
import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.opencl.Conv2dPath;
import org.convcl.opencl.DeviceInfo;
import org.convcl.opencl.tuning.SgemmConfig;

/**
 * The one place that decides how conv2d runs on a device: the path, the SGEMM configuration and the chunking of the
 * column matrix, for the forward and the backward pass. It needs only the device's description, so a plan can be
 * checked without an OpenCL context or a kernel launch.
 */
public final class Conv2dPlanner {
    /** Below this many FLOPs one direct launch costs less than im2col and GEMM launches. */
    static final double TINY_LAYER_FLOPS = 1 << 20;

    private final DeviceInfo device;
    private final SgemmConfig sgemm;
    private final long columnBudgetBytes;
    private final Conv2dPath pinned;

    /**
     * @param columnBudgetBytes the most bytes one column-matrix chunk may take; capped at the device's allocation limit
     * @param pinned            {@link Conv2dPath#AUTO}, or the path every convolution must take
     * @throws IllegalArgumentException when the pinned path cannot run with this SGEMM configuration
     */
    public Conv2dPlanner(DeviceInfo device, SgemmConfig sgemm, long columnBudgetBytes, Conv2dPath pinned) {
        if (pinned == Conv2dPath.IMPLICIT_GEMM && !(sgemm instanceof SgemmConfig.Blocked)) {
            throw new IllegalArgumentException("path: IMPLICIT_GEMM needs the register-blocked SGEMM (the CPU kernel),"
                    + " but the configuration is " + sgemm);
        }
        this.device = device;
        this.sgemm = sgemm;
        this.columnBudgetBytes = Math.min(columnBudgetBytes, device.maxAllocBytes());
        this.pinned = pinned;
    }

    public SgemmConfig sgemm() {
        return sgemm;
    }

    /**
     * The plan of the forward pass: the pinned path, else direct for depthwise and tiny layers, one GEMM for
     * pointwise layers, the implicit GEMM where the SGEMM kernel has it, and im2col + GEMM otherwise.
     *
     * @throws IllegalArgumentException when the pinned path cannot run this shape, the padded input does not fit the
     *                                  kernels' 32-bit indexing, or one output row's column matrix exceeds the column
     *                                  budget
     */
    public Conv2dPlan forward(Conv2dShape s) {
        ConvGeometry.requireIndexable(s);
        var path = pinned == Conv2dPath.AUTO ? automatic(s) : pinned;
        return switch (path) {
            case DIRECT -> new Conv2dPlan(s, path, sgemm, List.of());
            case POINTWISE -> {
                if (!isPointwise(s)) {
                    throw new IllegalArgumentException("path: POINTWISE needs a 1x1 kernel, stride 1 and no padding, not "
                            + s.kh() + "x" + s.kw() + " with " + s.params());
                }
                yield new Conv2dPlan(s, path, sgemm, List.of());
            }
            case IMPLICIT_GEMM -> new Conv2dPlan(s, path, tallEnough((SgemmConfig.Blocked) sgemm, s.kPerGroup()),
                    List.of());
            case IM2COL_GEMM -> backward(s);
            case AUTO -> throw new IllegalStateException("AUTO is resolved above");
        };
    }

    /**
     * The plan of the backward pass, which always lowers to column matrices: whole images per chunk while they fit
     * the column budget, else row slices of one image, as forward im2col.
     */
    public Conv2dPlan backward(Conv2dShape s) {
        ConvGeometry.requireIndexable(s);
        return new Conv2dPlan(s, Conv2dPath.IM2COL_GEMM, sgemm, ColumnChunks.plan(s, columnBudgetBytes));
    }

    private Conv2dPath automatic(Conv2dShape s) {
        // A GEMM one row deep (one input channel per group) or a tiny layer is faster as one direct launch.
        if ((s.cPerGroup() == 1 && s.groups() > 1) || s.flops() < TINY_LAYER_FLOPS) {
            return Conv2dPath.DIRECT;
        }
        if (isPointwise(s)) {
            return Conv2dPath.POINTWISE;
        }
        return sgemm instanceof SgemmConfig.Blocked ? Conv2dPath.IMPLICIT_GEMM : Conv2dPath.IM2COL_GEMM;
    }

    /** 1x1 kernel, stride 1, no padding: the shapes the pointwise path runs. */
    public static boolean isPointwise(Conv2dShape s) {
        Conv2dParams p = s.params();
        return s.kh() == 1 && s.kw() == 1 && p.strideH() == 1 && p.strideW() == 1 && p.padH() == 0 && p.padW() == 0;
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
        return chosen.fits(device) == null ? chosen : blocked;
    }
}
