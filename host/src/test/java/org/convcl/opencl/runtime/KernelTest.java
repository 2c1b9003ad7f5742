package org.convcl.opencl.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.convcl.kernels.Program;
import org.convcl.opencl.Devices;
import org.junit.jupiter.api.Test;

/**
 * A kernel's objects keep the arguments last set on them: a launch must still run with exactly its own arguments,
 * whichever object it lands on and whatever that object held, buffers and scalars alike.
 */
class KernelTest {
    private static final int LENGTH = 16;
    private static final int SOURCE = 64;

    @Test
    void everyLaunchRunsWithItsOwnArgumentsAcrossMoreScalarSetsThanObjects() {
        try (var cl = new ClContext(Devices.choose(null))) {
            var first = source(cl, 0);
            var second = source(cl, 1000);
            var out = new DeviceBuffer(cl, "out", LENGTH);
            int offsets = Kernel.OBJECTS + 3;
            // Twice round more offsets than objects (every launch past the first round evicts one), each offset on
            // both sources: the same scalars with another buffer, then another buffer with the same scalars again.
            for (int round = 0; round < 2; round++) {
                for (int offset = 0; offset < offsets; offset++) {
                    assertArrayEquals(expected(0, offset), copy(cl, first, offset, out), "first, offset " + offset);
                    assertArrayEquals(expected(1000, offset), copy(cl, second, offset, out), "second, offset " + offset);
                }
            }
            var fresh = new DeviceBuffer(cl, "fresh out", LENGTH);
            assertArrayEquals(expected(0, 2), copy(cl, first, 2, fresh), "a new output buffer");
            assertEquals(Kernel.OBJECTS, cl.kernel(Program.TENSOR, "permute3", "-DLOCAL_SIZE=" + Launch.LOCAL_1D)
                    .objectCount(), "bounded");
        }
    }

    /** out[e] = source[offset + e], through permute3 as a one-row view. */
    private static float[] copy(ClContext cl, DeviceBuffer source, int offset, DeviceBuffer out) {
        Launch.oneDimensional(cl, Program.TENSOR, "permute3").buffer(source).i64(offset).buffer(out)
                .i32(1).i32(1).i32(LENGTH).i64(0).i64(0).i64(1).enqueue1d(LENGTH);
        float[] result = new float[LENGTH];
        out.read(result);
        return result;
    }

    private static DeviceBuffer source(ClContext cl, int first) {
        float[] values = new float[SOURCE];
        for (int i = 0; i < SOURCE; i++) {
            values[i] = first + i;
        }
        var b = new DeviceBuffer(cl, "source", SOURCE);
        b.write(values);
        return b;
    }

    private static float[] expected(int first, int offset) {
        float[] values = new float[LENGTH];
        for (int e = 0; e < LENGTH; e++) {
            values[e] = first + offset + e;
        }
        return values;
    }
}
