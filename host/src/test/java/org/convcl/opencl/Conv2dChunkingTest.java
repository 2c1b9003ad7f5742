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
import org.convcl.reference.Magnitudes;
import org.convcl.reference.PoolReference;
import org.junit.jupiter.api.Test;

/**
 * Column budgets far below a layer's needs force batch chunks and row slices, forward and backward, and the answers
 * must not change.
 */
class Conv2dChunkingTest {
    private static final Conv2dParams P = Conv2dParams.DEFAULT.withPadding(1, 1);
    // x(5,3,11,9) w(4,3,3,3): one output row is 3*3*3*9 floats = 972 bytes, one image 11 rows = 10692 bytes.
    private static final DeviceCase LAYER = DeviceCase.named("chunked").input(5, 3, 11, 9).params(P)
            .filters(4, 3, 3).withBias().seed(41);
    private static final DeviceCase GROUPED = DeviceCase.named("chunked grouped").input(3, 6, 11, 9)
            .filters(4, 3, 3).params(P.withGroups(2).withStride(2, 1)).withBias().seed(42);

    private static BackendOptions im2colWithBudget(long budgetBytes) {
        var device = Devices.choose(null);
        return BackendOptions.defaultsFor(device).withColumnBudget(budgetBytes).withPath(Conv2dPath.IM2COL_GEMM);
    }

    private static void assertCorrectWithBudget(long budgetBytes, DeviceCase c) {
        try (var backend = OpenClBackend.open(Devices.choose(null), im2colWithBudget(budgetBytes))) {
            Conv2dDeviceTest.assertMatchesReference(backend, c, Tolerance.FLOAT32);
            Conv2dBackwardDeviceTest.assertGradientsMatch(backend, c, Tolerance.FLOAT32, c.input(), c.weight());
        }
    }

    @Test
    void batchChunks() {
        assertCorrectWithBudget(2 * 10692, LAYER);
        assertCorrectWithBudget(2 * 10692, GROUPED);
    }

    @Test
    void rowSlicesOfOneImage() {
        assertCorrectWithBudget(4 * 972, LAYER);
        assertCorrectWithBudget(972, LAYER);
        assertCorrectWithBudget(4 * 972, GROUPED);
    }

    @Test
    void aBudgetBelowOneRowIsRefused() {
        var device = Devices.choose(null);
        try (var backend = OpenClBackend.open(device, im2colWithBudget(971))) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> backend.conv2d(LAYER.input(), LAYER.weight(), null, LAYER.params()));
            assertTrue(e.getMessage().contains("column budget of 971 bytes"), e.getMessage());
        }
    }

    /** A transfer budget of two images' output: a batch of five goes up, through and back in three slices. */
    @Test
    void batchesBeyondOneTransferAreSliced() {
        var device = Devices.choose(null);
        long twoOutputs = 2L * 4 * 11 * 9 * Float.BYTES;
        var options = BackendOptions.defaultsFor(device).withTransferBudget(twoOutputs);
        try (var backend = OpenClBackend.open(device, options)) {
            Conv2dDeviceTest.assertMatchesReference(backend, LAYER, Tolerance.FLOAT32);
            // weight and bias once, then each of three slices up and back
            assertEquals(2 + 3 * 2, backend.transferCount());

            var x = LAYER.input();
            var pool = Pool2dParams.of(3, 2).withStride(2, 2).withPadding(1, 1).withCeilMode(true);
            var max = backend.maxPool2d(x, pool);
            var expected = PoolReference.maxPool2d(x, pool);
            assertNull(Tolerance.EXACT.firstMismatch(max.output(), expected.output()));
            assertArrayEquals(expected.indices(), max.indices());
            assertNull(Tolerance.FLOAT32.firstMismatch(backend.avgPool2d(x, pool), PoolReference.avgPool2d(x, pool),
                    Magnitudes.avgPool2d(x, pool)));

            // The gradients too: input gradients slice by slice, weight and bias gradients summed over the slices.
            var w = LAYER.weight();
            Conv2dBackwardDeviceTest.assertGradientsMatch(backend, LAYER, Tolerance.FLOAT32, x, w);
            var s = pool.shapeOf(x);
            var dPool = Tensor.seeded(44).uniform(s.outputShape());
            assertNull(Tolerance.FLOAT32.firstMismatch(backend.maxPool2dBackward(dPool, expected.indices(), x.shape(), pool),
                    PoolReference.maxPool2dBackward(dPool, expected.indices(), s),
                    Magnitudes.maxPool2dBackward(dPool, expected.indices(), s)));
            assertNull(Tolerance.FLOAT32.firstMismatch(backend.avgPool2dBackward(dPool, x.shape(), pool),
                    PoolReference.avgPool2dBackward(dPool, s), Magnitudes.avgPool2dBackward(dPool, s)));

            var e = assertThrows(IllegalArgumentException.class, () -> backend.conv2d(Tensor.seeded(1).uniform(1, 3, 40, 40),
                    Tensor.seeded(2).uniform(4, 3, 3, 3), null, Conv2dParams.DEFAULT));
            assertTrue(e.getMessage().startsWith("input: one image needs a 23104-byte buffer, more than the "
                    + twoOutputs + " bytes one transfer may take"), e.getMessage());
        }
    }

    @Test
    void defaultBudgetRespectsTheAllocationLimit() {
        var device = Devices.choose(null);
        long budget = BackendOptions.defaultsFor(device).columnBudgetBytes();
        assertTrue(budget <= device.maxAllocBytes() && budget <= device.globalMemBytes() / 4, "budget " + budget);
    }
}
