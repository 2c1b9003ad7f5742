package org.convcl.reference;

import org.convcl.Activation;
import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.Tensor;

/**
 * Direct convolution as obvious nested loops, accumulated in double: the definition every backend must match.
 * <p>Thread-safe: static functions without state.
 */
public final class Conv2dReference {
    private Conv2dReference() {
    }

    /**
     * 2-D cross-correlation, as {@code torch.nn.functional.conv2d}.
     *
     * @param input  (N, C, H, W)
     * @param weight (K, C/G, KH, KW)
     * @param bias   (K) or null
     * @param params stride, padding, dilation and groups
     * @return (N, K, OH, OW)
     * @throws IllegalArgumentException when the shapes do not fit the parameters
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        return conv2d(input, weight, bias, params, null, Activation.identity());
    }

    /**
     * {@code activation(conv2d(input, weight) + bias + residual)}: the residual is added to the double sum, which is
     * then rounded to float32 once, and the activation applied in float32.
     *
     * @param input      (N, C, H, W)
     * @param weight     (K, C/G, KH, KW)
     * @param bias       (K) or null
     * @param params     stride, padding, dilation and groups
     * @param residual   (N, K, OH, OW) or null
     * @param activation applied last; null or {@link Activation#identity()} for none
     * @return (N, K, OH, OW)
     * @throws IllegalArgumentException when the shapes do not fit the parameters, or the residual is not shaped like
     *                                  the output
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Tensor residual,
                                Activation activation) {
        Conv2dShape s = params.shapeOf(input, weight, bias);
        Activation act = Activation.orIdentity(activation);
        if (residual != null) {
            Tensor.requireShape("residual", residual, s.outputShape());
        }
        // Allocated first: an output too large for a Java array is refused before any work.
        Tensor out = Tensor.zeros("output", s.outputShape());
        sums(input, weight, bias, params, everyIndex(s.n() * s.k() * s.oh()), everyIndex(s.ow()), out.data(),
                (i, sum) -> act.apply((float) (sum + (residual == null ? 0 : residual.data()[i]))));
        return out;
    }

    /**
     * Some elements of {@code conv2d(input, weight) + bias}: those in the given output rows and columns, for checking
     * a large result on a sample. The output is seen as {@code N * K * OH} rows of {@code OW} elements, row
     * {@code (n * K + k) * OH + oh} being row oh of image n's channel k; only the selected elements are computed.
     *
     * @param input   (N, C, H, W)
     * @param weight  (K, C/G, KH, KW)
     * @param bias    (K) or null
     * @param params  stride, padding, dilation and groups
     * @param rows    output rows, each in {@code [0, N * K * OH)}
     * @param columns output columns, each in {@code [0, OW)}
     * @return (rows.length, columns.length): element (r, c) is the output at row {@code rows[r]}, column
     *         {@code columns[c]}
     * @throws IllegalArgumentException when the shapes do not fit the parameters, or a row or column is outside
     *                                  the output
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, int[] rows,
                                int[] columns) {
        Conv2dShape s = params.shapeOf(input, weight, bias);
        requireIndices("rows", rows, (long) s.n() * s.k() * s.oh());
        requireIndices("columns", columns, s.ow());
        var out = Tensor.zeros("output", rows.length, columns.length);
        sums(input, weight, bias, params, rows, columns, out.data(), (i, sum) -> (float) sum);
        return out;
    }

    /** How a sum in double becomes output element {@code index}. */
    private interface Rounding {
        float apply(int index, double sum);
    }

    /**
     * The sums in double, the definition, for the given rows and columns of the output, each stored rounded into
     * {@code y} (rows.length x columns.length).
     */
    private static void sums(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, int[] rows,
                             int[] columns, float[] y, Rounding rounding) {
        Conv2dShape s = params.shapeOf(input, weight, bias);
        Conv2dParams p = s.params(); // "same" padding resolved to pads
        float[] x = input.data(), wt = weight.data();
        int cg = s.cPerGroup(), kg = s.kPerGroup();
        // One plane at a time (the selected rows of one image's channel, consecutive in rows), in double, taps
        // outermost, so the innermost loop walks an input row.
        for (int first = 0, end; first < rows.length; first = end) {
            int plane = rows[first] / s.oh(), n = plane / s.k(), k = plane % s.k(), g = k / kg;
            end = first + 1;
            while (end < rows.length && rows[end] / s.oh() == plane) {
                end++;
            }
            double[] acc = new double[(end - first) * columns.length];
            java.util.Arrays.fill(acc, bias == null ? 0.0 : bias.data()[k]);
            for (int ci = 0; ci < cg; ci++) {
                int c = g * cg + ci;
                for (int i = 0; i < s.kh(); i++) {
                    for (int j = 0; j < s.kw(); j++) {
                        // weight is (K,C/G,KH,KW)
                        double w = wt[((k * cg + ci) * s.kh() + i) * s.kw() + j];
                        for (int r = first; r < end; r++) {
                            // In 64 bits: oh*SH can pass 2^31 where the padding is huge.
                            long ih = (long) (rows[r] % s.oh()) * p.strideH() - p.padTop() + (long) i * p.dilationH();
                            for (int col = 0; col < columns.length; col++) {
                                long iw = (long) columns[col] * p.strideW() - p.padLeft() + (long) j * p.dilationW();
                                boolean inside = ih >= 0 && ih < s.h() && iw >= 0 && iw < s.w();
                                // x is (N,C,H,W). A tap on the zero padding still adds 0 * w, as in PyTorch, so
                                // an infinite or NaN weight there gives NaN.
                                double v = inside ? x[((n * s.c() + c) * s.h() + (int) ih) * s.w() + (int) iw] : 0;
                                acc[(r - first) * columns.length + col] += v * w;
                            }
                        }
                    }
                }
            }
            for (int e = 0; e < acc.length; e++) {
                int index = first * columns.length + e;
                y[index] = rounding.apply(index, acc[e]);
            }
        }
    }

    /** 0, 1, ..., count - 1. */
    private static int[] everyIndex(int count) {
        int[] all = new int[count];
        for (int i = 0; i < count; i++) {
            all[i] = i;
        }
        return all;
    }

    private static void requireIndices(String name, int[] indices, long bound) {
        if (indices == null) {
            throw new IllegalArgumentException(name + ": must not be null");
        }
        for (int index : indices) {
            if (index < 0 || index >= bound) {
                throw new IllegalArgumentException(name + ": " + index + " is outside [0, " + bound + ")");
            }
        }
    }
}
