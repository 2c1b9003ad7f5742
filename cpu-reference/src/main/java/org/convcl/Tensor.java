package org.convcl;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float32 tensor in row-major (C) order: NCHW for activations, (Cout, Cin/groups, KH, KW) for weights,
 * (Cout) for a bias. The shape is copied on construction; the data array is shared, not copied.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    /**
     * @param data  values in row-major order; its length must equal the product of the shape
     * @param shape extents, each {@code >= 0}
     */
    public Tensor(float[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(shape, "shape");
        this.shape = shape.clone();
        long size = elementCount(this.shape);
        if (size != data.length) {
            throw new IllegalArgumentException("data: length " + data.length + " does not match shape "
                    + Arrays.toString(shape) + " (" + size + " elements)");
        }
        this.data = data;
    }

    /** A tensor of zeros of the given shape. */
    public static Tensor zeros(int... shape) {
        return zeros("shape", shape);
    }

    /**
     * A tensor of zeros, refused with a message naming {@code name} when the shape holds more elements than a Java
     * array can, rather than wrapping around.
     */
    public static Tensor zeros(String name, int... shape) {
        long size = elementCount(shape);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " has " + size
                    + " elements, more than a Java array holds");
        }
        return new Tensor(new float[(int) size], shape);
    }

    /** Values drawn uniformly from [-1, 1) by a generator seeded with {@code seed}, so tests and benchmarks repeat. */
    public static Tensor random(long seed, int... shape) {
        var random = new java.util.Random(seed);
        Tensor t = zeros(shape);
        for (int i = 0; i < t.data.length; i++) {
            t.data[i] = random.nextFloat() * 2 - 1;
        }
        return t;
    }

    /**
     * Integers drawn uniformly from [-bound, bound]. With small bounds every float32 product and sum of a
     * convolution is exact, so two correct implementations agree bit for bit.
     */
    public static Tensor randomIntegers(long seed, int bound, int... shape) {
        var random = new java.util.Random(seed);
        Tensor t = zeros(shape);
        for (int i = 0; i < t.data.length; i++) {
            t.data[i] = random.nextInt(2 * bound + 1) - bound;
        }
        return t;
    }

    /** Product of the extents; every extent must be non-negative and the product must fit a {@code long}. */
    public static long elementCount(int... shape) {
        long size = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("shape: dimension " + i + " is " + shape[i] + ", must be >= 0");
            }
            try {
                size = Math.multiplyExact(size, shape[i]);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape: " + Arrays.toString(shape)
                        + " has more elements than a 64-bit count holds");
            }
        }
        return size;
    }

    /** Throws, naming {@code name}, unless {@code t} is non-null and of exactly {@code shape}. */
    public static void requireShape(String name, Tensor t, int[] shape) {
        if (t == null) {
            throw new IllegalArgumentException(name + ": must not be null");
        }
        if (!Arrays.equals(t.shape, shape)) {
            throw new IllegalArgumentException(name + ": shape " + t.shapeString() + ", must be " + Arrays.toString(shape));
        }
    }

    /** Throws, naming {@code name}, unless {@code t} is non-null and of rank {@code rank}. */
    public static void requireRank(String name, Tensor t, int rank) {
        if (t == null) {
            throw new IllegalArgumentException(name + ": must not be null");
        }
        Conv2dParams.requireRank(name, t.shape, rank);
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int[] shape() {
        return shape.clone();
    }

    /** The backing array, row-major; writes are visible through this tensor. */
    public float[] data() {
        return data;
    }

    public int size() {
        return data.length;
    }

    /** Element (n, c, h, w) of a rank-4 tensor. */
    public float get(int n, int c, int h, int w) {
        return data[((n * shape[1] + c) * shape[2] + h) * shape[3] + w];
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString();
    }
}
