package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.convcl.Activation;
import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.reference.Magnitudes;
import org.convcl.reference.PoolReference;
import org.convcl.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/**
 * A conv → bias → ReLU → max-pool forward pass and its whole backward chain on device tensors: the inputs go up
 * first, the results come down last, nothing crosses in between (counted by the backend), and every result matches
 * the reference's chain.
 */
class DeviceChainTest extends SharedDevice {
    private static final Conv2dParams SAME = Conv2dParams.DEFAULT.withPadding(1, 1);
    private static final Pool2dParams POOL = Pool2dParams.of(2, 2);
    private static final ReferenceBackend REFERENCE = new ReferenceBackend();

    private final Tensor x = Tensor.seeded(21).uniform(2, 3, 10, 9);
    private final Tensor w = Tensor.seeded(22).uniform(6, 3, 3, 3);
    private final Tensor b = Tensor.seeded(23).uniform(6);
    private final Tensor loss = Tensor.seeded(24).uniform(2, 6, 5, 4);

    /** The reference's chain, and the device's results to compare with it. */
    private record Chain(Tensor y, Tensor pooled, long[] indices, Tensor dy, Tensor dx, Tensor dw, Tensor db,
                         Tensor dz) {
        /** Each result within the bound of its magnitude, from {@code magnitude}'s field of the same name. */
        void assertMatches(Chain expected, Chain magnitude) {
            assertClose("conv2d + bias + ReLU", expected.y, y, magnitude.y);
            assertClose("max pooling", expected.pooled, pooled, magnitude.pooled);
            assertArrayEquals(expected.indices, indices, "max pooling indices");
            assertClose("max pooling gradient", expected.dy, dy, magnitude.dy);
            assertClose("gradient through the ReLU", expected.dz, dz, magnitude.dz);
            assertClose("input gradient", expected.dx, dx, magnitude.dx);
            assertClose("weight gradient", expected.dw, dw, magnitude.dw);
            assertClose("bias gradient", expected.db, db, magnitude.db);
        }

        private static void assertClose(String what, Tensor expected, Tensor got, Tensor magnitude) {
            EpilogueDeviceTest.assertClose(what, expected, got, magnitude, Tolerance.FLOAT32);
        }
    }

    /**
     * The magnitudes of the reference chain's sums. Max pooling copies an output of the conv2d, whose error it keeps:
     * the largest magnitude in the window bounds it. The ReLU's gradient sums nothing.
     */
    private Chain magnitudes(Tensor lossGradient, Chain expected) {
        var y = Magnitudes.conv2d(x, w, b, SAME, null);
        var g = Magnitudes.conv2dBackward(expected.dz, x, w, SAME);
        return new Chain(y, PoolReference.maxPool2d(y, POOL).output(), expected.indices,
                Magnitudes.maxPool2dBackward(lossGradient, expected.indices, POOL.shapeOf(expected.y)), g.input(),
                g.weight(), g.bias(), expected.dz);
    }

    /** Checks {@code got} against the reference chain for {@code lossGradient}. */
    private void assertMatchesReference(Chain got, Tensor lossGradient) {
        var expected = reference(lossGradient);
        got.assertMatches(expected, magnitudes(lossGradient, expected));
    }

    private Chain reference(Tensor lossGradient) {
        var y = REFERENCE.conv2d(x, w, b, SAME, Activation.relu());
        var pooled = REFERENCE.maxPool2d(y, POOL);
        var dy = PoolReference.maxPool2dBackward(lossGradient, pooled.indices(), POOL.shapeOf(y));
        var g = REFERENCE.conv2dBackward(dy, x, w, SAME, Activation.relu(), y);
        return new Chain(y, pooled.output(), pooled.indices(), dy, g.input(), g.weight(), g.bias(), g.residual());
    }

    @Test
    void fusedForwardAndBackwardCrossOnlyAtTheEnds() {
        try (var backend = OpenClBackend.open(Devices.choose(null));
             var dx = backend.upload(x); var dw = backend.upload(w); var db = backend.upload(b);
             var dLoss = backend.upload(loss)) {
            assertEquals(4, backend.transferCount());
            try (var y = backend.conv2d(dx, dw, db, SAME, Activation.relu());
                 var pooled = backend.maxPool2d(y, POOL);
                 var dy = backend.maxPool2dBackward(dLoss, pooled.indices(), y.shape(), POOL);
                 var g = backend.conv2dBackward(dy, dx, dw, SAME, Activation.relu(), y)) {
                assertEquals(4, backend.transferCount(), "an intermediate result went through the host");
                var got = new Chain(backend.download(y), backend.download(pooled.output()),
                        backend.downloadIndices(pooled.indices()), backend.download(dy), backend.download(g.input()),
                        backend.download(g.weight()), backend.download(g.bias()), backend.download(g.residual()));
                assertEquals(4 + 8, backend.transferCount(), "one download per result");
                assertMatchesReference(got, loss);
            }
        }
    }

    /**
     * The same chain with the standalone activation and its gradient written in place, over two steps: the second
     * step's loss gradient is written into the first's tensor, one upload and no allocation.
     */
    @Test
    void standaloneActivationInPlaceOverTwoSteps() {
        var secondLoss = Tensor.seeded(25).uniform(loss.shape());
        try (var backend = OpenClBackend.open(Devices.choose(null));
             var dx = backend.upload(x); var dw = backend.upload(w); var db = backend.upload(b);
             var dLoss = backend.upload(loss)) {
            for (var stepLoss : new Tensor[] {loss, secondLoss}) {
                long before = backend.transferCount();
                if (stepLoss == secondLoss) {
                    backend.upload(secondLoss, dLoss);
                }
                try (var y = backend.conv2d(dx, dw, db, SAME);
                     var pooled = backend.maxPool2d(backend.activation(y, Activation.relu(), y), POOL);
                     var dy = backend.maxPool2dBackward(dLoss, pooled.indices(), y.shape(), POOL);
                     var dz = backend.activationBackward(dy, y, Activation.relu(), dy);
                     var g = backend.conv2dBackward(dz, dx, dw, SAME)) {
                    long uploads = stepLoss == secondLoss ? 1 : 0;
                    assertEquals(before + uploads, backend.transferCount(), "an intermediate went through the host");
                    var expected = reference(stepLoss);
                    new Chain(backend.download(y), backend.download(pooled.output()),
                            backend.downloadIndices(pooled.indices()), backend.download(dz),
                            backend.download(g.input()), backend.download(g.weight()), backend.download(g.bias()),
                            backend.download(dz))
                            .assertMatches(withDyAsDz(expected), withDyAsDz(magnitudes(stepLoss, expected)));
                }
            }
        }
    }

    /** The in-place chain overwrote dy with dz, so both downloads are dz. */
    private static Chain withDyAsDz(Chain c) {
        return new Chain(c.y(), c.pooled(), c.indices(), c.dz(), c.dx(), c.dw(), c.db(), c.dz());
    }

    /**
     * Max pooling's own indices skip the window check (a flag written and read back); indices used with another
     * input shape that pools to the same output size are still checked.
     */
    @Test
    void onlyIndicesOfTheSameShapesSkipTheWindowCheck() {
        try (var dy = device.upload(Tensor.seeded(26).uniform(1, 1, 2, 2));
             var input = device.upload(Tensor.seeded(27).uniform(1, 1, 4, 4));
             var pooled = device.maxPool2d(input, POOL)) {
            long before = device.transferCount();
            device.maxPool2dBackward(dy, pooled.indices(), new int[] {1, 1, 4, 4}, POOL).close();
            assertEquals(before, device.transferCount(), "max pooling's own indices were checked again");
            try {
                device.maxPool2dBackward(dy, pooled.indices(), new int[] {1, 1, 5, 5}, POOL).close();
            } catch (IllegalArgumentException e) {
                // Refused or not, what matters is that the check ran.
            }
            assertEquals(before + 2, device.transferCount(), "indices for another shape were not checked");
        }
    }
}
