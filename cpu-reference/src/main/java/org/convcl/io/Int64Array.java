package org.convcl.io;

import java.util.Arrays;
import org.convcl.Tensor;

/**
 * An int64 array with its shape, as {@link Npy#readInt64} reads it: max pooling's indices
 * ({@link org.convcl.MaxPool2dResult#indices()}) come in this form from PyTorch. The array is held, not copied, so
 * share it between threads only when no thread changes it.
 *
 * @param data  the values, row-major
 * @param shape the extents, outermost first; empty for rank 0
 */
public record Int64Array(long[] data, int[] shape) {
    /**
     * An int64 array of the given shape.
     *
     * @param data  the values, row-major
     * @param shape the extents; their product must equal {@code data.length}
     * @throws IllegalArgumentException when an argument is null or the length does not match the shape
     */
    public Int64Array {
        if (data == null || shape == null) {
            throw new IllegalArgumentException((data == null ? "data" : "shape") + ": must not be null");
        }
        shape = shape.clone();
        if (Tensor.elementCount(shape) != data.length) {
            throw new IllegalArgumentException("data: length " + data.length + " does not match shape "
                    + Arrays.toString(shape));
        }
    }

    /** {@return a copy of the extents} */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** {@return whether {@code o} is an int64 array of the same shape and values} */
    @Override
    public boolean equals(Object o) {
        return o instanceof Int64Array a && Arrays.equals(data, a.data) && Arrays.equals(shape, a.shape);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data) + Arrays.hashCode(shape);
    }

    /** {@return the shape and element count, not the values} */
    @Override
    public String toString() {
        return "Int64Array" + Arrays.toString(shape);
    }
}
