package org.convcl;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Hyper-parameters of a 2-D convolution, as PyTorch's {@code conv2d}: per-axis stride and dilation, zero padding per
 * side (top, bottom, left, right, as ONNX's {@code pads}) or PyTorch's {@code padding="same"}, and the number of
 * groups. Symmetric padding reads as before: {@code withPadding(ph, pw)} pads ph rows above and below.
 *
 * <p>With {@link #samePadding()} the four pads are 0 here and resolved per kernel by {@link #resolvedFor}: a total
 * of {@code dilation * (kernel - 1)} per axis, the odd one on the bottom or right, as PyTorch; stride must be 1.
 *
 * <p>Immutable, so thread-safe. Serializable, for jobs that ship it to other processes (such as Spark's executors);
 * the canonical constructor checks it again when it is read back.
 *
 * @serial exclude
 *
 * @param strideH     rows between window positions, {@code >= 1}
 * @param strideW     columns between window positions, {@code >= 1}
 * @param padTop      zero rows above the input, {@code >= 0}
 * @param padBottom   zero rows below the input, {@code >= 0}
 * @param padLeft     zero columns left of the input, {@code >= 0}
 * @param padRight    zero columns right of the input, {@code >= 0}
 * @param dilationH   rows between kernel taps, {@code >= 1}
 * @param dilationW   columns between kernel taps, {@code >= 1}
 * @param groups      channel groups, {@code >= 1}; must divide the input and output channels
 * @param samePadding PyTorch's {@code padding="same"}, resolved per kernel by {@link #resolvedFor}
 */
public record Conv2dParams(int strideH, int strideW, int padTop, int padBottom, int padLeft, int padRight,
                           int dilationH, int dilationW, int groups, boolean samePadding) implements Serializable {

    /** Stride 1, no padding, no dilation, one group. */
    public static final Conv2dParams DEFAULT = new Conv2dParams(1, 1, 0, 0, 1, 1, 1);

    /**
     * Checks every component.
     *
     * @param strideH     rows between window positions, {@code >= 1}
     * @param strideW     columns between window positions, {@code >= 1}
     * @param padTop      zero rows above, {@code >= 0}; 0 with {@code samePadding}
     * @param padBottom   zero rows below, {@code >= 0}; 0 with {@code samePadding}
     * @param padLeft     zero columns on the left, {@code >= 0}; 0 with {@code samePadding}
     * @param padRight    zero columns on the right, {@code >= 0}; 0 with {@code samePadding}
     * @param dilationH   rows between kernel taps, {@code >= 1}
     * @param dilationW   columns between kernel taps, {@code >= 1}
     * @param groups      channel groups, {@code >= 1}
     * @param samePadding PyTorch's {@code padding="same"}; needs stride 1
     * @throws IllegalArgumentException for a stride, dilation or group count below 1, a negative pad, or
     *                                  {@code samePadding} with explicit pads or a stride other than 1
     */
    public Conv2dParams {
        requireBothAtLeast("stride", strideH, strideW, 1);
        requireAtLeast("padTop", padTop, 0);
        requireAtLeast("padBottom", padBottom, 0);
        requireAtLeast("padLeft", padLeft, 0);
        requireAtLeast("padRight", padRight, 0);
        requireBothAtLeast("dilation", dilationH, dilationW, 1);
        requireAtLeast("groups", groups, 1);
        if (samePadding && (strideH != 1 || strideW != 1)) {
            throw new IllegalArgumentException("padding: same needs stride 1 (as PyTorch, which refuses it for strided"
                    + " convolutions), got stride (" + strideH + ", " + strideW + ")");
        }
        if (samePadding && (padTop | padBottom | padLeft | padRight) != 0) {
            throw new IllegalArgumentException("padding: same is resolved from the kernel, explicit pads must be 0");
        }
    }

    /**
     * Symmetric padding: padH rows above and below, padW columns left and right, no "same" padding.
     *
     * @param strideH   rows between window positions, {@code >= 1}
     * @param strideW   columns between window positions, {@code >= 1}
     * @param padH      zero rows above and below the input, {@code >= 0}
     * @param padW      zero columns left and right of the input, {@code >= 0}
     * @param dilationH rows between kernel taps, {@code >= 1}
     * @param dilationW columns between kernel taps, {@code >= 1}
     * @param groups    channel groups, {@code >= 1}
     * @throws IllegalArgumentException for a stride, dilation or group count below 1, or a negative pad
     */
    public Conv2dParams(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {
        this(strideH, strideW, padH, padH, padW, padW, dilationH, dilationW, groups, false);
    }

    /**
     * A copy with another stride.
     *
     * @param h rows between window positions, {@code >= 1}
     * @param w columns between window positions, {@code >= 1}
     * @return the new parameters
     * @throws IllegalArgumentException naming the component when below 1
     */
    public Conv2dParams withStride(int h, int w) {
        return new Conv2dParams(h, w, padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups, samePadding);
    }

    /**
     * A copy with symmetric padding: h rows above and below, w columns left and right; "same" padding is dropped.
     *
     * @param h zero rows on each of top and bottom, {@code >= 0}
     * @param w zero columns on each of left and right, {@code >= 0}
     * @return the new parameters
     * @throws IllegalArgumentException naming the pad when negative
     */
    public Conv2dParams withPadding(int h, int w) {
        return withPadding(h, h, w, w);
    }

    /**
     * A copy with padding per side, as ONNX's {@code pads = [top, left, bottom, right]} in this method's order;
     * "same" padding is dropped.
     *
     * @param top    zero rows above the input, {@code >= 0}
     * @param bottom zero rows below the input, {@code >= 0}
     * @param left   zero columns left of the input, {@code >= 0}
     * @param right  zero columns right of the input, {@code >= 0}
     * @return the new parameters
     * @throws IllegalArgumentException naming the pad when negative
     */
    public Conv2dParams withPadding(int top, int bottom, int left, int right) {
        return new Conv2dParams(strideH, strideW, top, bottom, left, right, dilationH, dilationW, groups, false);
    }

    /**
     * A copy with PyTorch's {@code padding="same"}: the output as large as the input, stride 1 only.
     *
     * @return the new parameters, explicit pads 0
     * @throws IllegalArgumentException when the stride is not 1
     */
    public Conv2dParams withSamePadding() {
        return new Conv2dParams(strideH, strideW, 0, 0, 0, 0, dilationH, dilationW, groups, true);
    }

    /**
     * A copy with PyTorch's {@code padding="valid"}: no padding.
     *
     * @return the new parameters
     */
    public Conv2dParams withValidPadding() {
        return withPadding(0, 0, 0, 0);
    }

    /**
     * A copy with another dilation.
     *
     * @param h rows between kernel taps, {@code >= 1}
     * @param w columns between kernel taps, {@code >= 1}
     * @return the new parameters
     * @throws IllegalArgumentException naming the component when below 1
     */
    public Conv2dParams withDilation(int h, int w) {
        return new Conv2dParams(strideH, strideW, padTop, padBottom, padLeft, padRight, h, w, groups, samePadding);
    }

    /**
     * A copy with another group count.
     *
     * @param g channel groups, {@code >= 1}; checked against the channels by {@link #shapeOf}
     * @return the new parameters
     * @throws IllegalArgumentException when {@code g} is below 1
     */
    public Conv2dParams withGroups(int g) {
        return new Conv2dParams(strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, g,
                samePadding);
    }

    /**
     * These parameters with explicit pads for a kh x kw kernel: itself unless {@link #samePadding()}, else PyTorch's
     * "same" padding, {@code dilation * (kernel - 1)} per axis split with the extra one at the bottom or right.
     *
     * @param kh kernel height, {@code >= 1}
     * @param kw kernel width, {@code >= 1}
     * @return parameters with explicit pads and {@code samePadding} false
     * @throws IllegalArgumentException when a pad of "same" would pass 2^31 - 1
     */
    public Conv2dParams resolvedFor(int kh, int kw) {
        if (!samePadding) {
            return this;
        }
        long totalH = (long) dilationH * (kh - 1), totalW = (long) dilationW * (kw - 1);
        return new Conv2dParams(strideH, strideW, samePad("height", totalH / 2), samePad("height", totalH - totalH / 2),
                samePad("width", totalW / 2), samePad("width", totalW - totalW / 2), dilationH, dilationW, groups,
                false);
    }

    private static int samePad(String axis, long pad) {
        if (pad > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("padding: same needs " + pad + " along the " + axis
                    + ", more than 2^31 - 1");
        }
        return (int) pad;
    }

    /**
     * The one output-size formula of the project: {@code floor((in + padBegin + padEnd - d(k-1) - 1) / s) + 1}, in
     * 64 bits since {@code in + padBegin + padEnd} and {@code d(k-1)} can pass 2^31. Callers check that the dilated
     * kernel fits the padded input first (this returns a value below 1 otherwise) and that the size fits an int
     * ({@link #requireOutputFits}).
     *
     * @param in       input size along the axis
     * @param kernel   kernel size along the axis
     * @param stride   stride along the axis, {@code >= 1}
     * @param padBegin zero padding before the input (top or left)
     * @param padEnd   zero padding after the input (bottom or right)
     * @param dilation dilation along the axis
     * @return the output size along the axis, below 1 where the dilated kernel does not fit
     */
    public static long outputSize(int in, int kernel, int stride, int padBegin, int padEnd, int dilation) {
        return Math.floorDiv((long) in + padBegin + padEnd - (long) dilation * (kernel - 1) - 1, stride) + 1;
    }

    /** Refuses an output size past 2^31 - 1, which no tensor dimension can hold, rather than let it wrap. */
    static int requireOutputFits(String axis, long size, int in, int padBegin, int padEnd) {
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("padding: output " + axis + " " + size + " (input " + axis + " " + in
                    + ", padding " + padBegin + " + " + padEnd + ") is more than 2^31 - 1");
        }
        return (int) size;
    }

    /**
     * Checks that input, weight and bias fit together under these parameters and returns the derived sizes, whose
     * {@link Conv2dShape#params() params} have "same" padding resolved to explicit pads.
     *
     * @param input  (N, C, H, W)
     * @param weight (K, C/groups, KH, KW)
     * @param bias   (K) or null
     * @return the sizes of the convolution
     * @throws IllegalArgumentException naming the argument and the rule it broke
     */
    public Conv2dShape shapeOf(Tensor input, Tensor weight, Tensor bias) {
        return shapeOf(requireShape("input", input), requireShape("weight", weight), bias == null ? null : bias.shape());
    }

    /**
     * As {@link #shapeOf(Tensor, Tensor, Tensor)}, for tensors known by their shapes (device tensors).
     *
     * @param input  (N, C, H, W)
     * @param weight (K, C/groups, KH, KW)
     * @param bias   (K) or null
     * @return the sizes of the convolution
     * @throws IllegalArgumentException naming the argument and the rule it broke
     */
    public Conv2dShape shapeOf(int[] input, int[] weight, int[] bias) {
        requireRank("input", input, 4);
        requireRank("weight", weight, 4);
        int n = input[0], c = input[1], h = input[2], w = input[3];
        int k = weight[0], cg = weight[1], kh = weight[2], kw = weight[3];
        requireNonEmpty(input, weight);
        if (c % groups != 0) {
            throw new IllegalArgumentException("groups: " + groups + " does not divide the input channels " + c);
        }
        if (k % groups != 0) {
            throw new IllegalArgumentException("groups: " + groups + " does not divide the output channels " + k
                    + " (weight dimension 0)");
        }
        if (cg * groups != c) {
            throw new IllegalArgumentException("weight: dimension 1 is " + cg + " but input channels / groups is "
                    + c / groups + " (input " + Arrays.toString(input) + ", groups " + groups + ")");
        }
        Conv2dParams p = resolvedFor(kh, kw);
        requireKernelFits("height", h, kh, p.padTop, p.padBottom, dilationH);
        requireKernelFits("width", w, kw, p.padLeft, p.padRight, dilationW);
        if (bias != null && (bias.length != 1 || bias[0] != k)) {
            throw new IllegalArgumentException("bias: shape " + Arrays.toString(bias) + ", must be [" + k
                    + "] (one value per output channel)");
        }
        int oh = requireOutputFits("height", outputSize(h, kh, strideH, p.padTop, p.padBottom, dilationH), h,
                p.padTop, p.padBottom);
        int ow = requireOutputFits("width", outputSize(w, kw, strideW, p.padLeft, p.padRight, dilationW), w,
                p.padLeft, p.padRight);
        return new Conv2dShape(n, c, h, w, k, kh, kw, oh, ow, p);
    }

    /**
     * Refuses a weight dimension below 1, and an input without channels or pixels (an empty batch is fine); the
     * shapes are rank 4.
     */
    static void requireNonEmpty(int[] input, int[] weight) {
        for (int axis = 0; axis < 4; axis++) {
            if (weight[axis] < 1) {
                throw new IllegalArgumentException("weight: dimension " + axis + " is " + weight[axis]
                        + ", every weight dimension must be >= 1 (shape " + Arrays.toString(weight) + ")");
            }
        }
        if (input[1] < 1 || input[2] < 1 || input[3] < 1) {
            throw new IllegalArgumentException("input: channels, height and width must be >= 1, got shape "
                    + Arrays.toString(input));
        }
    }

    private static void requireKernelFits(String axis, int in, int kernel, int padBegin, int padEnd, int dilation) {
        long span = (long) dilation * (kernel - 1) + 1;
        long padded = (long) in + padBegin + padEnd;
        if (span > padded) {
            throw new IllegalArgumentException("weight: kernel " + axis + " " + kernel + " with dilation " + dilation
                    + " spans " + span + ", more than the padded input " + axis + " " + padded);
        }
    }

    private static int[] requireShape(String name, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(name + ": must not be null");
        }
        return t.shape();
    }

    static void requireRank(String name, int[] shape, int rank) {
        if (shape == null) {
            throw new IllegalArgumentException(name + ": must not be null");
        }
        if (shape.length != rank) {
            throw new IllegalArgumentException(name + ": rank " + shape.length + " (shape " + Arrays.toString(shape)
                    + "), must be " + rank);
        }
    }

    static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + ": " + value + ", must be >= " + min);
        }
    }

    /** Both axes of a pair of parameters: {@code name + "H"} first, then {@code name + "W"}. */
    static void requireBothAtLeast(String name, int h, int w, int min) {
        requireAtLeast(name + "H", h, min);
        requireAtLeast(name + "W", w, min);
    }
}
