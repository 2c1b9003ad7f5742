package org.convcl;

/**
 * The sizes of one validated pooling: input (n, c, h, w), output (n, c, oh, ow).
 * <p>Immutable, so thread-safe.
 */
public record Pool2dShape(int n, int c, int h, int w, int oh, int ow, Pool2dParams params) {

    /**
     * The input's shape.
     *
     * @return (n, c, h, w)
     */
    public int[] inputShape() {
        return new int[] {n, c, h, w};
    }

    /**
     * The output's shape.
     *
     * @return (n, c, oh, ow)
     */
    public int[] outputShape() {
        return new int[] {n, c, oh, ow};
    }

    /**
     * Refuses max-pooling indices that max pooling of this shape cannot have produced: each value, {@code ih*W + iw}
     * within its plane, must name a tap of its own output element's window. An index outside the plane would be
     * dropped by a gathering gradient, and one from another input shape would send the gradient to the wrong place.
     *
     * @param indices one per output element, (N, C, OH, OW)
     * @throws IllegalArgumentException naming {@code indices}, the value and its position when one is not a tap
     */
    public void requireIndices(long[] indices) {
        for (int o = 0; o < indices.length; o++) {
            long index = indices[o];
            if (index < 0 || index >= (long) h * w) {
                throw new IllegalArgumentException("indices: value " + index + " at " + o + " is outside the "
                        + h + "x" + w + " input plane");
            }
            var p = params;
            int outRow = o / ow % oh, outCol = o % ow;
            if (!isTap(index / w, outRow, p.strideH(), p.padTop(), p.dilationH(), p.kernelH())
                    || !isTap(index % w, outCol, p.strideW(), p.padLeft(), p.dilationW(), p.kernelW())) {
                throw new IllegalArgumentException("indices: value " + index + " at " + o + " (row " + index / w
                        + ", column " + index % w + ") is not in the pooling window of output (" + outRow + ", "
                        + outCol + ") for input " + h + "x" + w + " with " + p);
            }
        }
    }

    /** Whether input coordinate x is read by one of the k taps of output o along an axis. */
    private static boolean isTap(long x, int o, int stride, int pad, int dilation, int kernel) {
        long t = x - ((long) o * stride - pad);
        return t >= 0 && t % dilation == 0 && t / dilation < kernel;
    }
}
