package org.convcl;

/**
 * The sizes of one validated transposed convolution: input (n, cIn, h, w), weight (cIn, cOut/groups, kh, kw),
 * output (n, cOut, oh, ow). Obtained from {@link ConvTranspose2dParams#shapeOf}, so every instance describes a legal
 * transposed convolution.
 * <p>Immutable, so thread-safe.
 */
public record ConvTranspose2dShape(int n, int cIn, int h, int w, int cOut, int kh, int kw, int oh, int ow,
                                   ConvTranspose2dParams params) {

    /** {@return input channels per group, cIn / groups} */
    public int cInPerGroup() {
        return cIn / params.groups();
    }

    /** {@return output channels per group, cOut / groups} */
    public int cOutPerGroup() {
        return cOut / params.groups();
    }

    /** {@return the output's shape, (n, cOut, oh, ow)} */
    public int[] outputShape() {
        return new int[] {n, cOut, oh, ow};
    }

    /** {@return the input's shape, (n, cIn, h, w)} */
    public int[] inputShape() {
        return new int[] {n, cIn, h, w};
    }

    /**
     * The convolution this transposed convolution is the adjoint of: conv2d from (n, cOut, oh, ow) to
     * (n, cIn, h, w) with the same weight, stride, padding, dilation and groups. Its forward is this operation's
     * input gradient, its input gradient is this operation, and its weight gradient (with the roles of input and
     * output gradient swapped) is this operation's weight gradient. Where output padding reaches the stride (it
     * is below the dilation), conv2d's own size formula gives more output rows or columns than {@code h} or
     * {@code w}; the adjoint has exactly {@code h} by {@code w}, the pixels this operation's input has.
     *
     * @return the adjoint conv2d's sizes, input (n, cOut, oh, ow) and output (n, cIn, h, w)
     */
    public Conv2dShape adjoint() {
        return new Conv2dShape(n, cOut, oh, ow, cIn, kh, kw, h, w, params.asConv2d());
    }

    /** {@return multiply-adds times two, as conv2d counts them (bias not counted)} */
    public double flops() {
        return 2.0 * n * cIn * h * w * cOutPerGroup() * kh * kw;
    }
}
