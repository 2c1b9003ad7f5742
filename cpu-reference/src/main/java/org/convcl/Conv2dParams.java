package org.convcl;

import java.util.Arrays;

/**
 * Hyper-parameters of a 2-D convolution, as PyTorch's {@code conv2d}: per-axis stride, zero padding and dilation,
 * and the number of groups.
 */
public record Conv2dParams(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {

    /** Stride 1, no padding, no dilation, one group. */
    public static final Conv2dParams DEFAULT = new Conv2dParams(1, 1, 0, 0, 1, 1, 1);

    /**
     * Checks every value.
     *
     * @param strideH   rows between window positions, {@code >= 1}
     * @param strideW   columns between window positions, {@code >= 1}
     * @param padH      zero rows added above and below, {@code >= 0}
     * @param padW      zero columns added left and right, {@code >= 0}
     * @param dilationH rows between kernel taps, {@code >= 1}
     * @param dilationW columns between kernel taps, {@code >= 1}
     * @param groups    groups, {@code >= 1}; input and output channels must be multiples of it
     * @throws IllegalArgumentException naming the component when a stride, dilation or groups is below 1 or a padding
     *                                 below 0
     */
    public Conv2dParams {
        requireAtLeast("strideH", strideH, 1);
        requireAtLeast("strideW", strideW, 1);
        requireAtLeast("padH", padH, 0);
        requireAtLeast("padW", padW, 0);
        requireAtLeast("dilationH", dilationH, 1);
        requireAtLeast("dilationW", dilationW, 1);
        requireAtLeast("groups", groups, 1);
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
        return new Conv2dParams(h, w, padH, padW, dilationH, dilationW, groups);
    }

    /**
     * A copy with other zero padding, on both sides of each axis.
     *
     * @param h rows added above and below, {@code >= 0}
     * @param w columns added left and right, {@code >= 0}
     * @return the new parameters
     * @throws IllegalArgumentException naming the component when negative
     */
    public Conv2dParams withPadding(int h, int w) {
        return new Conv2dParams(strideH, strideW, h, w, dilationH, dilationW, groups);
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
        return new Conv2dParams(strideH, strideW, padH, padW, h, w, groups);
    }

    /**
     * A copy with another number of groups.
     *
     * @param g groups, {@code >= 1}; input and output channels must be multiples of it
     * @return the new parameters
     * @throws IllegalArgumentException naming {@code groups} when below 1
     */
    public Conv2dParams withGroups(int g) {
        return new Conv2dParams(strideH, strideW, padH, padW, dilationH, dilationW, g);
    }

    /**
     * The one output-size formula of the project: {@code floor((in + 2p - d(k-1) - 1) / s) + 1}, in 64 bits since
     * {@code in + 2p} and {@code d(k-1)} can pass 2^31. Callers check that the dilated kernel fits the padded input
     * first (this returns a value below 1 otherwise) and that the size fits an int.
     *
     * @param in       input extent along the axis
     * @param kernel   kernel extent
     * @param stride   stride, {@code >= 1}
     * @param pad      zero padding on each side
     * @param dilation dilation, {@code >= 1}
     * @return the output extent
     */
    public static long outputSize(int in, int kernel, int stride, int pad, int dilation) {
        return Math.floorDiv(in + 2L * pad - (long) dilation * (kernel - 1) - 1, stride) + 1;
    }

    /** Refuses an output size past 2^31 - 1, which no tensor dimension can hold, rather than let it wrap. */
    static int requireOutputFits(String axis, long size, int in, int pad) {
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("padding: output " + axis + " " + size + " (input " + axis + " " + in
                    + ", padding " + pad + ") is more than 2^31 - 1");
        }
        return (int) size;
    }

    /**
     * Checks that input, weight and bias fit together under these parameters and returns the derived sizes.
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
        for (int axis = 0; axis < 4; axis++) {
            if (weight[axis] < 1) {
                throw new IllegalArgumentException("weight: dimension " + axis + " is " + weight[axis]
                        + ", every weight dimension must be >= 1 (shape " + Arrays.toString(weight) + ")");
            }
        }
        if (c < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException("input: channels, height and width must be >= 1, got shape "
                    + Arrays.toString(input));
        }
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
        requireKernelFits("height", h, kh, padH, dilationH);
        requireKernelFits("width", w, kw, padW, dilationW);
        if (bias != null && (bias.length != 1 || bias[0] != k)) {
            throw new IllegalArgumentException("bias: shape " + Arrays.toString(bias) + ", must be [" + k
                    + "] (one value per output channel)");
        }
        int oh = requireOutputFits("height", outputSize(h, kh, strideH, padH, dilationH), h, padH);
        int ow = requireOutputFits("width", outputSize(w, kw, strideW, padW, dilationW), w, padW);
        return new Conv2dShape(n, c, h, w, k, kh, kw, oh, ow, this);
    }

    private static void requireKernelFits(String axis, int in, int kernel, int pad, int dilation) {
        long span = (long) dilation * (kernel - 1) + 1;
        if (span > in + 2L * pad) {
            throw new IllegalArgumentException("weight: kernel " + axis + " " + kernel + " with dilation " + dilation
                    + " spans " + span + ", more than the padded input " + axis + " " + (in + 2L * pad));
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
}
