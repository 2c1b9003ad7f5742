package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.reference.Conv2dBackwardReference;
import org.convcl.reference.Conv2dReference;
import org.convcl.reference.Magnitudes;
import org.convcl.reference.PoolReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every op on the default device against the reference, on data full of ties (few distinct values) with NaN and
 * infinities sprinkled in. {@link Tolerance#FLOAT32} matches NaN only with NaN and an infinity only with the same
 * infinity, so NaN positions and infinities must agree exactly, finite values within the tolerance, and max
 * pooling's indices exactly (ties keep the first, NaN wins).
 */
class NonFiniteFuzzTest extends SharedDevice {
    private static final int CASES = 60;
    /** A backend pinned to each conv2d path the device can run. */
    private static final Map<Conv2dPath, OpenClBackend> PINNED = new EnumMap<>(Conv2dPath.class);

    @BeforeAll
    static void openPinnedPaths() {
        var d = Devices.choose(null);
        var defaults = BackendOptions.defaultsFor(d);
        for (var path : Conv2dDeviceTest.pinnablePaths(defaults)) {
            PINNED.put(path, OpenClBackend.open(d, defaults.withPath(path)));
        }
    }

    @AfterAll
    static void closePinnedPaths() {
        PINNED.values().forEach(OpenClBackend::close);
        PINNED.clear();
    }

    /** Halves from -1.5 to 1.5, so windows hold ties and float32 sums are exact; one value in 20 is NaN or +-inf. */
    private static Tensor nasty(Random r, int... shape) {
        var t = Tensor.zeros(shape);
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = r.nextInt(20) == 0 ? special[r.nextInt(3)] : (r.nextInt(7) - 3) * 0.5f;
        }
        return t;
    }

    /** For results that are their own magnitude: max pooling copies its input. */
    private static void assertMatches(Tensor got, Tensor expected, String what) {
        assertMatches(got, expected, expected, what);
    }

    private static void assertMatches(Tensor got, Tensor expected, Tensor magnitude, String what) {
        var mismatch = Tolerance.FLOAT32.firstMismatch(got, expected, magnitude);
        assertNull(mismatch, () -> what + ": " + mismatch);
    }

    @Test
    void anInfiniteWeightOnThePaddingGivesNaNOnEveryPath() {
        // PyTorch 1.13: conv2d(ones((1,1,3,3)), w, padding=1) with w zeros but w[0,0,0,1] = inf (a tap that reads
        // the top padding for output row 0), then w[0,0,1,0] = inf (the left padding for column 0).
        var x = new Tensor(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, 1, 1, 3, 3);
        var p = Conv2dParams.DEFAULT.withPadding(1, 1);
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
        var top = Tensor.zeros(1, 1, 3, 3);
        top.data()[1] = inf;
        var left = Tensor.zeros(1, 1, 3, 3);
        left.data()[3] = inf;
        for (var path : PINNED.keySet()) {
            if (path == Conv2dPath.POINTWISE) {
                continue; // it takes no padding
            }
            var backend = PINNED.get(path);
            assertArrayEquals(new float[] {nan, nan, nan, inf, inf, inf, inf, inf, inf},
                    backend.conv2d(x, top, null, p).data(), path::toString);
            assertArrayEquals(new float[] {nan, inf, inf, nan, inf, inf, nan, inf, inf},
                    backend.conv2d(x, left, null, p).data(), path::toString);
        }
    }

    @Test
    void conv2dForwardAndBackwardOnEveryPath() {
        for (long seed = 0; seed < CASES; seed++) {
            var r = new Random(seed);
            // Every fourth case pointwise and every fourth a Winograd shape (F(2x2) or, with 256 tiles, F(4x4)), so
            // those paths see non-finite values too.
            var c = switch ((int) (seed % 8)) {
                case 0, 4 -> DeviceCase.named("pointwise " + seed).input(2, 5, 6, 7).filters(4, 1, 1).seed(seed);
                case 1 -> DeviceCase.named("winograd F2 " + seed).input(2, 3, 9, 10).filters(4, 3, 3)
                        .params(Conv2dParams.DEFAULT.withPadding(1, 1)).withBias().seed(seed);
                case 5 -> DeviceCase.named("winograd F4 " + seed).input(1, 2, 64, 63).filters(3, 3, 3)
                        .params(Conv2dParams.DEFAULT.withPadding(1, 2)).seed(seed);
                default -> DeviceCase.random(seed);
            };
            var s = c.shape();
            var x = nasty(r, c.n(), c.c(), c.h(), c.w());
            var w = nasty(r, c.k(), s.cPerGroup(), c.kh(), c.kw());
            var b = c.bias() ? nasty(r, c.k()) : null;
            var expected = Conv2dReference.conv2d(x, w, b, c.params());
            var magnitude = Magnitudes.conv2d(x, w, b, c.params(), null);
            for (var path : PINNED.keySet()) {
                if (Conv2dDeviceTest.runs(path, s)) {
                    var tolerance = Conv2dDeviceTest.toleranceOf(path, Tolerance.FLOAT32);
                    var got = PINNED.get(path).conv2d(x, w, b, c.params());
                    assertNull(tolerance.firstMismatch(got, expected, magnitude),
                            () -> c + " forward on " + path + ": " + tolerance.firstMismatch(got, expected, magnitude));
                }
            }
            var dy = nasty(r, s.outputShape());
            var got = device.conv2dBackward(dy, x, w, c.params());
            var ref = Conv2dBackwardReference.backward(dy, x, w, c.params());
            var gradientMagnitude = Magnitudes.conv2dBackward(dy, x, w, c.params());
            assertMatches(got.input(), ref.input(), gradientMagnitude.input(), c + " input gradient");
            assertMatches(got.weight(), ref.weight(), gradientMagnitude.weight(), c + " weight gradient");
            assertMatches(got.bias(), ref.bias(), gradientMagnitude.bias(), c + " bias gradient");
        }
    }

    @Test
    void poolingForwardAndBackward() {
        for (long seed = 0; seed < CASES; seed++) {
            var r = new Random(seed);
            int kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4);
            boolean dilated = r.nextInt(3) == 0;
            var p = Pool2dParams.of(kh, kw).withStride(1 + r.nextInt(3), 1 + r.nextInt(3))
                    .withPadding(r.nextInt(kh / 2 + 1), r.nextInt(kw / 2 + 1))
                    .withDilation(dilated ? 2 : 1, dilated ? 2 : 1)
                    .withCeilMode(r.nextBoolean()).withCountIncludePad(r.nextBoolean());
            var x = nasty(r, 1 + r.nextInt(3), 1 + r.nextInt(3), 2 * kh + r.nextInt(6), 2 * kw + r.nextInt(6));
            var s = p.shapeOf(x);
            var dy = nasty(r, s.outputShape());
            String what = "seed " + seed + ": x" + java.util.Arrays.toString(x.shape()) + " " + p;

            var max = device.maxPool2d(x, p);
            var maxRef = PoolReference.maxPool2d(x, p);
            assertMatches(max.output(), maxRef.output(), what + " max pooling");
            assertArrayEquals(maxRef.indices(), max.indices(), what + " max pooling indices");
            assertMatches(device.maxPool2dBackward(dy, maxRef.indices(), x.shape(), p),
                    PoolReference.maxPool2dBackward(dy, maxRef.indices(), s),
                    Magnitudes.maxPool2dBackward(dy, maxRef.indices(), s), what + " max pooling gradient");
            if (!dilated) {
                assertMatches(device.avgPool2d(x, p), PoolReference.avgPool2d(x, p), Magnitudes.avgPool2d(x, p),
                        what + " average pooling");
                assertMatches(device.avgPool2dBackward(dy, x.shape(), p), PoolReference.avgPool2dBackward(dy, s),
                        Magnitudes.avgPool2dBackward(dy, s), what + " average pooling gradient");
            }
        }
    }
}
