package org.convcl.reference;

/**
 * Hyper-parameters of a 2-D convolution, as PyTorch's {@code conv2d}: per-axis stride, zero padding and dilation,
 * and the number of groups.
 */
public record Conv2dParams(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {

    /** Stride 1, no padding, no dilation, one group. */
    public static final Conv2dParams DEFAULT = new Conv2dParams(1, 1, 0, 0, 1, 1, 1);

    public Conv2dParams {
        requireAtLeast("strideH", strideH, 1);
        requireAtLeast("strideW", strideW, 1);
        requireAtLeast("padH", padH, 0);
        requireAtLeast("padW", padW, 0);
        requireAtLeast("dilationH", dilationH, 1);
        requireAtLeast("dilationW", dilationW, 1);
        requireAtLeast("groups", groups, 1);
    }

    public Conv2dParams withStride(int h, int w) {
        return new Conv2dParams(h, w, padH, padW, dilationH, dilationW, groups);
    }

    public Conv2dParams withPadding(int h, int w) {
        return new Conv2dParams(strideH, strideW, h, w, dilationH, dilationW, groups);
    }

    public Conv2dParams withDilation(int h, int w) {
        return new Conv2dParams(strideH, strideW, padH, padW, h, w, groups);
    }

    public Conv2dParams withGroups(int g) {
        return new Conv2dParams(strideH, strideW, padH, padW, dilationH, dilationW, g);
    }

    /**
     * The one output-size formula of the project: {@code floor((in + 2p - d(k-1) - 1) / s) + 1}.
     * Callers check that the dilated kernel fits the padded input first; this returns a value below 1 otherwise.
     */
    public static int outputSize(int in, int kernel, int stride, int pad, int dilation) {
        return Math.floorDiv(in + 2 * pad - dilation * (kernel - 1) - 1, stride) + 1;
    }

    /**
     * Checks that input, weight and bias fit together under these parameters and returns the derived sizes.
     *
     * @param input  (N, C, H, W)
     * @param weight (K, C/groups, KH, KW)
     * @param bias   (K) or null
     * @throws IllegalArgumentException naming the argument and the rule it broke
     */
    public Conv2dShape shapeOf(Tensor input, Tensor weight, Tensor bias) {
        requireRank("input", input, 4);
        requireRank("weight", weight, 4);
        int n = input.dim(0), c = input.dim(1), h = input.dim(2), w = input.dim(3);
        int k = weight.dim(0), cg = weight.dim(1), kh = weight.dim(2), kw = weight.dim(3);
        for (int axis = 0; axis < 4; axis++) {
            if (weight.dim(axis) < 1) {
                throw new IllegalArgumentException("weight: dimension " + axis + " is " + weight.dim(axis)
                        + ", every weight dimension must be >= 1 (shape " + weight.shapeString() + ")");
            }
        }
        if (c < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException("input: channels, height and width must be >= 1, got shape "
                    + input.shapeString());
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
                    + c / groups + " (input " + input.shapeString() + ", groups " + groups + ")");
        }
        requireKernelFits("height", h, kh, padH, dilationH);
        requireKernelFits("width", w, kw, padW, dilationW);
        if (bias != null) {
            if (bias.rank() != 1 || bias.dim(0) != k) {
                throw new IllegalArgumentException("bias: shape " + bias.shapeString() + ", must be [" + k
                        + "] (one value per output channel)");
            }
        }
        int oh = outputSize(h, kh, strideH, padH, dilationH);
        int ow = outputSize(w, kw, strideW, padW, dilationW);
        return new Conv2dShape(n, c, h, w, k, kh, kw, oh, ow, this);
    }

    private static void requireKernelFits(String axis, int in, int kernel, int pad, int dilation) {
        long span = (long) dilation * (kernel - 1) + 1;
        if (span > in + 2L * pad) {
            throw new IllegalArgumentException("weight: kernel " + axis + " " + kernel + " with dilation " + dilation
                    + " spans " + span + ", more than the padded input " + axis + " " + (in + 2L * pad));
        }
    }

    static void requireRank(String name, Tensor t, int rank) {
        if (t == null) {
            throw new IllegalArgumentException(name + ": must not be null");
        }
        if (t.rank() != rank) {
            throw new IllegalArgumentException(name + ": rank " + t.rank() + " (shape " + t.shapeString()
                    + "), must be " + rank);
        }
    }

    private static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + ": " + value + ", must be >= " + min);
        }
    }
}
