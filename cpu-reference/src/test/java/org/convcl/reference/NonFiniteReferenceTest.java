package org.convcl.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.convcl.Conv2dParams;
import org.convcl.Tensor;
import org.junit.jupiter.api.Test;

/**
 * PyTorch's rule for non-finite values on zero padding: a padded tap still contributes {@code 0 * w} (and
 * {@code dy * 0} to the weight gradient), so an infinite or NaN factor there gives NaN. Expected values are PyTorch
 * 1.13's (torch.nn.functional.conv2d on CPU, with and without mkldnn, and autograd for the gradients).
 */
class NonFiniteReferenceTest {
    private static final float NAN = Float.NaN;
    private static final float INF = Float.POSITIVE_INFINITY;
    private static final Conv2dParams PAD1 = Conv2dParams.DEFAULT.withPadding(1, 1);

    private static Tensor ones3x3() {
        return new Tensor(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, 1, 1, 3, 3);
    }

    /** A 3x3 weight of zeros with {@code value} at tap (i, j). */
    private static Tensor tap(int i, int j, float value) {
        var w = Tensor.zeros(1, 1, 3, 3);
        w.data()[i * 3 + j] = value;
        return w;
    }

    @Test
    void anInfiniteWeightOnAPaddedRowOrColumnGivesNaN() {
        // w[0, 1] = inf reads the top padding for output row 0; w[1, 0] = inf the left padding for column 0
        assertArrayEquals(new float[] {NAN, NAN, NAN, INF, INF, INF, INF, INF, INF},
                Conv2dReference.conv2d(ones3x3(), tap(0, 1, INF), null, PAD1).data());
        assertArrayEquals(new float[] {NAN, INF, INF, NAN, INF, INF, NAN, INF, INF},
                Conv2dReference.conv2d(ones3x3(), tap(1, 0, INF), null, PAD1).data());
    }

    @Test
    void anInfiniteOutputGradientGivesNaNToTheWeightsOfItsPaddedTaps() {
        // dy[0, 0] = inf, x and w ones: output (0, 0) reads padding with the top row and left column of taps
        var w = new Tensor(ones3x3().data(), 1, 1, 3, 3);
        var dy = Tensor.zeros(1, 1, 3, 3);
        dy.data()[0] = INF;
        var g = Conv2dBackwardReference.backward(dy, ones3x3(), w, PAD1);
        assertArrayEquals(new float[] {NAN, NAN, NAN, NAN, INF, INF, NAN, INF, INF}, g.weight().data());
        assertArrayEquals(new float[] {INF, INF, 0, INF, INF, 0, 0, 0, 0}, g.input().data());
    }
}
