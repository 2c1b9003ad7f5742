package org.convcl.reference;

import org.convcl.Tensor;

/**
 * The worked example of the source material: a 2-channel 3x3 input through a 2x2 blur and a 2x2 vertical-edge
 * filter, giving {@code [[64,72],[88,96]]} and {@code [[4,4],[4,4]]}, which 2x2 max pooling turns into 96 and 4.
 * <p>Thread-safe: each call makes new tensors.
 */
public final class SourceExample {
    private SourceExample() {
    }

    /**
     * The example's input.
     *
     * @return (1, 2, 3, 3): channel 0 holds 1..9, channel 1 holds 11..19
     */
    public static Tensor input() {
        float[] x = new float[18];
        for (int i = 0; i < 9; i++) {
            x[i] = 1 + i;
            x[9 + i] = 11 + i;
        }
        return new Tensor(x, 1, 2, 3, 3);
    }

    /**
     * The example's filters.
     *
     * @return (2, 2, 2, 2): filter 0 all ones, filter 1 [[-1, 1], [-1, 1]], each on both channels
     */
    public static Tensor filters() {
        return new Tensor(new float[] {1, 1, 1, 1, 1, 1, 1, 1, -1, 1, -1, 1, -1, 1, -1, 1}, 2, 2, 2, 2);
    }
}
