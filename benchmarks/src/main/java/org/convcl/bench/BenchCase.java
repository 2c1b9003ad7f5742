package org.convcl.bench;

import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.Pool2dParams;
import org.convcl.Pool2dShape;
import org.convcl.Tensor;
import org.convcl.reference.Conv2dReference;
import org.convcl.reference.PoolReference;

/**
 * One benchmark on input (n, cin, h, w).
 * <ul>
 * <li>{@link Kind#CONV}: a convolution without bias, weight (cout, cin/groups, kh, kw).</li>
 * <li>{@link Kind#SGEMM}: the pointwise convolution that is exactly one matrix product: x (1, K, 1, N) is the K x N
 * matrix B, the weight (M, K, 1, 1) is A, and the output (1, M, 1, N) is C, so it times the GEMM kernel alone.</li>
 * <li>{@link Kind#MAX_POOL}, {@link Kind#AVG_POOL}: pooling with {@link #pool()}; there is no weight.</li>
 * </ul>
 *
 * @param params the convolution's parameters; {@link Conv2dParams#DEFAULT} for pooling
 * @param pool   the pooling's parameters; null for convolutions
 */
public record BenchCase(String name, Kind kind, int n, int cin, int h, int w, int cout, int kh, int kw,
                        Conv2dParams params, Pool2dParams pool) {

    /** What a case computes. */
    public enum Kind { CONV, SGEMM, MAX_POOL, AVG_POOL }

    static BenchCase conv(String name, int n, int cin, int hw, int cout, int kh, int kw, int strideH, int strideW,
                          int pad, int groups) {
        var p = Conv2dParams.DEFAULT.withStride(strideH, strideW).withPadding(pad, pad).withGroups(groups);
        return new BenchCase(name, Kind.CONV, n, cin, hw, hw, cout, kh, kw, p, null);
    }

    /** This convolution on inputs {@code w} pixels wide, for layers whose input is not square. */
    BenchCase withWidth(int w) {
        return new BenchCase(name, kind, n, cin, h, w, cout, kh, kw, params, pool);
    }

    /** This convolution with padding {@code padH} rows and {@code padW} columns on each side. */
    BenchCase withPadding(int padH, int padW) {
        return new BenchCase(name, kind, n, cin, h, w, cout, kh, kw, params.withPadding(padH, padW), pool);
    }

    /**
     * This convolution or pooling on {@code images} images, named for them ({@code _n1} appended for one): its data
     * is seeded by its name, so a run with the batch changed is a case of its own. An SGEMM case is unchanged.
     */
    BenchCase withBatch(int images) {
        return sgemm() || images == n ? this
                : new BenchCase(name + "_n" + images, kind, images, cin, h, w, cout, kh, kw, params, pool);
    }

    /** C (size x size) = A (size x size) * B (size x size). */
    static BenchCase sgemm(int size) {
        return new BenchCase("sgemm_" + size, Kind.SGEMM, 1, size, 1, size, size, 1, 1, Conv2dParams.DEFAULT, null);
    }

    /** Max or average pooling of (n, c, hw, hw) with a square kernel, stride and padding, floor mode. */
    static BenchCase pool(String name, Kind kind, int n, int c, int hw, int kernel, int stride, int pad) {
        var p = Pool2dParams.of(kernel, kernel).withStride(stride, stride).withPadding(pad, pad);
        return new BenchCase(name, kind, n, c, hw, hw, c, kernel, kernel, Conv2dParams.DEFAULT, p);
    }

    public boolean sgemm() {
        return kind == Kind.SGEMM;
    }

    public boolean pooling() {
        return kind == Kind.MAX_POOL || kind == Kind.AVG_POOL;
    }

    public Tensor input() {
        return Tensor.seeded(name.hashCode()).uniform(n, cin, h, w);
    }

    /** The convolution's weight; null for pooling. */
    public Tensor weight() {
        return pooling() ? null : Tensor.seeded(name.hashCode() + 1L).uniform(cout, cin / params.groups(), kh, kw);
    }

    /** The convolution's sizes; only for convolution and SGEMM cases. */
    public Conv2dShape shape() {
        if (pooling()) {
            throw new IllegalStateException(name + " is a pooling case");
        }
        return params.shapeOf(new int[] {n, cin, h, w}, new int[] {cout, cin / params.groups(), kh, kw}, null);
    }

    /** The pooling's sizes; only for pooling cases. */
    public Pool2dShape poolShape() {
        if (!pooling()) {
            throw new IllegalStateException(name + " is not a pooling case");
        }
        return pool.shapeOf(new int[] {n, cin, h, w});
    }

    public int[] outputShape() {
        return pooling() ? poolShape().outputShape() : shape().outputShape();
    }

    /**
     * Floating-point operations of one run. Pooling counts one per window element (a comparison or an addition), so
     * N * C * OH * OW * KH * KW, padding included; the division of an average is not counted.
     */
    public double flops() {
        if (!pooling()) {
            return shape().flops();
        }
        var s = poolShape();
        return (double) s.n() * s.c() * s.oh() * s.ow() * kh * kw;
    }

    /** The expected answer: the plain reference loops on this case's data (max pooling's output, not its indices). */
    public Tensor reference(Tensor input, Tensor weight) {
        return switch (kind) {
            case CONV, SGEMM -> Conv2dReference.conv2d(input, weight, null, params);
            case MAX_POOL -> PoolReference.maxPool2d(input, pool).output();
            case AVG_POOL -> PoolReference.avgPool2d(input, pool);
        };
    }

    public String describe() {
        return switch (kind) {
            case SGEMM -> "SGEMM " + cin + "^3";
            case CONV -> "N" + n + " C" + cin + " " + h + "x" + w + " K" + cout + " " + kh + "x" + kw + " s"
                    + params.strideH() + (params.strideH() == params.strideW() ? "" : "," + params.strideW()) + " p"
                    + params.padTop() + (params.groups() > 1 ? " g" + params.groups() : "");
            case MAX_POOL, AVG_POOL -> (kind == Kind.MAX_POOL ? "max" : "avg") + " pool N" + n + " C" + cin + " " + h
                    + "x" + w + " " + kh + "x" + kw + " s" + pool.strideH() + " p" + pool.padTop();
        };
    }
}
