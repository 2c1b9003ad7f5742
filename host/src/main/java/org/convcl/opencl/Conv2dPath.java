package org.convcl.opencl;

/**
 * The ways conv2d can run on a device. {@link #AUTO} lets the planner choose per shape; the others pin one path, for
 * tests that check every path on the same shapes and for benchmarks that compare them.
 * <p>Immutable, so thread-safe.
 */
public enum Conv2dPath {
    /** The planner chooses from the shape and the device. */
    AUTO,
    /** One kernel and no column matrix; chosen for depthwise layers and layers too small to pay for a GEMM. */
    DIRECT,
    /**
     * The direct path where, on a CPU, the depthwise rows kernel runs a built-in window: each weight loaded where it
     * is used rather than once per run; find mode times it beside {@link #DIRECT}.
     */
    DIRECT_STREAMED,
    /**
     * One kernel over the input with its padding written out, each work-item's output channels in the lanes of its
     * vectors; chosen on CPUs for few filters over many taps.
     */
    CHANNEL_LANES,
    /** 1x1 kernel, stride 1, no padding: each image already is the GEMM's (C x H*W) matrix, so one SGEMM. */
    POINTWISE,
    /** The register-blocked (CPU) SGEMM gathers its B panels straight from the images: no column buffer. */
    IMPLICIT_GEMM,
    /** im2col writes the column matrix in chunks that fit the column budget, each followed by the SGEMM. */
    IM2COL_GEMM,
    /**
     * 3x3, stride 1, dilation 1, one group: Winograd F(2x2,3x3) or F(4x4,3x3), transforms of input tiles, filters and
     * products around one batched SGEMM per transform position; fewer multiplications, a looser error bound. The
     * transforms mix whole tiles, so an output they leave non-finite is summed again directly: NaN and infinities
     * land only where the output's own window puts them, as on the other paths. F(4x4) where the output has enough
     * tiles for its products by the planner's rule, else F(2x2).
     */
    WINOGRAD,
    /**
     * Winograd F(4x4,3x3), or F(2x2,5x5) on 5x5 windows, in one kernel, for CPUs: each work-item takes a run of
     * tiles through the input transform, the products over every channel and the output transform in its own local
     * memory, where {@link #WINOGRAD} writes the transformed tiles out between three launches; chosen on CPUs for 3x3
     * layers of 16 to 64 channels and filters, where the transforms' traffic is most of that path's time, and by find
     * mode where it measures fastest.
     */
    WINOGRAD_FUSED,
    /** Winograd F(2x2,3x3) on every shape it takes: find mode times it beside F(4x4,3x3). */
    WINOGRAD_F2,
    /** Winograd F(4x4,3x3) on every shape it takes: find mode times it beside F(2x2,3x3). */
    WINOGRAD_F4
}
