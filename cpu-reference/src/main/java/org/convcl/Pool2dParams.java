package org.convcl;

import java.util.Arrays;

/**
 * Hyper-parameters of 2-D max and average pooling, as PyTorch's {@code max_pool2d} and {@code avg_pool2d}.
 * Padding is implicit (negative infinity for max pooling, zeros counted or not for average pooling) and at most half
 * the kernel. {@code divisorOverride} 0 means none; dilation applies to max pooling only.
 */
public record Pool2dParams(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, int dilationH,
                           int dilationW, boolean ceilMode, boolean countIncludePad, int divisorOverride) {

    /**
     * Checks every value.
     *
     * @param kernelH         window rows, {@code >= 1}
     * @param kernelW         window columns, {@code >= 1}
     * @param strideH         rows between windows, {@code >= 1}
     * @param strideW         columns between windows, {@code >= 1}
     * @param padH            implicit rows above and below, from 0 to {@code kernelH / 2}
     * @param padW            implicit columns left and right, from 0 to {@code kernelW / 2}
     * @param dilationH       rows between window taps (max pooling), {@code >= 1}
     * @param dilationW       columns between window taps (max pooling), {@code >= 1}
     * @param ceilMode        round the output size up rather than down
     * @param countIncludePad count the padding in average pooling's divisor
     * @param divisorOverride average pooling's divisor, or 0 for the window's count
     * @throws IllegalArgumentException naming the component when a kernel, stride or dilation is below 1, a padding
     *                                 below 0, or a padding above half its kernel
     */
    public Pool2dParams {
        Conv2dParams.requireAtLeast("kernelH", kernelH, 1);
        Conv2dParams.requireAtLeast("kernelW", kernelW, 1);
        Conv2dParams.requireAtLeast("strideH", strideH, 1);
        Conv2dParams.requireAtLeast("strideW", strideW, 1);
        Conv2dParams.requireAtLeast("padH", padH, 0);
        Conv2dParams.requireAtLeast("padW", padW, 0);
        Conv2dParams.requireAtLeast("dilationH", dilationH, 1);
        Conv2dParams.requireAtLeast("dilationW", dilationW, 1);
        if (padH > kernelH / 2 || padW > kernelW / 2) {
            throw new IllegalArgumentException("padding: (" + padH + ", " + padW + ") must be at most half the kernel ("
                    + kernelH + ", " + kernelW + "), rounded down");
        }
    }

    /**
     * Kernel (kh, kw), stride equal to the kernel, no padding or dilation, floor mode, padding counted.
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
        return new Pool2dParams(kernelH, kernelW, h, w, padH, padW, dilationH, dilationW, ceilMode, countIncludePad,
                divisorOverride);
    }

    /**
     * A copy with other implicit padding, on both sides of each axis.
     *
     * @param h rows added above and below, from 0 to half the kernel height
     * @param w columns added left and right, from 0 to half the kernel width
     * @return the new parameters
     * @throws IllegalArgumentException when negative or above half the kernel
     */
    public Pool2dParams withPadding(int h, int w) {
        return new Pool2dParams(kernelH, kernelW, strideH, strideW, h, w, dilationH, dilationW, ceilMode,
                countIncludePad, divisorOverride);
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
        return new Pool2dParams(kernelH, kernelW, strideH, strideW, padH, padW, h, w, ceilMode, countIncludePad,
                divisorOverride);
    }

    /**
     * A copy with another rounding of the output size.
     *
     * @param ceil true to round up (PyTorch's {@code ceil_mode})
     * @return the new parameters
     */
    public Pool2dParams withCeilMode(boolean ceil) {
        return new Pool2dParams(kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, ceil,
                countIncludePad, divisorOverride);
    }

    /**
     * A copy that counts the padding in average pooling's divisor, or not.
     *
     * @param count PyTorch's {@code count_include_pad}
     * @return the new parameters
     */
    public Pool2dParams withCountIncludePad(boolean count) {
        return new Pool2dParams(kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, ceilMode, count,
                divisorOverride);
    }

    /**
     * A copy with a fixed divisor for average pooling.
     *
     * @param divisor the divisor of every window sum; 0 for none (PyTorch refuses an explicit zero)
     * @return the new parameters
     */
    public Pool2dParams withDivisorOverride(int divisor) {
        return new Pool2dParams(kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, ceilMode,
                countIncludePad, divisor);
    }

    /**
     * PyTorch's pooling output size: {@link Conv2dParams#outputSize} in floor mode; in ceil mode rounded up, but a
     * last window must start inside the input or the left padding. In 64 bits, as PyTorch computes it.
     *
     * @param in       input extent along the axis
     * @param kernel   kernel extent
     * @param stride   stride, {@code >= 1}
     * @param pad      padding on each side
     * @param dilation dilation, {@code >= 1}
     * @param ceil     ceil mode
     * @return the output extent
     */
    public static long outputSize(int in, int kernel, int stride, int pad, int dilation, boolean ceil) {
        if (!ceil) {
            return Conv2dParams.outputSize(in, kernel, stride, pad, dilation);
        }
        long out = Math.floorDiv(in + 2L * pad - (long) dilation * (kernel - 1) - 1 + stride - 1, stride) + 1;
        if ((out - 1) * stride >= in + (long) pad) {
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
        long oh = outputSize(input[2], kernelH, strideH, padH, dilationH, ceilMode);
        long ow = outputSize(input[3], kernelW, strideW, padW, dilationW, ceilMode);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("kernel: (" + kernelH + ", " + kernelW + ") with dilation (" + dilationH
                    + ", " + dilationW + ") and padding (" + padH + ", " + padW + ") gives output size " + oh + "x" + ow
                    + " for input " + input[2] + "x" + input[3] + "; it must be at least 1x1");
        }
        return new Pool2dShape(input[0], input[1], input[2], input[3],
                Conv2dParams.requireOutputFits("height", oh, input[2], padH),
                Conv2dParams.requireOutputFits("width", ow, input[3], padW), this);
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
