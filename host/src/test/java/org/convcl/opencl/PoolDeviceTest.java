package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.reference.Magnitudes;
import org.convcl.reference.PoolReference;
import org.convcl.reference.SourceExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Pooling and its gradients on the default OpenCL device against the plain reference. */
class PoolDeviceTest extends SharedDevice {

    /** One pooling: input shape and parameters. */
    record PoolCase(String label, int[] shape, Pool2dParams params) {
        @Override
        public String toString() {
            return label + ": x" + java.util.Arrays.toString(shape) + " " + params;
        }
    }

    static Stream<PoolCase> cases() {
        var explicit = Stream.of(
                new PoolCase("2x2", new int[] {2, 3, 8, 8}, Pool2dParams.of(2, 2)),
                new PoolCase("odd sizes floor", new int[] {1, 2, 7, 5}, Pool2dParams.of(2, 2)),
                new PoolCase("odd sizes ceil", new int[] {1, 2, 7, 5}, Pool2dParams.of(2, 2).withCeilMode(true)),
                new PoolCase("3x3 s2 p1 ceil", new int[] {2, 2, 9, 10}, Pool2dParams.of(3, 3).withStride(2, 2).withPadding(1, 1).withCeilMode(true)),
                new PoolCase("overlapping", new int[] {1, 3, 6, 6}, Pool2dParams.of(3, 3).withStride(1, 1)),
                new PoolCase("asymmetric", new int[] {2, 1, 11, 7}, Pool2dParams.of(3, 2).withStride(2, 1).withPadding(1, 1)),
                new PoolCase("stride above kernel", new int[] {1, 2, 13, 12}, Pool2dParams.of(2, 2).withStride(5, 4)),
                new PoolCase("kernel equals input", new int[] {3, 2, 4, 5}, Pool2dParams.of(4, 5)),
                new PoolCase("dilated", new int[] {1, 2, 9, 9}, Pool2dParams.of(3, 2).withStride(1, 2).withDilation(2, 3)),
                new PoolCase("1x1", new int[] {2, 3, 4, 3}, Pool2dParams.of(1, 1)),
                new PoolCase("exclude pad", new int[] {1, 2, 7, 7}, Pool2dParams.of(3, 3).withStride(2, 2).withPadding(1, 1).withCountIncludePad(false)),
                new PoolCase("divisor override", new int[] {1, 2, 6, 7}, Pool2dParams.of(2, 3).withPadding(1, 1).withDivisorOverride(-3)),
                new PoolCase("many planes", new int[] {67, 5, 3, 3}, Pool2dParams.of(2, 2).withStride(1, 1)),
                // Rows of several runs of output pixels, the last one partial, with padding at both ends.
                new PoolCase("wide rows", new int[] {1, 2, 5, 37}, Pool2dParams.of(3, 3).withPadding(1, 1)),
                new PoolCase("wide rows s2", new int[] {1, 3, 6, 40}, Pool2dParams.of(2, 2).withStride(2, 2)),
                new PoolCase("wide rows s2 divisor override", new int[] {2, 2, 7, 41},
                        Pool2dParams.of(3, 3).withStride(2, 2).withDivisorOverride(5)),
                new PoolCase("wide rows s2 dilated", new int[] {2, 1, 6, 53}, Pool2dParams.of(2, 3).withStride(1, 2)
                        .withPadding(1, 1).withDilation(2, 2).withCeilMode(true)),
                new PoolCase("end-only padding (ONNX pads 0,0,1,1)", new int[] {2, 3, 13, 12},
                        Pool2dParams.of(3, 3).withStride(2, 2).withPadding(0, 1, 0, 1)),
                new PoolCase("end-only padding ceil", new int[] {1, 2, 12, 11},
                        Pool2dParams.of(3, 3).withStride(2, 2).withPadding(0, 1, 0, 1).withCeilMode(true)),
                new PoolCase("begin-only padding exclude pad", new int[] {1, 2, 9, 8},
                        Pool2dParams.of(4, 3).withStride(3, 2).withPadding(2, 0, 1, 0).withCountIncludePad(false)),
                new PoolCase("asymmetric padding dilated ceil", new int[] {2, 2, 10, 9}, Pool2dParams.of(3, 4)
                        .withStride(2, 3).withPadding(1, 0, 0, 2).withDilation(2, 1).withCeilMode(true)),
                new PoolCase("stride 2^30", new int[] {1, 2, 3, 4},
                        Pool2dParams.of(3, 2).withStride(1 << 30, 1 << 30).withPadding(1, 0, 1, 1).withCeilMode(true)));
        var random = new Random(77);
        var sweep = Stream.generate(() -> {
            int kh = 1 + random.nextInt(4), kw = 1 + random.nextInt(4);
            var p = Pool2dParams.of(kh, kw).withStride(1 + random.nextInt(3), 1 + random.nextInt(3))
                    .withPadding(random.nextInt(kh / 2 + 1), random.nextInt(kh / 2 + 1), random.nextInt(kw / 2 + 1),
                            random.nextInt(kw / 2 + 1))
                    .withCeilMode(random.nextBoolean()).withCountIncludePad(random.nextBoolean());
            return new PoolCase("random", new int[] {1 + random.nextInt(3), 1 + random.nextInt(4),
                kh + random.nextInt(9), kw + random.nextInt(9)}, p);
        }).limit(60);
        return Stream.concat(explicit, sweep);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardAndBackwardMatchTheReference(PoolCase c) {
        var x = Tensor.seeded(c.shape()[0] * 31L + c.shape()[2]).uniform(c.shape());
        var p = c.params();
        var s = p.shapeOf(x);
        var dy = Tensor.seeded(5).uniform(s.outputShape());

        var max = device.maxPool2d(x, p);
        var maxRef = PoolReference.maxPool2d(x, p);
        assertNull(Tolerance.EXACT.firstMismatch(max.output(), maxRef.output()), c::toString);
        assertArrayEquals(maxRef.indices(), max.indices(), c::toString);
        // The build without indices compares the same way.
        assertNull(Tolerance.EXACT.firstMismatch(device.maxPool2dOutput(x, p), maxRef.output()), c::toString);
        var maxGrad = device.maxPool2dBackward(dy, maxRef.indices(), x.shape(), p);
        assertNull(Tolerance.FLOAT32.firstMismatch(maxGrad, PoolReference.maxPool2dBackward(dy, maxRef.indices(), s),
                Magnitudes.maxPool2dBackward(dy, maxRef.indices(), s)), c::toString);

        if (p.dilationH() == 1 && p.dilationW() == 1) {
            var avg = device.avgPool2d(x, p);
            assertNull(Tolerance.FLOAT32.firstMismatch(avg, PoolReference.avgPool2d(x, p), Magnitudes.avgPool2d(x, p)),
                    c::toString);
            var avgGrad = device.avgPool2dBackward(dy, x.shape(), p);
            assertNull(Tolerance.FLOAT32.firstMismatch(avgGrad, PoolReference.avgPool2dBackward(dy, s),
                    Magnitudes.avgPool2dBackward(dy, s)), c::toString);
        }
    }

    @Test
    void nanAndInfinityPropagateAsInPyTorch() {
        var x = new Tensor(new float[] {1, Float.NaN, 3, 4, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 0, 1, 2}, 1, 3, 2, 2);
        var p = Pool2dParams.of(2, 2);
        var got = device.maxPool2d(x, p);
        var expected = PoolReference.maxPool2d(x, p);
        assertTrue(Float.isNaN(got.output().data()[0]));
        assertEquals(1, got.indices()[0]);
        assertEquals(Float.NEGATIVE_INFINITY, got.output().data()[1]);
        assertArrayEquals(expected.indices(), got.indices());
        assertNull(Tolerance.EXACT.firstMismatch(device.maxPool2dOutput(x, p), expected.output()));
        var avg = device.avgPool2d(x, p);
        assertNull(Tolerance.FLOAT32.firstMismatch(avg, PoolReference.avgPool2d(x, p), Magnitudes.avgPool2d(x, p)));
    }

    @Test
    void sourcePipelineStaysOnTheDevice() {
        try (var backend = OpenClBackend.open(Devices.choose(null));
             var dx = backend.upload(SourceExample.input());
             var dw = backend.upload(SourceExample.filters());
             var y = backend.conv2d(dx, dw, null, org.convcl.Conv2dParams.DEFAULT);
             var pooled = backend.maxPool2d(y, Pool2dParams.of(2, 2));
             var dy = backend.upload(new Tensor(new float[] {1, 1}, 1, 2, 1, 1));
             var grad = backend.maxPool2dBackward(dy, pooled.indices(), y.shape(), Pool2dParams.of(2, 2))) {
            // Three uploads and nothing else: indices this backend's max pooling made skip the index check's flag.
            assertEquals(3, backend.transferCount());
            assertArrayEquals(new float[] {96, 4}, backend.download(pooled.output()).data());
            assertArrayEquals(new float[] {0, 0, 0, 1, 1, 0, 0, 0}, backend.download(grad).data());
            assertEquals(5, backend.transferCount());
        }
    }

    @Test
    void deviceIndicesOutsideTheirWindowsAreRefused() {
        // (1, 1, 4, 4) pooled 2x2: output (0, 1) reads rows 0-1, columns 2-3
        var p = Pool2dParams.of(2, 2);
        int[] shape = {1, 1, 4, 4};
        var dy = Tensor.seeded(3).uniform(1, 1, 2, 2);
        long[] good = {5, 2, 13, 15};
        try (var ddy = device.upload(dy)) {
            for (long[] bad : new long[][] {{5, 16, 13, 15}, {5, -1, 13, 15}, {5, 0, 13, 15}, {5, 4, 13, 15}}) {
                try (var indices = device.uploadIndices(bad, 1, 1, 2, 2)) {
                    var e = assertThrows(IllegalArgumentException.class,
                            () -> device.maxPool2dBackward(ddy, indices, shape, p));
                    assertTrue(e.getMessage().startsWith("indices: some value is not in the pooling window"),
                            e.getMessage());
                }
                assertThrows(IllegalArgumentException.class, () -> device.maxPool2dBackward(dy, bad, shape, p));
            }
            // The same indices with a wrong input shape that also pools to 2x2: in a 5x5 plane 13 is row 2, column 3,
            // outside the columns 0-1 of output (1, 0), so the gradient would land in the wrong place.
            try (var indices = device.uploadIndices(good, 1, 1, 2, 2)) {
                int[] wrong = {1, 1, 5, 5};
                assertThrows(IllegalArgumentException.class, () -> device.maxPool2dBackward(ddy, indices, wrong, p));
                assertThrows(IllegalArgumentException.class, () -> device.maxPool2dBackward(dy, good, wrong, p));
                try (var grad = device.maxPool2dBackward(ddy, indices, shape, p)) {
                    assertNull(Tolerance.EXACT.firstMismatch(device.download(grad),
                            PoolReference.maxPool2dBackward(dy, good, p.shapeOf(shape))));
                }
            }
        }
    }

    @Test
    void hugeWindowsAreCountedIn64BitsAsInPyTorch() {
        // avg_pool2d(full((1,1,1,1), -3), 65537, stride=1, padding=32768) = -3 / 65537^2 in PyTorch 1.13
        var x = new Tensor(new float[] {-3}, 1, 1, 1, 1);
        var avg = new Pool2dParams(65537, 65537, 1, 1, 32768, 32768, 1, 1, false, true, 0);
        assertEquals(-6.984706146795361e-10, device.avgPool2d(x, avg).data()[0], 1e-16);
        // max_pool2d(arange(9).reshape(1,1,3,3), 2, stride=2^31-1, ceil_mode=True): 4 at index 4, avg_pool2d 2.0
        var range = new Tensor(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, 1, 1, 3, 3);
        var ceil = Pool2dParams.of(2, 2).withStride(Integer.MAX_VALUE, Integer.MAX_VALUE).withCeilMode(true);
        var max = device.maxPool2d(range, ceil);
        assertArrayEquals(new float[] {4}, max.output().data());
        assertArrayEquals(new long[] {4}, max.indices());
        assertArrayEquals(new float[] {2}, device.avgPool2d(range, ceil).data());
    }
}
