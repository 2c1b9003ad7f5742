package org.convcl.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.convcl.Conv2dParams;
import org.convcl.Tensor;
import org.junit.jupiter.api.Test;

/** Every rule of {@link Conv2dParams#shapeOf} fails with a message that names the argument. */
class Conv2dParamsTest {
    private static final Tensor X = Tensor.zeros(2, 4, 5, 6);
    private static final Tensor W = Tensor.zeros(6, 4, 3, 3);

    private static void assertRejected(String expectedStart, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(expectedStart), () -> "message: " + e.getMessage());
    }

    @Test
    void parameterBounds() {
        assertRejected("strideH: 0, must be >= 1", () -> new Conv2dParams(0, 1, 0, 0, 1, 1, 1));
        assertRejected("padLeft: -1, must be >= 0", () -> new Conv2dParams(1, 1, 0, -1, 1, 1, 1));
        assertRejected("dilationH: 0", () -> new Conv2dParams(1, 1, 0, 0, 0, 1, 1));
        assertRejected("groups: 0", () -> new Conv2dParams(1, 1, 0, 0, 1, 1, 0));
        assertRejected("padBottom: -2, must be >= 0", () -> Conv2dParams.DEFAULT.withPadding(0, -2, 0, 0));
        assertRejected("padRight: -1, must be >= 0", () -> Conv2dParams.DEFAULT.withPadding(0, 0, 3, -1));
    }

    @Test
    void samePaddingNeedsStrideOne() {
        assertRejected("padding: same needs stride 1", () -> Conv2dParams.DEFAULT.withStride(2, 1).withSamePadding());
        assertRejected("padding: same needs stride 1", () -> Conv2dParams.DEFAULT.withSamePadding().withStride(1, 2));
        assertRejected("padding: same is resolved from the kernel",
                () -> new Conv2dParams(1, 1, 1, 0, 0, 0, 1, 1, 1, true));
    }

    /** PyTorch's "same": dilation * (kernel - 1) per axis, the odd one at the bottom or right. */
    @Test
    void samePaddingResolvesPerKernel() {
        var same = Conv2dParams.DEFAULT.withDilation(1, 3).withSamePadding();
        assertEquals(Conv2dParams.DEFAULT.withDilation(1, 3).withPadding(1, 2, 3, 3), same.resolvedFor(4, 3));
        var s = same.shapeOf(X, Tensor.zeros(6, 4, 4, 3), null);
        assertArrayEquals(new int[] {2, 6, 5, 6}, s.outputShape());
        assertEquals(same.resolvedFor(4, 3), s.params());
        assertEquals(Conv2dParams.DEFAULT, Conv2dParams.DEFAULT.withSamePadding().resolvedFor(1, 1));
        assertRejected("padding: same needs 3221225470 along the height",
                () -> Conv2dParams.DEFAULT.withDilation(Integer.MAX_VALUE, 1).withSamePadding().resolvedFor(4, 1));
        assertEquals(Conv2dParams.DEFAULT, Conv2dParams.DEFAULT.withPadding(1, 2, 3, 4).withValidPadding());
    }

    /** The output size counts top and bottom (left and right) apart, in 64 bits. */
    @Test
    void asymmetricPaddingSizesTheOutput() {
        var s = Conv2dParams.DEFAULT.withStride(2, 2).withPadding(0, 1, 3, 0).shapeOf(X, W, null);
        assertArrayEquals(new int[] {2, 6, 2, 4}, s.outputShape());
        assertEquals(2, Conv2dParams.outputSize(Integer.MAX_VALUE, 3, Integer.MAX_VALUE, Integer.MAX_VALUE, 0, 1));
        assertRejected("weight: kernel height 3 with dilation 1 spans 3, more than the padded input height 2",
                () -> Conv2dParams.DEFAULT.withPadding(0, 1, 0, 0).shapeOf(Tensor.zeros(1, 4, 1, 6), W, null));
    }

    @Test
    void shapeRules() {
        var p = Conv2dParams.DEFAULT;
        assertRejected("input: must not be null", () -> p.shapeOf(null, W, null));
        assertRejected("input: rank 3", () -> p.shapeOf(Tensor.zeros(4, 5, 6), W, null));
        assertRejected("weight: dimension 0 is 0", () -> p.shapeOf(X, Tensor.zeros(0, 4, 3, 3), null));
        assertRejected("weight: dimension 1 is 3", () -> p.shapeOf(X, Tensor.zeros(6, 3, 3, 3), null));
        assertRejected("groups: 3 does not divide the input channels 4", () -> p.withGroups(3).shapeOf(X, W, null));
        assertRejected("groups: 4 does not divide the output channels 6",
                () -> p.withGroups(4).shapeOf(X, Tensor.zeros(6, 1, 3, 3), null));
        assertRejected("weight: kernel height 7", () -> p.shapeOf(X, Tensor.zeros(6, 4, 7, 3), null));
        assertRejected("weight: kernel width 3 with dilation 3", () -> p.withDilation(1, 3).shapeOf(X, W, null));
        assertRejected("bias: shape [5]", () -> p.shapeOf(X, W, Tensor.zeros(5)));
    }

    @Test
    void kernelEqualToThePaddedInputIsLegal() {
        var s = Conv2dParams.DEFAULT.withPadding(2, 1).shapeOf(X, Tensor.zeros(6, 4, 9, 8), null);
        assertArrayEquals(new int[] {2, 6, 1, 1}, s.outputShape());
    }

    @Test
    void emptyBatchGivesAnEmptyOutput() {
        var y = Conv2dReference.conv2d(Tensor.zeros(0, 4, 5, 6), W, null, Conv2dParams.DEFAULT);
        assertArrayEquals(new int[] {0, 6, 3, 4}, y.shape());
    }
}
