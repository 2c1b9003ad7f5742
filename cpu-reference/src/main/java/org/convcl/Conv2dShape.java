package org.convcl;

/**
 * The sizes of one validated convolution: input (n, c, h, w), weight (k, c/groups, kh, kw), output (n, k, oh, ow).
 * Obtained from {@link Conv2dParams#shapeOf}, so every instance describes a legal convolution.
 * <p>Immutable, so thread-safe.
 */
public record Conv2dShape(int n, int c, int h, int w, int k, int kh, int kw, int oh, int ow, Conv2dParams params) {

    /**
     * The number of groups.
     *
     * @return {@code params().groups()}
     */
    public int groups() {
        return params.groups();
    }

    /**
     * Input channels per group.
     *
     * @return c / groups
     */
    public int cPerGroup() {
        return c / params.groups();
    }

    /**
     * Output channels per group.
     *
     * @return k / groups
     */
    public int kPerGroup() {
        return k / params.groups();
    }

    /**
     * Rows of one group's column matrix, the inner dimension of the GEMM.
     *
     * @return (c/groups) * kh * kw
     */
    public int patchSize() {
        return cPerGroup() * kh * kw;
    }

    /**
     * Output pixels per plane, the columns of the GEMM.
     *
     * @return oh * ow, in 64 bits
     */
    public long outputPlane() {
        return (long) oh * ow;
    }

    /**
     * The output's shape.
     *
     * @return (n, k, oh, ow)
     */
    public int[] outputShape() {
        return new int[] {n, k, oh, ow};
    }

    /**
     * The usual FLOP count of a convolution (bias not counted).
     *
     * @return multiply-adds times two
     */
    public double flops() {
        return 2.0 * n * k * outputPlane() * patchSize();
    }
}
