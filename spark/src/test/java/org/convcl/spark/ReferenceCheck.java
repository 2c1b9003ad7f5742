package org.convcl.spark;

import static org.junit.jupiter.api.Assertions.assertNull;

import org.convcl.Activation;
import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.reference.Magnitudes;
import org.convcl.reference.ReferenceBackend;

/**
 * Checks one image's result of a conv2d -> bias -> ReLU -> max-pool pipeline against the reference backend, each
 * element within the float32 tolerance of its magnitude: the largest sum of |terms| in its pooling window, since the
 * maximum of values each within a bound is within the largest of those bounds.
 *
 * @param weight (K, C, KH, KW)
 * @param bias   (K)
 * @param conv   the convolution's parameters
 * @param pool   the pooling window
 */
record ReferenceCheck(Tensor weight, Tensor bias, Conv2dParams conv, Pool2dParams pool) {
    private static final ReferenceBackend REFERENCE = new ReferenceBackend();

    /**
     * Fails naming the row and the first element outside the tolerance.
     *
     * @param key   the row's key
     * @param image (C, H, W)
     * @param got   the row's output, (K, OH, OW) in C order
     */
    void assertMatches(Object key, Tensor image, float[] got) {
        int[] s = image.shape();
        var batch = new Tensor(image.data(), 1, s[0], s[1], s[2]);
        Tensor expected = REFERENCE.maxPool2d(REFERENCE.conv2d(batch, weight, bias, conv, Activation.relu()), pool)
                .output();
        Tensor bound = REFERENCE.maxPool2d(Magnitudes.conv2d(batch, weight, bias, conv, null), pool).output();
        int[] e = expected.shape();
        var mismatch = Tolerance.FLOAT32.firstMismatch(Tensor.copyOf(got, e[1], e[2], e[3]),
                new Tensor(expected.data(), e[1], e[2], e[3]), new Tensor(bound.data(), e[1], e[2], e[3]));
        assertNull(mismatch, () -> "row '" + key + "': " + mismatch);
    }
}
