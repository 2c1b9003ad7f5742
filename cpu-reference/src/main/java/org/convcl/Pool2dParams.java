package org.convcl;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Hyper-parameters of 2-D max and average pooling, as PyTorch's {@code max_pool2d} and {@code avg_pool2d}, with
 * padding per side (top, bottom, left, right, as ONNX's {@code pads}). Padding is implicit (negative infinity for max
 * pooling, zeros counted or not for average pooling) and on each side at most half the kernel, PyTorch's rule.
 * {@code divisorOverride} 0 means none; dilation applies to max pooling only.
 *
 * <p>Average pooling's divisor: with {@code countIncludePad}, the window's positions inside the padded extent
 * {@code [-padBegin, in + padEnd)} along each axis (PyTorch's rule with its one pad per side, ONNX's
 * {@code count_include_pad=1}, and what {@code avg_pool2d} gives after an explicit zero {@code F.pad}); without it,
 * the input elements the window covers.
 *
 * <p>Immutable, so thread-safe. Serializable, for jobs that ship it to other processes (such as Spark's executors);
 * the canonical constructor checks it again when it is read back.
 *
 * @serial exclude
 *
 * @param kernelH         window rows, {@code >= 1}
 * @param kernelW         window columns, {@code >= 1}
 * @param strideH         rows between windows, {@code >= 1}
 * @param strideW         columns between windows, {@code >= 1}
 * @param padTop          implicit rows above the input, {@code 0 <= padTop <= kernelH / 2}
 * @param padBottom       implicit rows below the input, {@code 0 <= padBottom <= kernelH / 2}
 * @param padLeft         implicit columns left of the input, {@code 0 <= padLeft <= kernelW / 2}
 * @param padRight        implicit columns right of the input, {@code 0 <= padRight <= kernelW / 2}
 * @param dilationH       rows between window taps, {@code >= 1}; max pooling only
 * @param dilationW       columns between window taps, {@code >= 1}; max pooling only
 * @param ceilMode        round the output size up rather than down (PyTorch's {@code ceil_mode})
 * @param countIncludePad count the padding in average pooling's divisor (PyTorch's {@code count_include_pad})
 * @param divisorOverride average pooling's divisor of every window sum; 0 for none
 */
public record Pool2dParams(int kernelH, int kernelW, int strideH, int strideW, int padTop, int padBottom, int padLeft,
                           int padRight, int dilationH, int dilationW, boolean ceilMode, boolean countIncludePad,
                           int divisorOverride) implements Serializable {

    /**
     * Checks the kernel, stride, padding and dilation.
     *
     * @param kernelH         window rows, {@code >= 1}
     * @param kernelW         window columns, {@code >= 1}
     * @param strideH         rows between windows, {@code >= 1}
     * @param strideW         columns between windows, {@code >= 1}
     * @param padTop          implicit rows above the input, {@code 0 <= padTop <= kernelH / 2}
     * @param padBottom       implicit rows below the input, {@code 0 <= padBottom <= kernelH / 2}
     * @param padLeft         implicit columns left of the input, {@code 0 <= padLeft <= kernelW / 2}
     * @param padRight        implicit columns right of the input, {@code 0 <= padRight <= kernelW / 2}
     * @param dilationH       rows between window taps, {@code >= 1}; max pooling only
     * @param dilationW       columns between window taps, {@code >= 1}; max pooling only
     * @param ceilMode        round the output size up rather than down (PyTorch's {@code ceil_mode})
     * @param countIncludePad count the padding in average pooling's divisor (PyTorch's {@code count_include_pad})
     * @param divisorOverride average pooling's divisor of every window sum; 0 for none
     * @throws IllegalArgumentException for a kernel, stride or dilation below 1, or a pad below 0 or above half the
     *                                  kernel along its axis
     */
    public Pool2dParams {
        Conv2dParams.requireBothAtLeast("kernel", kernelH, kernelW, 1);
        Conv2dParams.requireBothAtLeast("stride", strideH, strideW, 1);
        Conv2dParams.requireAtLeast("padTop", padTop, 0);
        Conv2dParams.requireAtLeast("padBottom", padBottom, 0);
        Conv2dParams.requireAtLeast("padLeft", padLeft, 0);
        Conv2dParams.requireAtLeast("padRight", padRight, 0);
        Conv2dParams.requireBothAtLeast("dilation", dilationH, dilationW, 1);
        requireAtMostHalf("top", padTop, "height", kernelH);
        requireAtMostHalf("bottom", padBottom, "height", kernelH);
        requireAtMostHalf("left", padLeft, "width", kernelW);
        requireAtMostHalf("right", padRight, "width", kernelW);
    }

    private static void requireAtMostHalf(String side, int pad, String axis, int kernel) {
        if (pad > kernel / 2) {
            throw new IllegalArgumentException("padding: " + side + " " + pad + " is more than half the kernel " + axis
                    + " " + kernel + "; each side takes at most " + kernel / 2 + ", as in PyTorch");
        }
    }

    /**
     * Symmetric padding: padH rows above and below, padW columns left and right.
     *
     * @param kernelH         window rows, {@code >= 1}
     * @param kernelW         window columns, {@code >= 1}
     * @param strideH         rows between windows, {@code >= 1}
     * @param strideW         columns between windows, {@code >= 1}
     * @param padH            implicit rows above and below the input, {@code 0 <= padH <= kernelH / 2}
     * @param padW            implicit columns left and right of the input, {@code 0 <= padW <= kernelW / 2}
     * @param dilationH       rows between window taps, {@code >= 1}; max pooling only
     * @param dilationW       columns between window taps, {@code >= 1}; max pooling only
     * @param ceilMode        round the output size up rather than down (PyTorch's {@code ceil_mode})
     * @param countIncludePad count the padding in average pooling's divisor (PyTorch's {@code count_include_pad})
     * @param divisorOverride average pooling's divisor of every window sum; 0 for none
     * @throws IllegalArgumentException for a kernel, stride or dilation below 1, or a pad below 0 or above half the
     *                                  kernel along its axis
     */
    public Pool2dParams(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, int dilationH,
                        int dilationW, boolean ceilMode, boolean countIncludePad, int divisorOverride) {
        this(kernelH, kernelW, strideH, strideW, padH, padH, padW, padW, dilationH, dilationW, ceilMode,
                countIncludePad, divisorOverride);
    }

    /**
     * Kernel (kh, kw), stride equal to the kernel, no padding or dilation, floor mode, padding counted, as PyTorch's
     * defaults.
     *
     * @param kernelH window rows, {@code >= 1}
     * @param kernelW window columns, {@code >= 1}
     * @return the parameters
     * @throws IllegalArgumentException naming the component when below 1
     */
    public static Pool2dParams of(int kernelH, int kernelW) {
        return new Pool2dParams(kernelH, kernelW, kernelH, kernelW, 0, 0, 1, 1, false, true, 0);
    }

    /**
     * A copy with another stride.
     *
     * @param h rows between windows, {@code >= 1}
     * @param w columns between windows, {@code >= 1}
     * @return the new parameters
     * @throws IllegalArgumentException naming the component when below 1
     */
    public Pool2dParams withStride(int h, int w) {
        return new Pool2dParams(kernelH, kernelW, h, w, padTop, padBottom, padLeft, padRight, dilationH, dilationW,
                ceilMode, countIncludePad, divisorOverride);
    }

    /**
     * A copy with symmetric padding: h rows above and below, w columns left and right.
     *
     * @param h implicit rows on each of top and bottom, {@code 0 <= h <= kernelH / 2}
     * @param w implicit columns on each of left and right, {@code 0 <= w <= kernelW / 2}
     * @return the new parameters
     * @throws IllegalArgumentException naming the side when a pad is negative or more than half the kernel
     */
    public Pool2dParams withPadding(int h, int w) {
        return withPadding(h, h, w, w);
    }

    /**
     * A copy with padding per side, as ONNX's {@code pads = [top, left, bottom, right]} in this method's order.
     *
     * @param top    implicit rows above the input, {@code 0 <= top <= kernelH / 2}
     * @param bottom implicit rows below the input, {@code 0 <= bottom <= kernelH / 2}
     * @param left   implicit columns left of the input, {@code 0 <= left <= kernelW / 2}
     * @param right  implicit columns right of the input, {@code 0 <= right <= kernelW / 2}
     * @return the new parameters
     * @throws IllegalArgumentException naming the side when a pad is negative or more than half the kernel
     */
    public Pool2dParams withPadding(int top, int bottom, int left, int right) {
        return new Pool2dParams(kernelH, kernelW, strideH, strideW, top, bottom, left, right, dilationH, dilationW,
                ceilMode, countIncludePad, divisorOverride);
    }

    /**
     * A copy with another dilation (max pooling only).
     *
     * @param h rows between window taps, {@code >= 1}
     * @param w columns between window taps, {@code >= 1}
     * @return the new parameters
     * @throws IllegalArgumentException naming the component when below 1
     */
    public Pool2dParams withDilation(int h, int w) {
        return new Pool2dParams(kernelH, kernelW, strideH, strideW, padTop, padBottom, padLeft, padRight, h, w,
                ceilMode, countIncludePad, divisorOverride);
    }

    /**
     * A copy with another rounding of the output size.
     *
     * @param ceil true to round up (PyTorch's {@code ceil_mode})
     * @return the new parameters
     */
    public Pool2dParams withCeilMode(boolean ceil) {
        return new Pool2dParams(kernelH, kernelW, strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH,
                dilationW, ceil, countIncludePad, divisorOverride);
    }

    /**
     * A copy that counts the padding in average pooling's divisor, or not.
     *
     * @param count PyTorch's {@code count_include_pad}
     * @return the new parameters
     */
    public Pool2dParams withCountIncludePad(boolean count) {
        return new Pool2dParams(kernelH, kernelW, strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH,
                dilationW, ceilMode, count, divisorOverride);
    }

    /**
     * A copy with a fixed divisor for average pooling.
     *
     * @param divisor the divisor of every window sum; 0 for none (PyTorch refuses an explicit zero)
     * @return the new parameters
     */
    public Pool2dParams withDivisorOverride(int divisor) {
        return new Pool2dParams(kernelH, kernelW, strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH,
                dilationW, ceilMode, countIncludePad, divisor);
    }

    /**
     * PyTorch's pooling output size ({@code pooling_output_shape_pad_lr}): {@link Conv2dParams#outputSize} in floor
     * mode; in ceil mode rounded up, but a last window must start inside the input or the begin (top or left)
     * padding. In 64 bits, as PyTorch computes it.
     *
     * @param in       input size along the axis
     * @param kernel   window size along the axis
     * @param stride   stride along the axis, {@code >= 1}
     * @param padBegin padding before the input (top or left)
     * @param padEnd   padding after the input (bottom or right)
     * @param dilation dilation along the axis
     * @param ceil     round up rather than down
     * @return the output size along the axis, below 1 where the window does not fit
     */
    public static long outputSize(int in, int kernel, int stride, int padBegin, int padEnd, int dilation,
                                  boolean ceil) {
        if (!ceil) {
            return Conv2dParams.outputSize(in, kernel, stride, padBegin, padEnd, dilation);
        }
        long out = Math.floorDiv((long) in + padBegin + padEnd - (long) dilation * (kernel - 1) - 1 + stride - 1,
                stride) + 1;
        if ((out - 1) * stride >= (long) in + padBegin) {
            out--;
        }
        return out;
    }

    /**
     * Checks the input against these parameters and returns the derived sizes.
     *
     * @param input (N, C, H, W)
     * @return the sizes of the pooling
     * @throws IllegalArgumentException naming the argument and the rule it broke
     */
    public Pool2dShape shapeOf(int[] input) {
        if (input == null) {
            throw new IllegalArgumentException("input: must not be null");
        }
        if (input.length != 4) {
            throw new IllegalArgumentException("input: rank " + input.length + " (shape " + Arrays.toString(input)
                    + "), must be 4");
        }
        if (input[1] < 1 || input[2] < 1 || input[3] < 1) {
            throw new IllegalArgumentException("input: channels, height and width must be >= 1, got shape "
                    + Arrays.toString(input));
        }
        long oh = outputSize(input[2], kernelH, strideH, padTop, padBottom, dilationH, ceilMode);
        long ow = outputSize(input[3], kernelW, strideW, padLeft, padRight, dilationW, ceilMode);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("kernel: (" + kernelH + ", " + kernelW + ") with dilation (" + dilationH
                    + ", " + dilationW + ") and padding (" + padTop + ", " + padBottom + ", " + padLeft + ", "
                    + padRight + ") gives output size " + oh + "x" + ow
                    + " for input " + input[2] + "x" + input[3] + "; it must be at least 1x1");
        }
        return new Pool2dShape(input[0], input[1], input[2], input[3],
                Conv2dParams.requireOutputFits("height", oh, input[2], padTop, padBottom),
                Conv2dParams.requireOutputFits("width", ow, input[3], padLeft, padRight), this);
    }

    /**
     * As {@link #shapeOf(int[])}, for a tensor.
     *
     * @param input (N, C, H, W)
     * @return the sizes of the pooling
     * @throws IllegalArgumentException naming the argument and the rule it broke
     */
    public Pool2dShape shapeOf(Tensor input) {
        return shapeOf(input == null ? null : input.shape());
    }
}
