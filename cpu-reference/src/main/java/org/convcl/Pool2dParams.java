package org.convcl;

import java.util.Arrays;

/**
 * Hyper-parameters of 2-D max and average pooling, as PyTorch's {@code max_pool2d} and {@code avg_pool2d}.
 * Padding is implicit (negative infinity for max pooling, zeros counted or not for average pooling) and at most half
 * the kernel. {@code divisorOverride} 0 means none; dilation applies to max pooling only.
 */
public record Pool2dParams(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, int dilationH,
                           int dilationW, boolean ceilMode, boolean countIncludePad, int divisorOverride) {

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

    /** Kernel (kh, kw), stride equal to the kernel, no padding or dilation, floor mode, padding counted. */
    public static Pool2dParams of(int kernelH, int kernelW) {
        return new Pool2dParams(kernelH, kernelW, kernelH, kernelW, 0, 0, 1, 1, false, true, 0);
    }

    public Pool2dParams withStride(int h, int w) {
        return new Pool2dParams(kernelH, kernelW, h, w, padH, padW, dilationH, dilationW, ceilMode, countIncludePad,
                divisorOverride);
    }

    public Pool2dParams withPadding(int h, int w) {
        return new Pool2dParams(kernelH, kernelW, strideH, strideW, h, w, dilationH, dilationW, ceilMode,
                countIncludePad, divisorOverride);
    }

    public Pool2dParams withDilation(int h, int w) {
        return new Pool2dParams(kernelH, kernelW, strideH, strideW, padH, padW, h, w, ceilMode, countIncludePad,
                divisorOverride);
    }

    public Pool2dParams withCeilMode(boolean ceil) {
        return new Pool2dParams(kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, ceil,
                countIncludePad, divisorOverride);
    }

    public Pool2dParams withCountIncludePad(boolean count) {
        return new Pool2dParams(kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, ceilMode, count,
                divisorOverride);
    }

    /** @param divisor the divisor of every window sum; 0 for none (PyTorch refuses an explicit zero) */
    public Pool2dParams withDivisorOverride(int divisor) {
        return new Pool2dParams(kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, ceilMode,
                countIncludePad, divisor);
    }

    /**
     * PyTorch's pooling output size: {@link Conv2dParams#outputSize} in floor mode; in ceil mode rounded up, but a
     * last window must start inside the input or the left padding. In 64 bits, as PyTorch computes it.
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

    public Pool2dShape shapeOf(Tensor input) {
        return shapeOf(input == null ? null : input.shape());
    }
}
