package org.convcl.reference;

import org.convcl.Conv2dGradients;
import org.convcl.Conv2dParams;
import org.convcl.Tensor;

/**
 * The gradients of conv2d as plain loops: every product {@code x[n, c, ih, iw] * w[k, ci, i, j]} that conv2d sums
 * into {@code y[n, k, oh, ow]} sends {@code dy[n, k, oh, ow]} back to the input and weight it came from; the bias
 * gradient sums dy. A tap on the zero padding adds {@code dy * 0} to its weight's gradient. Accumulated in double.
 * <p>Thread-safe: static functions without state.
 */
public final class Conv2dBackwardReference {
    private Conv2dBackwardReference() {
    }

    /**
     * The gradients of conv2d with respect to its input, weight and bias.
     *
     * @param gradOutput (N, K, OH, OW), the gradient of the loss with respect to conv2d's output
     * @param input      (N, C, H, W), the forward input
     * @param weight     (K, C/G, KH, KW), the forward weight
     * @param params     the forward parameters
     * @return gradients shaped like input, weight and a (K) bias
     * @throws IllegalArgumentException when the shapes do not fit the parameters
     */
    public static Conv2dGradients backward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params) {
        var s = params.shapeOf(input, weight, null);
        var p = s.params(); // "same" padding resolved to pads
        Tensor.requireShape("gradOutput", gradOutput, s.outputShape());
        double[] gx = new double[input.size()], gw = new double[weight.size()], gb = new double[s.k()];
        float[] x = input.data(), w = weight.data(), dy = gradOutput.data();
        int cg = s.cPerGroup(), kg = s.kPerGroup();
        for (int n = 0; n < s.n(); n++) {
            for (int k = 0; k < s.k(); k++) {
                int g = k / kg;
                for (int oh = 0; oh < s.oh(); oh++) {
                    for (int ow = 0; ow < s.ow(); ow++) {
                        double d = dy[((n * s.k() + k) * s.oh() + oh) * s.ow() + ow];
                        gb[k] += d;
                        for (int ci = 0; ci < cg; ci++) {
                            int c = g * cg + ci;
                            for (int i = 0; i < s.kh(); i++) {
                                long ih = (long) oh * p.strideH() - p.padTop() + (long) i * p.dilationH();
                                for (int j = 0; j < s.kw(); j++) {
                                    long iw = (long) ow * p.strideW() - p.padLeft() + (long) j * p.dilationW();
                                    int wi = ((k * cg + ci) * s.kh() + i) * s.kw() + j;
                                    if (ih < 0 || ih >= s.h() || iw < 0 || iw >= s.w()) {
                                        // The tap read zero padding: no input to send to, but its weight still
                                        // gets d * 0, NaN for an infinite or NaN d, as in PyTorch.
                                        gw[wi] += d * 0;
                                        continue;
                                    }
                                    int xi = ((n * s.c() + c) * s.h() + (int) ih) * s.w() + (int) iw;
                                    gx[xi] += d * w[wi];
                                    gw[wi] += d * x[xi];
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Conv2dGradients(toFloat(gx, input.shape()), toFloat(gw, weight.shape()), toFloat(gb, s.k()));
    }

    /** Rounds double sums to a float32 tensor of {@code shape}. */
    static Tensor toFloat(double[] values, int... shape) {
        var t = Tensor.zeros(shape);
        for (int i = 0; i < values.length; i++) {
            t.data()[i] = (float) values[i];
        }
        return t;
    }
}
