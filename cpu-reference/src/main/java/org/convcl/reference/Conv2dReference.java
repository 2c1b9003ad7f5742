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
        Conv2dParams p = s.params(); // "same" padding resolved to pads
        Activation act = Activation.orIdentity(activation);
        if (residual != null) {
            Tensor.requireShape("residual", residual, s.outputShape());
        }
        Tensor out = Tensor.zeros("output", s.outputShape());
        float[] x = input.data(), wt = weight.data(), y = out.data();
        int cg = s.cPerGroup(), kg = s.kPerGroup(), plane = s.oh() * s.ow();
        // One output plane at a time in double, taps outermost, so the innermost loop walks an input row.
        double[] acc = new double[plane];
        for (int n = 0; n < s.n(); n++) {
            for (int k = 0; k < s.k(); k++) {
                int g = k / kg;
                java.util.Arrays.fill(acc, bias == null ? 0.0 : bias.data()[k]);
                for (int ci = 0; ci < cg; ci++) {
                    int c = g * cg + ci;
                    for (int i = 0; i < s.kh(); i++) {
                        for (int j = 0; j < s.kw(); j++) {
                            // weight is (K,C/G,KH,KW)
                            double w = wt[((k * cg + ci) * s.kh() + i) * s.kw() + j];
                            for (int oh = 0; oh < s.oh(); oh++) {
                                // In 64 bits: oh*SH can pass 2^31 where the padding is huge.
                                long ih = (long) oh * p.strideH() - p.padTop() + (long) i * p.dilationH();
                                for (int ow = 0; ow < s.ow(); ow++) {
                                    long iw = (long) ow * p.strideW() - p.padLeft() + (long) j * p.dilationW();
                                    boolean inside = ih >= 0 && ih < s.h() && iw >= 0 && iw < s.w();
                                    // x is (N,C,H,W). A tap on the zero padding still adds 0 * w, as in PyTorch, so
                                    // an infinite or NaN weight there gives NaN.
                                    double v = inside ? x[((n * s.c() + c) * s.h() + (int) ih) * s.w() + (int) iw] : 0;
                                    acc[oh * s.ow() + ow] += v * w;
                                }
                            }
                        }
                    }
                }
                for (int o = 0; o < plane; o++) {
                    int i = (n * s.k() + k) * plane + o;
                    y[i] = act.apply((float) (acc[o] + (residual == null ? 0 : residual.data()[i])));
                }
            }
        }
        return out;
    }
}
