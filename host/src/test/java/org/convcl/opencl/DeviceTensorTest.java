package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.reference.Conv2dBackwardReference;
import org.convcl.reference.Conv2dReference;
import org.convcl.reference.Magnitudes;
import org.convcl.reference.PoolReference;
import org.junit.jupiter.api.Test;

/** Data stays on the device between operations: one upload per input, one download at the end. */
class DeviceTensorTest {
    private static final Conv2dParams SAME = Conv2dParams.DEFAULT.withPadding(1, 1);

    @Test
    void chainedConvolutionsCopyNothingThroughTheHost() {
        var x = Tensor.seeded(1).uniform(2, 3, 12, 10);
        var w1 = Tensor.seeded(2).uniform(8, 3, 3, 3);
        var w2 = Tensor.seeded(3).uniform(4, 8, 3, 3);
        var b2 = Tensor.seeded(4).uniform(4);
        try (var device = OpenClBackend.open(Devices.choose(null));
             var dx = device.upload(x);
             var dw1 = device.upload(w1);
             var dw2 = device.upload(w2);
             var db2 = device.upload(b2)) {
            assertEquals(4, device.transferCount());
            try (var hidden = device.conv2d(dx, dw1, null, SAME.withStride(2, 1));
                 var out = device.conv2d(hidden, dw2, db2, SAME)) {
                assertEquals(4, device.transferCount(), "an intermediate result went through the host");
                var got = device.download(out);
                assertEquals(5, device.transferCount());
                var expected = Conv2dReference.conv2d(Conv2dReference.conv2d(x, w1, null, SAME.withStride(2, 1)),
                        w2, b2, SAME);
                // The first layer's error reaches the second through |w2|: the magnitudes compose.
                var magnitude = Magnitudes.conv2d(Magnitudes.conv2d(x, w1, null, SAME.withStride(2, 1), null),
                        w2, b2, SAME, null);
                assertNull(Tolerance.FLOAT32.firstMismatch(got, expected, magnitude),
                        () -> "" + Tolerance.FLOAT32.firstMismatch(got, expected, magnitude));
            }
        }
    }

    /** Forward conv2d, max pooling, then both backward passes, with one upload per input and downloads at the end. */
    @Test
    void aTrainingStepStaysOnTheDevice() {
        var x = Tensor.seeded(11).uniform(2, 3, 8, 8);
        var w = Tensor.seeded(12).uniform(4, 3, 3, 3);
        var pool = Pool2dParams.of(2, 2);
        try (var device = OpenClBackend.open(Devices.choose(null));
             var dx = device.upload(x);
             var dw = device.upload(w);
             var y = device.conv2d(dx, dw, null, SAME);
             var pooled = device.maxPool2d(y, pool);
             var dLoss = device.upload(Tensor.seeded(13).uniform(pooled.output().shape()));
             var dy = device.maxPool2dBackward(dLoss, pooled.indices(), y.shape(), pool);
             var grads = device.conv2dBackward(dy, dx, dw, SAME)) {
            // Three uploads; the indices came from this backend's max pooling, so their windows need no check.
            assertEquals(3, device.transferCount(), "an intermediate result went through the host");
            var gotWeight = device.download(grads.weight());
            assertEquals(4, device.transferCount());

            var yRef = Conv2dReference.conv2d(x, w, null, SAME);
            var pooledRef = PoolReference.maxPool2d(yRef, pool);
            var dyRef = PoolReference.maxPool2dBackward(Tensor.seeded(13).uniform(pooled.output().shape()),
                    pooledRef.indices(), pool.shapeOf(yRef));
            var expected = Conv2dBackwardReference.backward(dyRef, x, w, SAME);
            var magnitude = Magnitudes.conv2dBackward(dyRef, x, w, SAME).weight();
            assertNull(Tolerance.FLOAT32.firstMismatch(gotWeight, expected.weight(), magnitude),
                    () -> "" + Tolerance.FLOAT32.firstMismatch(gotWeight, expected.weight(), magnitude));
        }
    }

    @Test
    void closedAndForeignTensorsAreRefused() {
        try (var a = OpenClBackend.open(Devices.choose(null));
             var b = OpenClBackend.open(Devices.choose(null))) {
            var x = a.upload(Tensor.seeded(1).uniform(1, 1, 4, 4));
            try (var w = a.upload(Tensor.seeded(2).uniform(1, 1, 3, 3));
                 var foreign = b.upload(Tensor.seeded(3).uniform(1, 1, 3, 3))) {
                var e = assertThrows(IllegalArgumentException.class, () -> a.conv2d(x, foreign, null, Conv2dParams.DEFAULT));
                assertTrue(e.getMessage().startsWith("weight: belongs to another backend"), e.getMessage());
                x.close();
                x.close();
                var closed = assertThrows(IllegalStateException.class, () -> a.conv2d(x, w, null, Conv2dParams.DEFAULT));
                assertTrue(closed.getMessage().startsWith("input: device tensor [1, 1, 4, 4] is closed"), closed.getMessage());
            }
        }
    }

    @Test
    void emptyTensorsRoundTrip() {
        try (var device = OpenClBackend.open(Devices.choose(null));
             var empty = device.upload(Tensor.zeros(0, 3, 4, 4))) {
            assertArrayEquals(new int[] {0, 3, 4, 4}, device.download(empty).shape());
        }
    }
}
