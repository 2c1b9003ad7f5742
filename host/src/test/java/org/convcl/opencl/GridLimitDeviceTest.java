package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.reference.Conv2dBackwardReference;
import org.convcl.reference.Conv2dReference;
import org.convcl.reference.Magnitudes;
import org.convcl.reference.PoolReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Launches with more than the 65,535 work-groups along y or z that NVIDIA's driver takes (runtime.Grid): 70,000
 * planes of pooling, 70,000 groups of four depthwise planes for the direct kernel, 70,000 images in one batched
 * SGEMM (along z, or folded into its N along x), and a weight gradient summed over 70,000 images. Every plane is
 * checked, so a launch cut into several enqueues must cover each exactly once.
 */
@Tag("slow")
class GridLimitDeviceTest {
    private static final int PLANES = 70_000;

    @Test
    void poolingCoversEveryPlane() {
        var x = Tensor.seeded(1).uniform(7, PLANES / 7, 2, 3);
        var p = Pool2dParams.of(2, 2).withStride(1, 1);
        var s = p.shapeOf(x);
        var dy = Tensor.seeded(2).uniform(s.outputShape());
        try (var device = OpenClBackend.open(Devices.choose(null))) {
            var max = device.maxPool2d(x, p);
            var expected = PoolReference.maxPool2d(x, p);
            assertNull(Tolerance.EXACT.firstMismatch(max.output(), expected.output()));
            assertArrayEquals(expected.indices(), max.indices());
            assertNull(Tolerance.FLOAT32.firstMismatch(device.maxPool2dBackward(dy, expected.indices(), x.shape(), p),
                    PoolReference.maxPool2dBackward(dy, expected.indices(), s),
                    Magnitudes.maxPool2dBackward(dy, expected.indices(), s)));
            assertNull(Tolerance.FLOAT32.firstMismatch(device.avgPool2d(x, p), PoolReference.avgPool2d(x, p),
                    Magnitudes.avgPool2d(x, p)));
            assertNull(Tolerance.FLOAT32.firstMismatch(device.avgPool2dBackward(dy, x.shape(), p),
                    PoolReference.avgPool2dBackward(dy, s), Magnitudes.avgPool2dBackward(dy, s)));
        }
    }

    @Test
    void theDirectKernelCoversEveryPlane() {
        // Depthwise: one plane per work-item, four per work-group along y.
        assertEveryPlane(Conv2dPath.DIRECT, Tensor.seeded(3).uniform(4, PLANES, 3, 3),
                Tensor.seeded(4).uniform(PLANES, 1, 3, 3), Conv2dParams.DEFAULT.withGroups(PLANES).withPadding(1, 1));
    }

    @Test
    void batchedGemmsCoverEveryImage() {
        var x = Tensor.seeded(5).uniform(PLANES, 2, 2, 2);
        for (var path : new Conv2dPath[] {Conv2dPath.POINTWISE, Conv2dPath.IMPLICIT_GEMM, Conv2dPath.IM2COL_GEMM}) {
            assertEveryPlane(path, x, Tensor.seeded(6).uniform(3, 2, 1, 1), Conv2dParams.DEFAULT);
        }
    }

    /** The same images folded into the GEMM's N: 280,000 columns along x, images 70,000 apart in the tables. */
    @Test
    void foldedGemmsCoverEveryImage() {
        var x = Tensor.seeded(5).uniform(PLANES, 2, 2, 2);
        var w = Tensor.seeded(6).uniform(3, 2, 1, 1);
        var d = Devices.choose(null);
        var folding = Conv2dDeviceTest.folding(BackendOptions.defaultsFor(d));
        for (var path : Conv2dDeviceTest.FOLDING_PATHS) {
            try (var device = OpenClBackend.open(d, folding.withPath(path))) {
                String plan = device.describeConv2d(Conv2dParams.DEFAULT.shapeOf(x, w, null));
                assertTrue(plan.contains("batch folded into N"), plan);
                assertNull(Tolerance.FLOAT32.firstMismatch(device.conv2d(x, w, null, Conv2dParams.DEFAULT),
                        Conv2dReference.conv2d(x, w, null, Conv2dParams.DEFAULT),
                        Magnitudes.conv2d(x, w, null, Conv2dParams.DEFAULT, null)), path::toString);
            }
        }
    }

    @Test
    void theBackwardPassSumsEveryImage() {
        // The weight gradient's GEMM is 70,000 deep, which the blocked SGEMM's packing puts along y.
        var x = Tensor.seeded(7).uniform(PLANES, 2, 1, 1);
        var w = Tensor.seeded(8).uniform(3, 2, 1, 1);
        var dy = Tensor.seeded(9).uniform(PLANES, 3, 1, 1);
        try (var device = OpenClBackend.open(Devices.choose(null))) {
            var got = device.conv2dBackward(dy, x, w, Conv2dParams.DEFAULT);
            var expected = Conv2dBackwardReference.backward(dy, x, w, Conv2dParams.DEFAULT);
            var magnitude = Magnitudes.conv2dBackward(dy, x, w, Conv2dParams.DEFAULT);
            assertNull(Tolerance.FLOAT32.firstMismatch(got.input(), expected.input(), magnitude.input()));
            assertNull(Tolerance.FLOAT32.firstMismatch(got.weight(), expected.weight(), magnitude.weight()));
            assertNull(Tolerance.FLOAT32.firstMismatch(got.bias(), expected.bias(), magnitude.bias()));
        }
    }

    private static void assertEveryPlane(Conv2dPath path, Tensor x, Tensor w, Conv2dParams params) {
        var d = Devices.choose(null);
        try (var device = OpenClBackend.open(d, BackendOptions.defaultsFor(d).withPath(path))) {
            assertNull(Tolerance.FLOAT32.firstMismatch(device.conv2d(x, w, null, params),
                    Conv2dReference.conv2d(x, w, null, params), Magnitudes.conv2d(x, w, null, params, null)),
                    path::toString);
        }
    }
}
