package org.convcl;

/** The sizes of one validated pooling: input (n, c, h, w), output (n, c, oh, ow). */
public record Pool2dShape(int n, int c, int h, int w, int oh, int ow, Pool2dParams params) {

    public int[] inputShape() {
        return new int[] {n, c, h, w};
    }

    public int[] outputShape() {
        return new int[] {n, c, oh, ow};
    }
}
