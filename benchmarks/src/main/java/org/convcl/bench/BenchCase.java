package org.convcl.bench;

import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.Tensor;

/**
 * One benchmark: a convolution without bias, input (n, cin, h, w), weight (cout, cin/groups, kh, kw). SGEMM cases
 * are the pointwise convolution that is exactly one matrix product: x (1, K, 1, N) is the K x N matrix B, the weight
 * (M, K, 1, 1) is A, and the output (1, M, 1, N) is C, so they time the GEMM kernel alone.
 */
public record BenchCase(String name, boolean sgemm, int n, int cin, int h, int w, int cout, int kh, int kw,
                        Conv2dParams params) {

    static BenchCase conv(String name, int n, int cin, int hw, int cout, int kh, int kw, int strideH, int strideW,
                          int pad, int groups) {
        var p = Conv2dParams.DEFAULT.withStride(strideH, strideW).withPadding(pad, pad).withGroups(groups);
        return new BenchCase(name, false, n, cin, hw, hw, cout, kh, kw, p);
    }

    /** C (size x size) = A (size x size) * B (size x size). */
    static BenchCase sgemm(int size) {
        return new BenchCase("sgemm_" + size, true, 1, size, 1, size, size, 1, 1, Conv2dParams.DEFAULT);
    }

    public Tensor input() {
        return Tensor.random(name.hashCode(), n, cin, h, w);
    }

    public Tensor weight() {
        return Tensor.random(name.hashCode() + 1L, cout, cin / params.groups(), kh, kw);
    }

    public Conv2dShape shape() {
        return params.shapeOf(new int[] {n, cin, h, w}, new int[] {cout, cin / params.groups(), kh, kw}, null);
    }

    public double flops() {
        return shape().flops();
    }

    public String describe() {
        if (sgemm) {
            return "SGEMM " + cin + "^3";
        }
        var p = params;
        return "N" + n + " C" + cin + " " + h + "x" + w + " K" + cout + " " + kh + "x" + kw + " s" + p.strideH()
                + (p.strideH() == p.strideW() ? "" : "," + p.strideW()) + " p" + p.padH()
                + (p.groups() > 1 ? " g" + p.groups() : "");
    }
}
