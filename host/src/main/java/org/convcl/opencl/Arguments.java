package org.convcl.opencl;

import java.util.Arrays;

/** Argument checks shared by the backend's calls, with messages that name the argument. */
final class Arguments {
    private Arguments() {
    }

    static void requireNonNull(String name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(name + ": must not be null");
        }
    }

    static void requireShape(String name, DeviceTensor t, int[] shape) {
        requireNonNull(name, t);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(t.shape()) + ", must be "
                    + Arrays.toString(shape));
        }
    }
}
