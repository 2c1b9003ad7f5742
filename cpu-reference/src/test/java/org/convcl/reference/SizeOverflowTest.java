package org.convcl.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Sizes whose arithmetic passes 2^31: each expected value or refusal is what PyTorch 1.13 gives for the same call
 * (torch.nn.functional on CPU), so a wrapped int shows up as a wrong answer or a wrong refusal.
 */
class SizeOverflowTest {
    private static final int MAX = Integer.MAX_VALUE;

    private static Tensor range3x3() {
        return new Tensor(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, 1, 1, 3, 3);
    }

    @Test
    void averageDivisorOfA65537SquareWindowIsCountedIn64Bits() {
        // avg_pool2d(full((1,1,1,1), -3), 65537, stride=1, padding=32768): -3 / 65537^2
        var x = new Tensor(new float[] {-3}, 1, 1, 1, 1);
        var p = new Pool2dParams(65537, 65537, 1, 1, 32768, 32768, 1, 1, false, true, 0);
        assertEquals(-6.984706146795361e-10, PoolReference.avgPool2d(x, p).data()[0], 1e-16);
        // count_include_pad=False: only the one input cell counts
        assertEquals(-3f, PoolReference.avgPool2d(x, p.withCountIncludePad(false)).data()[0]);
    }

    @Test
    void hugePaddingAndStrideGiveThePyTorchOutput() {
        // conv2d(full((1,1,1,1), 2), ones((1,1,1,1)), [0.5], padding=2^30, stride=2^30): 3x3, the input at the centre
        var x = new Tensor(new float[] {2}, 1, 1, 1, 1);
        var p = Conv2dParams.DEFAULT.withPadding(1 << 30, 1 << 30).withStride(1 << 30, 1 << 30);
        var y = Conv2dReference.conv2d(x, new Tensor(new float[] {1}, 1, 1, 1, 1), new Tensor(new float[] {0.5f}, 1), p);
        assertArrayEquals(new int[] {1, 1, 3, 3}, y.shape());
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 2.5f, 0.5f, 0.5f, 0.5f, 0.5f}, y.data());
    }

    @Test
    void anOutputSizePastAnIntIsRefusedNotWrapped() {
        // PyTorch refuses padding=2^31-1 ("Output size is too small": its int32 size wraps to -1); it could not hold
        // a 4294967295-row output anyway.
        var p = Conv2dParams.DEFAULT.withPadding(MAX, 0);
        var e = assertThrows(IllegalArgumentException.class,
                () -> p.shapeOf(new int[] {1, 1, 1, 1}, new int[] {1, 1, 1, 1}, null));
        assertTrue(e.getMessage().startsWith("padding: output height 4294967295"), e.getMessage());
    }

    @Test
    void aDilatedPoolingWindowPastAnIntIsRefused() {
        // max_pool2d(arange(9).reshape(1,1,3,3), 3, dilation=2^31-1): "Output size is too small"
        var p = Pool2dParams.of(3, 3).withDilation(MAX, MAX);
        var e = assertThrows(IllegalArgumentException.class, () -> PoolReference.maxPool2d(range3x3(), p));
        assertTrue(e.getMessage().startsWith("kernel: (3, 3) with dilation"), e.getMessage());
    }

    @Test
    void ceilModeWithTheLargestStrideGivesOneWindow() {
        // max_pool2d / avg_pool2d(arange(9).reshape(1,1,3,3), 2, stride=2^31-1, ceil_mode=True): 4 at index 4; 2.0
        var p = Pool2dParams.of(2, 2).withStride(MAX, MAX).withCeilMode(true);
        var max = PoolReference.maxPool2d(range3x3(), p);
        assertArrayEquals(new float[] {4}, max.output().data());
        assertArrayEquals(new long[] {4}, max.indices());
        assertArrayEquals(new float[] {2}, PoolReference.avgPool2d(range3x3(), p).data());
        // kernel 3, padding 1: max_pool2d(..., 3, stride=2^31-1, padding=1, ceil_mode=True) gives 4 at index 4
        var padded = PoolReference.maxPool2d(range3x3(), Pool2dParams.of(3, 3).withStride(MAX, MAX)
                .withPadding(1, 1).withCeilMode(true));
        assertArrayEquals(new long[] {4}, padded.indices());
    }
}
