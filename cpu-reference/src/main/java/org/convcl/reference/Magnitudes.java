package org.convcl.reference;

import org.convcl.Activation;
import org.convcl.Conv2dGradients;
import org.convcl.Conv2dParams;
import org.convcl.ConvTranspose2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Pool2dShape;
import org.convcl.Tensor;

/**
 * The magnitude of each output element: the sum of the absolute values of the terms the reference adds up for it,
 * {@code sum(|x_i * w_i|)} for a convolution (plus {@code |bias|} and {@code |residual|}), {@code sum(|x_i|) / count}
 * for an average. A float32 sum's rounding error is bounded by a multiple of it, not of the result, which can cancel
 * to zero ({@link org.convcl.Tolerance}). Each is the reference operation itself on the absolute values of its
 * operands, so the same loops (in double) define the result and its magnitude.
 * <p>Thread-safe: static functions without state.
 */
public final class Magnitudes {
    private Magnitudes() {
    }

    /**
     * The magnitudes of {@code conv2d(input, weight) + bias + residual}, before any activation: the piecewise-linear
     * activations round at most once, relative to their own output, so they add no term.
     *
     * @param input    (N, C, H, W)
     * @param weight   (K, C/G, KH, KW)
     * @param bias     (K) or null
     * @param params   the convolution's parameters
     * @param residual (N, K, OH, OW) or null
     * @return (N, K, OH, OW), each element {@code >= 0}
     * @throws IllegalArgumentException when the shapes do not fit the parameters
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Tensor residual) {
        return Conv2dReference.conv2d(abs(input), abs(weight), abs(bias), params, abs(residual),
                Activation.identity());
    }

    /**
     * The magnitudes of some elements of {@code conv2d(input, weight) + bias}, as
     * {@link Conv2dReference#conv2d(Tensor, Tensor, Tensor, Conv2dParams, int[], int[])} selects them.
     *
     * @param input   (N, C, H, W)
     * @param weight  (K, C/G, KH, KW)
     * @param bias    (K) or null
     * @param params  the convolution's parameters
     * @param rows    output rows, each in {@code [0, N * K * OH)}
     * @param columns output columns, each in {@code [0, OW)}
     * @return (rows.length, columns.length)
     * @throws IllegalArgumentException when the shapes do not fit the parameters, or a row or column is outside
     *                                  the output
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, int[] rows,
                                int[] columns) {
        return Conv2dReference.conv2d(abs(input), abs(weight), abs(bias), params, rows, columns);
    }

    /**
     * The magnitudes of conv2d's gradients: {@code sum(|dy * w|)}, {@code sum(|dy * x|)} and {@code sum(|dy|)}.
     *
     * @param gradOutput (N, K, OH, OW)
     * @param input      (N, C, H, W)
     * @param weight     (K, C/G, KH, KW)
     * @param params     the forward parameters
     * @return shaped like the gradients
     * @throws IllegalArgumentException when the shapes do not fit the parameters
     */
    public static Conv2dGradients conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params) {
        return Conv2dBackwardReference.backward(abs(gradOutput), abs(input), abs(weight), params);
    }

    /**
     * The magnitudes of a transposed convolution's output.
     *
     * @param input  (N, Cin, H, W)
     * @param weight (Cin, Cout/G, KH, KW)
     * @param bias   (Cout) or null
     * @param params the transposed convolution's parameters
     * @return (N, Cout, OH, OW)
     * @throws IllegalArgumentException when the shapes do not fit the parameters
     */
    public static Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, ConvTranspose2dParams params) {
        return ConvTranspose2dReference.convTranspose2d(abs(input), abs(weight), abs(bias), params);
    }

    /**
     * The magnitudes of a transposed convolution's gradients.
     *
     * @param gradOutput (N, Cout, OH, OW)
     * @param input      (N, Cin, H, W)
     * @param weight     (Cin, Cout/G, KH, KW)
     * @param params     the forward parameters
     * @return shaped like the gradients
     * @throws IllegalArgumentException when the shapes do not fit the parameters
     */
    public static Conv2dGradients convTranspose2dBackward(Tensor gradOutput, Tensor input, Tensor weight,
                                                          ConvTranspose2dParams params) {
        return ConvTranspose2dReference.backward(abs(gradOutput), abs(input), abs(weight), params);
    }

    /**
     * The magnitudes of average pooling: the average of the absolute values of each window.
     *
     * @param input  (N, C, H, W)
     * @param params the pooling's parameters
     * @return (N, C, OH, OW)
     * @throws IllegalArgumentException when the shape does not fit the parameters
     */
    public static Tensor avgPool2d(Tensor input, Pool2dParams params) {
        return PoolReference.avgPool2d(abs(input), params);
    }

    /**
     * The magnitudes of average pooling's gradient.
     *
     * @param gradOutput (N, C, OH, OW)
     * @param s          the forward pass's shape
     * @return (N, C, H, W)
     */
    public static Tensor avgPool2dBackward(Tensor gradOutput, Pool2dShape s) {
        return PoolReference.avgPool2dBackward(abs(gradOutput), s);
    }

    /**
     * The magnitudes of max pooling's gradient, where overlapping windows add several output gradients.
     *
     * @param gradOutput (N, C, OH, OW)
     * @param indices    the forward pass's indices
     * @param s          the forward pass's shape
     * @return (N, C, H, W)
     * @throws IllegalArgumentException when an index is not a tap of its own window
     */
    public static Tensor maxPool2dBackward(Tensor gradOutput, long[] indices, Pool2dShape s) {
        return PoolReference.maxPool2dBackward(abs(gradOutput), indices, s);
    }

    /**
     * Zero magnitudes, for results that sum nothing: max pooling copies one input, so only the absolute tolerance
     * (for flushed subnormals) remains.
     *
     * @param like the result
     * @return zeros shaped like it
     */
    public static Tensor none(Tensor like) {
        return Tensor.zeros(like.shape());
    }

    /** Element-wise absolute values; null stays null (an absent bias or residual). */
    static Tensor abs(Tensor t) {
        if (t == null) {
            return null;
        }
        float[] a = new float[t.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.abs(t.data()[i]);
        }
        return new Tensor(a, t.shape());
    }
}
