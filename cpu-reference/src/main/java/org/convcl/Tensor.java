package org.convcl;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float32 tensor in row-major (C) order: NCHW for activations, (Cout, Cin/groups, KH, KW) for weights,
 * (Cout) for a bias. The shape is copied on construction.
 *
 * <p>From your own data: {@link #copyOf(float[], int...)} and {@link #copyOf(FloatBuffer, int...)} copy the values,
 * so later writes to your array or buffer do not reach the tensor; the constructor {@link #Tensor(float[], int...)}
 * wraps your array without copying, so writes through either are seen by both. Back to your data:
 * {@link #copyTo(float[], int)}, {@link #copyTo(FloatBuffer)}, or {@link #data()} for the backing array itself.
 * <p>Not thread-safe: its values are a plain array; share a tensor between threads only while no thread writes it (the shape is fixed).
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    /**
     * Wraps {@code data} without copying it: the tensor and the caller share the array.
     *
     * @param data  values in row-major order; its length must equal the product of the shape
     * @param shape extents, each {@code >= 0}
     * @throws IllegalArgumentException naming {@code data} when its length is not the product of the shape, or
     *                                  naming {@code shape} when an extent is negative
     * @throws NullPointerException     when {@code data} or {@code shape} is null
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

    /**
     * A tensor holding a copy of {@code data}; later writes to the array do not change the tensor.
     *
     * @param data  values in row-major order; its length must equal the product of the shape
     * @param shape extents, each {@code >= 0}
     * @return a new tensor of {@code shape}
     * @throws IllegalArgumentException as {@link #Tensor(float[], int...)}
     * @throws NullPointerException     when {@code data} or {@code shape} is null
     */
    public static Tensor copyOf(float[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        return new Tensor(data.clone(), shape);
    }

    /**
     * A tensor holding a copy of the remaining elements of {@code data}, from its position to its limit, in
     * row-major order. The buffer's position is left as it was; it may be direct, a view of a byte buffer in any
     * byte order, or wrap an array.
     *
     * @param data  {@code data.remaining()} must equal the product of the shape
     * @param shape extents, each {@code >= 0}
     * @return a new tensor of {@code shape}
     * @throws IllegalArgumentException naming {@code data} when the remaining elements are not the product of the
     *                                  shape, or naming {@code shape} when an extent is negative
     * @throws NullPointerException     when {@code data} or {@code shape} is null
     */
    public static Tensor copyOf(FloatBuffer data, int... shape) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(shape, "shape");
        long size = elementCount(shape);
        if (size != data.remaining()) {
            throw new IllegalArgumentException("data: " + data.remaining() + " elements remaining do not match shape "
                    + Arrays.toString(shape) + " (" + size + " elements)");
        }
        float[] values = new float[data.remaining()];
        data.duplicate().get(values);
        return new Tensor(values, shape);
    }

    /**
     * Copies every element, in row-major order, into {@code destination} from index {@code offset} on.
     *
     * @param destination the caller's array; it needs {@code offset + size()} elements
     * @param offset      the index of the first element written, {@code >= 0}
     * @throws IllegalArgumentException naming {@code offset} when it is negative, or naming {@code destination}
     *                                  when it has fewer than {@code size()} elements from {@code offset} on
     * @throws NullPointerException     when {@code destination} is null
     */
    public void copyTo(float[] destination, int offset) {
        Objects.requireNonNull(destination, "destination");
        if (offset < 0) {
            throw new IllegalArgumentException("offset: " + offset + ", must be >= 0");
        }
        if ((long) offset + data.length > destination.length) {
            throw new IllegalArgumentException("destination: length " + destination.length + " has room for "
                    + Math.max(0, destination.length - offset) + " elements after offset " + offset + ", the tensor "
                    + shapeString() + " has " + data.length);
        }
        System.arraycopy(data, 0, destination, offset, data.length);
    }

    /**
     * Copies every element, in row-major order, into {@code destination} at its position, and advances the position
     * by {@code size()}, as {@link FloatBuffer#put(float[])} does.
     *
     * @param destination the caller's buffer; it needs {@code size()} elements remaining
     * @throws IllegalArgumentException naming {@code destination} when fewer than {@code size()} elements remain
     * @throws java.nio.ReadOnlyBufferException when {@code destination} is read-only
     * @throws NullPointerException     when {@code destination} is null
     */
    public void copyTo(FloatBuffer destination) {
        Objects.requireNonNull(destination, "destination");
        if (destination.remaining() < data.length) {
            throw new IllegalArgumentException("destination: " + destination.remaining() + " elements remaining, the"
                    + " tensor " + shapeString() + " has " + data.length);
        }
        destination.put(data);
    }

    /**
     * A tensor of zeros.
     *
     * @param shape extents, each {@code >= 0}
     * @return a new tensor of {@code shape}
     * @throws IllegalArgumentException naming {@code shape} when an extent is negative or the shape holds more
     *                                  elements than a Java array
     */
    public static Tensor zeros(int... shape) {
        return zeros("shape", shape);
    }

    /**
     * A tensor of zeros, refused with a message naming {@code name} when the shape holds more elements than a Java
     * array can, rather than wrapping around.
     *
     * @param name  what the tensor is, for the message, for example "output"
     * @param shape extents, each {@code >= 0}
     * @return a new tensor of {@code shape}
     * @throws IllegalArgumentException when an extent is negative or the shape holds more elements than a Java array
     */
    public static Tensor zeros(String name, int... shape) {
        long size = elementCount(shape);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " has " + size
                    + " elements, more than a Java array holds");
        }
        return new Tensor(new float[(int) size], shape);
    }

    /**
     * A generator of repeatable pseudo-random tensors: {@code Tensor.seeded(1).uniform(8, 3, 32, 32)}.
     *
     * @param seed the seed of the generator's {@link java.util.Random}
     * @return a new generator; see {@link RandomTensors}
     */
    public static RandomTensors seeded(long seed) {
        return new RandomTensors(seed);
    }

    /**
     * Product of the extents; every extent must be non-negative and the product must fit a {@code long}.
     *
     * @param shape extents
     * @return the number of elements, 1 for rank 0
     * @throws IllegalArgumentException naming {@code shape} when an extent is negative or the product overflows
     */
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

    /**
     * Throws, naming {@code name}, unless {@code t} is non-null and of exactly {@code shape}.
     *
     * @param name  the argument's name for the message
     * @param t     the tensor to check
     * @param shape the shape it must have
     * @throws IllegalArgumentException when {@code t} is null or of another shape
     */
    public static void requireShape(String name, Tensor t, int[] shape) {
        if (t == null) {
            throw new IllegalArgumentException(name + ": must not be null");
        }
        if (!Arrays.equals(t.shape, shape)) {
            throw new IllegalArgumentException(name + ": shape " + t.shapeString() + ", must be " + Arrays.toString(shape));
        }
    }

    /**
     * Throws, naming {@code name}, unless {@code t} is non-null and of rank {@code rank}.
     *
     * @param name the argument's name for the message
     * @param t    the tensor to check
     * @param rank the number of axes it must have
     * @throws IllegalArgumentException when {@code t} is null or of another rank
     */
    public static void requireRank(String name, Tensor t, int rank) {
        if (t == null) {
            throw new IllegalArgumentException(name + ": must not be null");
        }
        Conv2dParams.requireRank(name, t.shape, rank);
    }

    /**
     * The number of axes.
     *
     * @return 4 for an NCHW activation, 1 for a bias, 0 for a scalar
     */
    public int rank() {
        return shape.length;
    }

    /**
     * One extent.
     *
     * @param axis from 0 to {@code rank() - 1}
     * @return the extent of {@code axis}
     * @throws ArrayIndexOutOfBoundsException when {@code axis} is outside the shape
     */
    public int dim(int axis) {
        return shape[axis];
    }

    /**
     * The extents.
     *
     * @return a copy of the shape, outermost axis first
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The backing array, row-major; writes are visible through this tensor.
     *
     * @return the array itself, not a copy
     */
    public float[] data() {
        return data;
    }

    /**
     * The number of elements.
     *
     * @return the product of the extents
     */
    public int size() {
        return data.length;
    }

    /**
     * Element (n, c, h, w) of a rank-4 tensor.
     *
     * @param n image
     * @param c channel
     * @param h row
     * @param w column
     * @return the value at {@code ((n * C + c) * H + h) * W + w}
     * @throws ArrayIndexOutOfBoundsException when the tensor is not rank 4 or the index falls outside the data
     */
    public float get(int n, int c, int h, int w) {
        return data[((n * shape[1] + c) * shape[2] + h) * shape[3] + w];
    }

    /**
     * The shape as text.
     *
     * @return the extents as in {@code [8, 3, 32, 32]}
     */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString();
    }
}
