package org.convcl;

import java.util.Random;

/**
 * Tensors of repeatable pseudo-random values, from {@link Tensor#seeded(long)}. The seed is given once, apart from
 * the shape, so it cannot be read as a dimension. Successive calls on one generator continue one
 * {@link java.util.Random} sequence; a new generator with the same seed starts it again.
 * <p>Not thread-safe: one generator is one sequence; give each thread its own.
 */
public final class RandomTensors {
    private final Random random;

    RandomTensors(long seed) {
        this.random = new Random(seed);
    }

    /**
     * Values drawn uniformly from [-1, 1): {@code nextFloat() * 2 - 1} of a {@code java.util.Random}, in row-major
     * order.
     *
     * @param shape extents, each {@code >= 0}
     * @return a new tensor of {@code shape}
     * @throws IllegalArgumentException when an extent is negative or the shape holds more elements than a Java array
     */
    public Tensor uniform(int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] data = t.data();
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextFloat() * 2 - 1;
        }
        return t;
    }

    /**
     * Integers drawn uniformly from [-bound, bound]. With small bounds every float32 product and sum of a
     * convolution is exact, so two correct implementations agree bit for bit.
     *
     * @param bound the largest magnitude, {@code >= 0}
     * @param shape extents, each {@code >= 0}
     * @return a new tensor of {@code shape}
     * @throws IllegalArgumentException when {@code bound} is negative or above {@code (Integer.MAX_VALUE - 1) / 2},
     *                                  or the shape is refused as by {@link #uniform}
     */
    public Tensor integers(int bound, int... shape) {
        if (bound < 0 || bound > (Integer.MAX_VALUE - 1) / 2) {
            throw new IllegalArgumentException("bound: " + bound + ", must be in [0, " + (Integer.MAX_VALUE - 1) / 2
                    + "]");
        }
        Tensor t = Tensor.zeros(shape);
        float[] data = t.data();
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextInt(2 * bound + 1) - bound;
        }
        return t;
    }
}
