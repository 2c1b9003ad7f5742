package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.Tensor;
import org.convcl.opencl.ops.Col2im;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.junit.jupiter.api.Test;

/**
 * col2im over slices of output rows, the first written and the rest accumulated, equals one col2im over all rows:
 * the form the backward pass takes when it runs one image in row slices.
 */
class Col2imSliceTest {
    /** Stride below the kernel (overlapping windows), padding and dilation: 5 x 10 outputs from 11 x 8 inputs. */
    static final Conv2dShape SHAPE = new Conv2dParams(2, 1, 1, 2, 2, 1, 1)
            .shapeOf(new int[] {2, 3, 11, 8}, new int[] {4, 3, 3, 3}, null);

    /** Elements before and after the images in x, which col2im must leave as they are. */
    private static final int CANARY = 5;
    private static final float CANARY_VALUE = 99;

    @Test
    void rowSlicesSumToTheWholeCol2im() {
        try (var cl = new ClContext(Devices.choose(null))) {
            assertSlicesMatchWhole(cl, SHAPE, 2, 3);
        }
    }

    /**
     * Runs col2im over output rows [0, a), [a, b) and [b, OH), without then with accumulate, and compares x with one
     * col2im over all rows. Small integers keep every float32 sum exact, whatever the order of addition.
     */
    static void assertSlicesMatchWhole(ClContext cl, Conv2dShape s, int a, int b) {
        float[] col = Tensor.seeded(81).integers(3, s.n(), s.c() * s.kh() * s.kw(), s.oh() * s.ow()).data();
        var col2im = new Col2im(cl);
        int size = CANARY + s.n() * s.c() * s.h() * s.w() + CANARY;
        try (var whole = filled(cl, size); var sliced = filled(cl, size); var all = rows(cl, col, s, 0, s.oh());
             var first = rows(cl, col, s, 0, a); var second = rows(cl, col, s, a, b);
             var third = rows(cl, col, s, b, s.oh())) {
            col2im.enqueue(all, whole, CANARY, s, s.n(), 0, s.oh(), false, null);
            col2im.enqueue(first, sliced, CANARY, s, s.n(), 0, a, false, null);
            col2im.enqueue(second, sliced, CANARY, s, s.n(), a, b - a, true, null);
            col2im.enqueue(third, sliced, CANARY, s, s.n(), b, s.oh() - b, true, null);
            float[] expected = new float[size];
            float[] got = new float[size];
            whole.read(expected);
            sliced.read(got);
            assertArrayEquals(expected, got);
            assertEquals(CANARY_VALUE, got[CANARY - 1]);
            assertEquals(CANARY_VALUE, got[size - CANARY]);
        }
    }

    private static DeviceBuffer filled(ClContext cl, int size) {
        var x = new DeviceBuffer(cl, "x", size);
        float[] values = new float[size];
        Arrays.fill(values, CANARY_VALUE);
        x.write(values);
        return x;
    }

    /** The output rows [oh0, oh1) of col (images, C*KH*KW, OH*OW), as (images, C*KH*KW, (oh1 - oh0)*OW). */
    private static DeviceBuffer rows(ClContext cl, float[] col, Conv2dShape s, int oh0, int oh1) {
        int run = (oh1 - oh0) * s.ow();
        float[] slice = new float[s.n() * s.c() * s.kh() * s.kw() * run];
        for (int r = 0; r < slice.length / run; r++) {
            System.arraycopy(col, r * s.oh() * s.ow() + oh0 * s.ow(), slice, r * run, run);
        }
        var buffer = new DeviceBuffer(cl, "column rows", slice.length);
        buffer.write(slice);
        return buffer;
    }
}
