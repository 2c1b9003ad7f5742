package org.convcl.reference;

import org.convcl.Conv2dGradients;
import org.convcl.ConvTranspose2dParams;
import org.convcl.ConvTranspose2dShape;
import org.convcl.Tensor;

/**
 * Transposed convolution and its gradients as plain loops, accumulated in double. Forward: every input value
 * {@code x[n, ci, ih, iw]} scatters {@code x * w[ci, co, i, j]} to output pixel {@code (ih*SH - PH + i*DH,
 * iw*SW - PW + j*DW)} of channel {@code g*Cout/G + co}; products landing in the cropped padding are dropped, as
 * PyTorch's col2im drops them. The gradients are those of that sum: the input gradient is conv2d of dy, where a tap
 * on a cropped pixel reads zero (and still adds {@code 0 * w}, as PyTorch's conv2d does); the weight gradient pairs
 * each input value with the dy its products landed on; the bias gradient sums dy.
 * <p>Thread-safe: static functions without state.
 */
public final class ConvTranspose2dReference {
    private ConvTranspose2dReference() {
    }

    /**
     * 2-D transposed convolution, as {@code torch.nn.functional.conv_transpose2d}.
     *
     * @param input  (N, Cin, H, W)
     * @param weight (Cin, Cout/G, KH, KW)
     * @param bias   (Cout) or null
     * @param p      stride, padding, output padding, dilation and groups
     * @return (N, Cout, OH, OW)
     * @throws IllegalArgumentException when the shapes do not fit the parameters
     */
    public static Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, ConvTranspose2dParams p) {
        var s = p.shapeOf(input, weight, bias);
        var out = Tensor.zeros("output", s.outputShape());
        double[] acc = new double[out.size()];
        float[] x = input.data(), w = weight.data();
        int plane = s.oh() * s.ow();
        for (int n = 0; n < s.n(); n++) {
            for (int co = 0; co < s.cOut(); co++) {
                java.util.Arrays.fill(acc, (n * s.cOut() + co) * plane, (n * s.cOut() + co + 1) * plane,
                        bias == null ? 0.0 : bias.data()[co]);
            }
        }
        forEachTap(s, (n, ci, ih, iw, co, i, j, oh, ow) -> {
            if (oh >= 0) {
                // x is (N,Cin,H,W), w is (Cin,Cout/G,KH,KW), y is (N,Cout,OH,OW)
                acc[((n * s.cOut() + co) * s.oh() + oh) * s.ow() + ow] +=
                        (double) x[inputIndex(s, n, ci, ih, iw)] * w[weightIndex(s, ci, co, i, j)];
            }
        });
        for (int e = 0; e < acc.length; e++) {
            out.data()[e] = (float) acc[e];
        }
        return out;
    }

    /**
     * The gradients of the transposed convolution with respect to its input, weight and bias.
     *
     * @param gradOutput (N, Cout, OH, OW), the gradient of the loss with respect to the output
     * @param input      (N, Cin, H, W), the forward input
     * @param weight     (Cin, Cout/G, KH, KW), the forward weight
     * @param p          the forward parameters
     * @return gradients shaped like input, weight and a (Cout) bias
     * @throws IllegalArgumentException when the shapes do not fit the parameters or each other
     */
    public static Conv2dGradients backward(Tensor gradOutput, Tensor input, Tensor weight, ConvTranspose2dParams p) {
        var s = p.shapeOf(input, weight, null);
        Tensor.requireShape("gradOutput", gradOutput, s.outputShape());
        double[] gx = new double[input.size()], gw = new double[weight.size()], gb = new double[s.cOut()];
        float[] x = input.data(), w = weight.data(), dy = gradOutput.data();
        for (int e = 0; e < dy.length; e++) {
            gb[e / (s.oh() * s.ow()) % s.cOut()] += dy[e];
        }
        forEachTap(s, (n, ci, ih, iw, co, i, j, oh, ow) -> {
            // A product cropped away had no effect on the output: it sends a zero gradient back.
            double d = oh >= 0 ? dy[((n * s.cOut() + co) * s.oh() + oh) * s.ow() + ow] : 0;
            int xi = inputIndex(s, n, ci, ih, iw), wi = weightIndex(s, ci, co, i, j);
            gx[xi] += d * w[wi];
            gw[wi] += d * x[xi];
        });
        return new Conv2dGradients(Conv2dBackwardReference.toFloat(gx, input.shape()),
                Conv2dBackwardReference.toFloat(gw, weight.shape()), Conv2dBackwardReference.toFloat(gb, s.cOut()));
    }

    /** One product of the forward sum: its input value, weight tap, and output pixel, (-1, -1) where cropped. */
    private interface Tap {
        void visit(int n, int ci, int ih, int iw, int co, int i, int j, int oh, int ow);
    }

    /** Visits every (input value, weight tap) pair in order, with the output pixel it lands on. */
    private static void forEachTap(ConvTranspose2dShape s, Tap tap) {
        var p = s.params();
        int cig = s.cInPerGroup(), cog = s.cOutPerGroup();
        for (int n = 0; n < s.n(); n++) {
            for (int ci = 0; ci < s.cIn(); ci++) {
                int g = ci / cig;
                for (int ih = 0; ih < s.h(); ih++) {
                    for (int iw = 0; iw < s.w(); iw++) {
                        for (int cg = 0; cg < cog; cg++) {
                            for (int i = 0; i < s.kh(); i++) {
                                // In 64 bits: ih*SH and i*DH can each pass 2^31.
                                long oh = (long) ih * p.strideH() - p.padH() + (long) i * p.dilationH();
                                for (int j = 0; j < s.kw(); j++) {
                                    long ow = (long) iw * p.strideW() - p.padW() + (long) j * p.dilationW();
                                    boolean inside = oh >= 0 && oh < s.oh() && ow >= 0 && ow < s.ow();
                                    tap.visit(n, ci, ih, iw, g * cog + cg, i, j, inside ? (int) oh : -1,
                                            inside ? (int) ow : -1);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static int inputIndex(ConvTranspose2dShape s, int n, int ci, int ih, int iw) {
        return ((n * s.cIn() + ci) * s.h() + ih) * s.w() + iw;
    }

    /** The weight is (Cin, Cout/G, KH, KW); {@code co} is the output channel, {@code co % (Cout/G)} its column. */
    private static int weightIndex(ConvTranspose2dShape s, int ci, int co, int i, int j) {
        return ((ci * s.cOutPerGroup() + co % s.cOutPerGroup()) * s.kh() + i) * s.kw() + j;
    }
}
