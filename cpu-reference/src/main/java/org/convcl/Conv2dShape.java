package org.convcl;

/**
 * The sizes of one validated convolution: input (n, c, h, w), weight (k, c/groups, kh, kw), output (n, k, oh, ow).
 * Obtained from {@link Conv2dParams#shapeOf}, so every instance describes a legal convolution.
 */
public record Conv2dShape(int n, int c, int h, int w, int k, int kh, int kw, int oh, int ow, Conv2dParams params) {

    public int groups() {
        return params.groups();
    }

    /** Input channels per group. */
    public int cPerGroup() {
        return c / params.groups();
    }

    /** Output channels per group. */
    public int kPerGroup() {
        return k / params.groups();
    }

    /** Rows of one group's column matrix: (c/groups) * kh * kw, the inner dimension of the GEMM. */
    public int patchSize() {
        return cPerGroup() * kh * kw;
    }

    /** Output pixels per plane: oh * ow, the columns of the GEMM. */
    public long outputPlane() {
        return (long) oh * ow;
    }

    public int[] outputShape() {
        return new int[] {n, k, oh, ow};
    }

    /** Multiply-adds times two, the usual FLOP count of a convolution (bias not counted). */
    public double flops() {
        return 2.0 * n * k * outputPlane() * patchSize();
    }
}
