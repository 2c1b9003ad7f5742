package org.convcl;

import java.util.Arrays;

/**
 * Hyper-parameters of a 2-D transposed convolution, as PyTorch's {@code conv_transpose2d}: per-axis stride, padding
 * (rows and columns cropped from each side of the full output), output padding (extra rows and columns added at the
 * bottom and right), dilation, and the number of groups. Built by name from {@link #DEFAULT}, in any order:
 * {@code ConvTranspose2dParams.DEFAULT.withStride(2, 2).withOutputPadding(1, 1)}. The rule tying output padding to
 * stride and dilation is checked where the parameters are used ({@link #shapeOf}), so the order of the calls does
 * not matter.
 *
 * <p>Immutable, so thread-safe.
 *
 * @param strideH    rows between the input pixels' windows in the output, {@code >= 1}
 * @param strideW    columns between the input pixels' windows in the output, {@code >= 1}
 * @param padH       rows cropped from the top and from the bottom of the full output, {@code >= 0}
 * @param padW       columns cropped from the left and from the right of the full output, {@code >= 0}
 * @param outputPadH rows added at the bottom, {@code >= 0}, smaller than strideH or dilationH
 * @param outputPadW columns added at the right, {@code >= 0}, smaller than strideW or dilationW
 * @param dilationH  rows between kernel taps, {@code >= 1}
 * @param dilationW  columns between kernel taps, {@code >= 1}
 * @param groups     channel groups, {@code >= 1}; must divide the input channels
 */
public record ConvTranspose2dParams(int strideH, int strideW, int padH, int padW, int outputPadH, int outputPadW,
                                    int dilationH, int dilationW, int groups) {

    /** Stride 1, no padding, no output padding, no dilation, one group. */
    public static final ConvTranspose2dParams DEFAULT = new ConvTranspose2dParams(1, 1, 0, 0, 0, 0, 1, 1, 1);

    /**
     * Checks each component on its own; output padding against stride and dilation is checked by {@link #shapeOf}.
     *
     * @param strideH    rows between the input pixels' windows in the output, {@code >= 1}
     * @param strideW    columns between the input pixels' windows in the output, {@code >= 1}
     * @param padH       rows cropped from the top and from the bottom, {@code >= 0}
     * @param padW       columns cropped from the left and from the right, {@code >= 0}
     * @param outputPadH rows added at the bottom, {@code >= 0}
     * @param outputPadW columns added at the right, {@code >= 0}
     * @param dilationH  rows between kernel taps, {@code >= 1}
     * @param dilationW  columns between kernel taps, {@code >= 1}
     * @param groups     channel groups, {@code >= 1}
     * @throws IllegalArgumentException when a stride, dilation or the groups are below 1 or a padding below 0
     */
    public ConvTranspose2dParams {
        Conv2dParams.requireBothAtLeast("stride", strideH, strideW, 1);
        Conv2dParams.requireBothAtLeast("pad", padH, padW, 0);
        Conv2dParams.requireBothAtLeast("outputPad", outputPadH, outputPadW, 0);
        Conv2dParams.requireBothAtLeast("dilation", dilationH, dilationW, 1);
        Conv2dParams.requireAtLeast("groups", groups, 1);
    }

    /**
     * These parameters with stride (h, w).
     *
     * @param h rows between the input pixels' windows, {@code >= 1}
     * @param w columns between the input pixels' windows, {@code >= 1}
     * @return the new parameters
     * @throws IllegalArgumentException naming the component when below 1
     */
    public ConvTranspose2dParams withStride(int h, int w) {
        return new ConvTranspose2dParams(h, w, padH, padW, outputPadH, outputPadW, dilationH, dilationW, groups);
    }

    /**
     * These parameters with padding (h, w): rows and columns cropped from each side of the full output.
     *
     * @param h rows cropped from the top and from the bottom, {@code >= 0}
     * @param w columns cropped from the left and from the right, {@code >= 0}
     * @return the new parameters
     * @throws IllegalArgumentException naming the component when negative
     */
    public ConvTranspose2dParams withPadding(int h, int w) {
        return new ConvTranspose2dParams(strideH, strideW, h, w, outputPadH, outputPadW, dilationH, dilationW, groups);
    }

    /**
     * These parameters with output padding (h, w): rows added at the bottom and columns at the right.
     *
     * @param h rows added at the bottom, {@code >= 0}
     * @param w columns added at the right, {@code >= 0}
     * @return the new parameters
     * @throws IllegalArgumentException naming the component when negative
     */
    public ConvTranspose2dParams withOutputPadding(int h, int w) {
        return new ConvTranspose2dParams(strideH, strideW, padH, padW, h, w, dilationH, dilationW, groups);
    }

    /**
     * These parameters with dilation (h, w): the spacing of the kernel taps.
     *
     * @param h rows between kernel taps, {@code >= 1}
     * @param w columns between kernel taps, {@code >= 1}
     * @return the new parameters
     * @throws IllegalArgumentException naming the component when below 1
     */
    public ConvTranspose2dParams withDilation(int h, int w) {
        return new ConvTranspose2dParams(strideH, strideW, padH, padW, outputPadH, outputPadW, h, w, groups);
    }

    /**
     * These parameters with {@code g} groups.
     *
     * @param g channel groups, {@code >= 1}; checked against the channels by {@link #shapeOf}
     * @return the new parameters
     * @throws IllegalArgumentException when {@code g} is below 1
     */
    public ConvTranspose2dParams withGroups(int g) {
        return new ConvTranspose2dParams(strideH, strideW, padH, padW, outputPadH, outputPadW, dilationH, dilationW, g);
    }

    /**
     * The convolution whose input gradient this transposed convolution is: same stride, padding, dilation and
     * groups (output padding only sizes the transposed output).
     *
     * @return the convolution's parameters, padded symmetrically
     */
    public Conv2dParams asConv2d() {
        return Conv2dParams.DEFAULT.withStride(strideH, strideW).withPadding(padH, padW)
                .withDilation(dilationH, dilationW).withGroups(groups);
    }

    /**
     * The output-size formula: {@code (in - 1)*s - 2p + d(k-1) + outputPadding + 1}, in 64 bits since every term
     * can pass 2^31. It can be below 1 where the padding crops more than there is.
     *
     * @param in        input size along the axis
     * @param kernel    kernel size along the axis
     * @param stride    stride along the axis
     * @param pad       padding cropped from each side along the axis
     * @param outputPad output padding added at the end of the axis
     * @param dilation  dilation along the axis
     * @return the output size along the axis
     */
    public static long outputSize(int in, int kernel, int stride, int pad, int outputPad, int dilation) {
        return (in - 1L) * stride - 2L * pad + (long) dilation * (kernel - 1) + outputPad + 1;
    }

    /**
     * Checks that input, weight and bias fit together under these parameters and returns the derived sizes.
     *
     * @param input  (N, Cin, H, W)
     * @param weight (Cin, Cout/groups, KH, KW)
     * @param bias   (Cout) or null
     * @return the sizes of the transposed convolution
     * @throws IllegalArgumentException naming the argument and the rule it broke
     */
    public ConvTranspose2dShape shapeOf(Tensor input, Tensor weight, Tensor bias) {
        if (input == null || weight == null) {
            throw new IllegalArgumentException((input == null ? "input" : "weight") + ": must not be null");
        }
        return shapeOf(input.shape(), weight.shape(), bias == null ? null : bias.shape());
    }

    /**
     * As {@link #shapeOf(Tensor, Tensor, Tensor)}, for tensors known by their shapes (device tensors).
     *
     * @param input  (N, Cin, H, W)
     * @param weight (Cin, Cout/groups, KH, KW)
     * @param bias   (Cout) or null
     * @return the sizes of the transposed convolution
     * @throws IllegalArgumentException naming the argument and the rule it broke: a rank other than 4, an empty
     *                                  dimension, a weight not matching the input channels, groups not dividing
     *                                  them, an output padding not below its stride or dilation, or an output
     *                                  size below 1 or past 2^31 - 1
     */
    public ConvTranspose2dShape shapeOf(int[] input, int[] weight, int[] bias) {
        Conv2dParams.requireRank("input", input, 4);
        Conv2dParams.requireRank("weight", weight, 4);
        int n = input[0], cIn = input[1], h = input[2], w = input[3];
        int kh = weight[2], kw = weight[3];
        Conv2dParams.requireNonEmpty(input, weight);
        if (weight[0] != cIn) {
            throw new IllegalArgumentException("weight: dimension 0 is " + weight[0] + " but the input has " + cIn
                    + " channels; a transposed convolution's weight is (Cin, Cout/groups, KH, KW)");
        }
        if (cIn % groups != 0) {
            throw new IllegalArgumentException("groups: " + groups + " does not divide the input channels " + cIn);
        }
        long cOut = (long) weight[1] * groups;
        if (cOut > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("weight: dimension 1 (" + weight[1] + ") times groups (" + groups
                    + ") is more than 2^31 - 1 output channels");
        }
        requireOutputPadding("height", outputPadH, strideH, dilationH);
        requireOutputPadding("width", outputPadW, strideW, dilationW);
        if (bias != null && (bias.length != 1 || bias[0] != cOut)) {
            throw new IllegalArgumentException("bias: shape " + Arrays.toString(bias) + ", must be [" + cOut
                    + "] (one value per output channel)");
        }
        int oh = requireOutputSize("height", outputSize(h, kh, strideH, padH, outputPadH, dilationH), h, padH);
        int ow = requireOutputSize("width", outputSize(w, kw, strideW, padW, outputPadW, dilationW), w, padW);
        return new ConvTranspose2dShape(n, cIn, h, w, (int) cOut, kh, kw, oh, ow, this);
    }

    /** PyTorch's rule: an output padding must be smaller than the stride or the dilation of its axis. */
    private static void requireOutputPadding(String axis, int outputPad, int stride, int dilation) {
        if (outputPad >= stride && outputPad >= dilation) {
            throw new IllegalArgumentException("outputPadding: " + axis + " " + outputPad + " must be smaller than"
                    + " the stride (" + stride + ") or the dilation (" + dilation + ")");
        }
    }

    private static int requireOutputSize(String axis, long size, int in, int pad) {
        if (size < 1) {
            throw new IllegalArgumentException("padding: output " + axis + " would be " + size + " (input " + axis
                    + " " + in + ", padding " + pad + "), must be >= 1");
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("input: output " + axis + " " + size + " (input " + axis + " " + in
                    + ") is more than 2^31 - 1");
        }
        return (int) size;
    }
}
