package org.convcl.reference;

import org.convcl.MaxPool2dResult;
import org.convcl.Pool2dParams;
import org.convcl.Pool2dShape;
import org.convcl.Tensor;

/**
 * Max and average pooling and their gradients as plain loops, following PyTorch's CPU kernels.
 * <p>Thread-safe: static functions without state.
 */
public final class PoolReference {
    private PoolReference() {
    }

    /**
     * Max pooling, as {@code torch.nn.functional.max_pool2d(..., return_indices=True)}.
     *
     * @param input (N, C, H, W)
     * @param p     kernel, stride, padding, dilation and ceil mode
     * @return output and argmax indices ({@code ih * W + iw} per plane), each (N, C, OH, OW)
     * @throws IllegalArgumentException when the shapes do not fit the parameters
     */
    public static MaxPool2dResult maxPool2d(Tensor input, Pool2dParams p) {
        var s = p.shapeOf(input);
        var out = Tensor.zeros("output", s.outputShape());
        long[] indices = new long[out.size()];
        float[] x = input.data(), y = out.data();
        for (int plane = 0; plane < s.n() * s.c(); plane++) {
            int base = plane * s.h() * s.w();
            for (int oh = 0; oh < s.oh(); oh++) {
                for (int ow = 0; ow < s.ow(); ow++) {
                    // The window's taps in 64 bits: in ceil mode its end can pass 2^31.
                    long ih0 = (long) oh * p.strideH() - p.padTop(), iw0 = (long) ow * p.strideW() - p.padLeft();
                    long ih1 = Math.min(ih0 + (long) (p.kernelH() - 1) * p.dilationH() + 1, s.h());
                    long iw1 = Math.min(iw0 + (long) (p.kernelW() - 1) * p.dilationW() + 1, s.w());
                    while (ih0 < 0) {
                        ih0 += p.dilationH();
                    }
                    while (iw0 < 0) {
                        iw0 += p.dilationW();
                    }
                    // An all -inf window reports its first tap; NaN wins over any number, as in PyTorch.
                    long best = ih0 * s.w() + iw0;
                    float max = Float.NEGATIVE_INFINITY;
                    for (long ih = ih0; ih < ih1; ih += p.dilationH()) {
                        for (long iw = iw0; iw < iw1; iw += p.dilationW()) {
                            float v = x[base + (int) (ih * s.w() + iw)];
                            if (v > max || Float.isNaN(v)) {
                                max = v;
                                best = ih * s.w() + iw;
                            }
                        }
                    }
                    int o = (plane * s.oh() + oh) * s.ow() + ow;
                    y[o] = max;
                    indices[o] = best;
                }
            }
        }
        return new MaxPool2dResult(out, indices);
    }

    /**
     * Average pooling, as {@code torch.nn.functional.avg_pool2d}.
     *
     * @param input (N, C, H, W)
     * @param p     kernel, stride, padding, ceil mode, {@code count_include_pad} and divisor override
     * @return (N, C, OH, OW)
     * @throws IllegalArgumentException when the shapes do not fit the parameters
     */
    public static Tensor avgPool2d(Tensor input, Pool2dParams p) {
        var s = p.shapeOf(input);
        var out = Tensor.zeros("output", s.outputShape());
        float[] x = input.data(), y = out.data();
        for (int plane = 0; plane < s.n() * s.c(); plane++) {
            int base = plane * s.h() * s.w();
            for (int oh = 0; oh < s.oh(); oh++) {
                for (int ow = 0; ow < s.ow(); ow++) {
                    var win = AvgWindow.of(s, oh, ow);
                    double sum = 0;
                    for (int ih = win.ih0(); ih < win.ih1(); ih++) {
                        for (int iw = win.iw0(); iw < win.iw1(); iw++) {
                            sum += x[base + ih * s.w() + iw];
                        }
                    }
                    y[(plane * s.oh() + oh) * s.ow() + ow] = win.empty() ? 0f : (float) (sum / win.divisor());
                }
            }
        }
        return out;
    }

    /**
     * Gradient of max pooling: each output gradient goes to the input element its index names; windows that
     * overlap accumulate. Indices that are not taps of their own window are refused
     * ({@link Pool2dShape#requireIndices}).
     *
     * @param gradOutput (N, C, OH, OW)
     * @param indices    as returned by {@link #maxPool2d}
     * @param s          the forward pass's shape
     * @return (N, C, H, W)
     * @throws IllegalArgumentException when an index is not a tap of its own window
     */
    public static Tensor maxPool2dBackward(Tensor gradOutput, long[] indices, Pool2dShape s) {
        Tensor.requireShape("gradOutput", gradOutput, s.outputShape());
        if (indices == null || indices.length != gradOutput.size()) {
            throw new IllegalArgumentException("indices: " + (indices == null ? "null" : indices.length + " values")
                    + ", must hold one per output element (" + gradOutput.size() + ")");
        }
        s.requireIndices(indices);
        var grad = Tensor.zeros("gradient", s.inputShape());
        int plane = s.oh() * s.ow();
        for (int o = 0; o < gradOutput.size(); o++) {
            grad.data()[(int) ((long) (o / plane) * s.h() * s.w() + indices[o])] += gradOutput.data()[o];
        }
        return grad;
    }

    /**
     * Gradient of average pooling: each output gradient, divided as in the forward pass, goes to every input
     * element of its window.
     *
     * @param gradOutput (N, C, OH, OW)
     * @param s          the forward pass's shape
     * @return (N, C, H, W)
     */
    public static Tensor avgPool2dBackward(Tensor gradOutput, Pool2dShape s) {
        Tensor.requireShape("gradOutput", gradOutput, s.outputShape());
        var grad = Tensor.zeros("gradient", s.inputShape());
        for (int plane = 0; plane < s.n() * s.c(); plane++) {
            int base = plane * s.h() * s.w();
            for (int oh = 0; oh < s.oh(); oh++) {
                for (int ow = 0; ow < s.ow(); ow++) {
                    var win = AvgWindow.of(s, oh, ow);
                    if (win.empty()) {
                        continue;
                    }
                    float g = (float) (gradOutput.data()[(plane * s.oh() + oh) * s.ow() + ow] / (double) win.divisor());
                    for (int ih = win.ih0(); ih < win.ih1(); ih++) {
                        for (int iw = win.iw0(); iw < win.iw1(); iw++) {
                            grad.data()[base + ih * s.w() + iw] += g;
                        }
                    }
                }
            }
        }
        return grad;
    }

    /**
     * The input rows [ih0, ih1) and columns [iw0, iw1) an average-pooling window covers, and what its sum is divided
     * by: the override, else the window size including padding (clipped to the padded extent, which ends at the
     * bottom and right padding) or only the cells inside the input, as PyTorch does.
     */
    record AvgWindow(int ih0, int ih1, int iw0, int iw1, long divisor) {
        static AvgWindow of(Pool2dShape s, int oh, int ow) {
            var p = s.params();
            // In 64 bits, as PyTorch: a 65537 x 65537 window's size passes 2^31.
            long ih0 = (long) oh * p.strideH() - p.padTop(), iw0 = (long) ow * p.strideW() - p.padLeft();
            long ih1 = Math.min(ih0 + p.kernelH(), (long) s.h() + p.padBottom());
            long iw1 = Math.min(iw0 + p.kernelW(), (long) s.w() + p.padRight());
            long padded = (ih1 - ih0) * (iw1 - iw0);
            ih0 = Math.max(ih0, 0);
            iw0 = Math.max(iw0, 0);
            ih1 = Math.min(ih1, s.h());
            iw1 = Math.min(iw1, s.w());
            long divisor = p.divisorOverride() != 0 ? p.divisorOverride()
                    : p.countIncludePad() ? padded : (ih1 - ih0) * (iw1 - iw0);
            return new AvgWindow((int) ih0, (int) ih1, (int) iw0, (int) iw1, divisor);
        }

        boolean empty() {
            return ih0 >= ih1 || iw0 >= iw1;
        }
    }
}
