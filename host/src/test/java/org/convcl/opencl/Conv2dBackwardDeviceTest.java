package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.convcl.Conv2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.reference.Conv2dBackwardReference;
import org.convcl.reference.Magnitudes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** conv2d's input, weight and bias gradients on the default OpenCL device against the plain reference. */
class Conv2dBackwardDeviceTest extends SharedDevice {

    static Stream<DeviceCase> cases() {
        var awkward = Conv2dDeviceTest.awkwardCases().filter(c -> c.n() * c.c() * c.h() * c.w() < 20_000);
        var random = LongStream.range(0, 80).mapToObj(seed -> DeviceCase.random(5000 + seed));
        return Stream.of(awkward, random, Conv2dDeviceTest.hugeWindowCases()).flatMap(cases -> cases);
    }

    static void assertGradientsMatch(OpenClBackend backend, DeviceCase c, Tolerance tolerance, Tensor x, Tensor w) {
        var dy = Tensor.seeded(c.seed() + 3).uniform(c.params().shapeOf(x, w, null).outputShape());
        var got = backend.conv2dBackward(dy, x, w, c.params());
        var expected = Conv2dBackwardReference.backward(dy, x, w, c.params());
        var magnitude = Magnitudes.conv2dBackward(dy, x, w, c.params());
        assertNull(tolerance.firstMismatch(got.input(), expected.input(), magnitude.input()),
                () -> c + " input: " + tolerance.firstMismatch(got.input(), expected.input(), magnitude.input()));
        assertNull(tolerance.firstMismatch(got.weight(), expected.weight(), magnitude.weight()),
                () -> c + " weight: " + tolerance.firstMismatch(got.weight(), expected.weight(), magnitude.weight()));
        assertNull(tolerance.firstMismatch(got.bias(), expected.bias(), magnitude.bias()),
                () -> c + " bias: " + tolerance.firstMismatch(got.bias(), expected.bias(), magnitude.bias()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientsMatchTheReference(DeviceCase c) {
        assertGradientsMatch(device, c, Tolerance.FLOAT32, c.input(), c.weight());
    }

    /** With small integers every product and sum is exact in float32, so the gradients must agree bit for bit. */
    @Test
    void smallIntegerGradientsAreExact() {
        var p = new Conv2dParams(2, 1, 1, 2, 1, 2, 3);
        var c = DeviceCase.named("exact").input(3, 6, 9, 8).filters(9, 3, 2).params(p).seed(91);
        var x = Tensor.seeded(1).integers(3, 3, 6, 9, 8);
        var w = Tensor.seeded(2).integers(2, 9, 2, 3, 2);
        var dy = Tensor.seeded(3).integers(2, p.shapeOf(x, w, null).outputShape());
        var got = device.conv2dBackward(dy, x, w, p);
        var expected = Conv2dBackwardReference.backward(dy, x, w, p);
        assertNull(Tolerance.EXACT.firstMismatch(got.input(), expected.input()), c::toString);
        assertNull(Tolerance.EXACT.firstMismatch(got.weight(), expected.weight()), c::toString);
        assertNull(Tolerance.EXACT.firstMismatch(got.bias(), expected.bias()), c::toString);
    }

    /** A budget of two images' column matrices splits a batch of five into three chunks whose gradients add up. */
    @Test
    void chunkedBatchesSumTheirWeightGradients() {
        var c = DeviceCase.named("chunked").input(5, 4, 7, 6).filters(6, 3, 3)
                .params(Conv2dParams.DEFAULT.withPadding(1, 1).withGroups(2)).seed(92);
        long perImage = 4L * 3 * 3 * 7 * 6 * Float.BYTES;
        var dev = Devices.choose(null);
        try (var backend = OpenClBackend.open(dev, BackendOptions.defaultsFor(dev).withColumnBudget(2 * perImage))) {
            assertGradientsMatch(backend, c, Tolerance.FLOAT32, c.input(), c.weight());
        }
    }

    @Test
    void anEmptyBatchHasZeroWeightAndBiasGradients() {
        var w = Tensor.seeded(1).uniform(4, 3, 3, 3);
        var g = device.conv2dBackward(Tensor.zeros(0, 4, 5, 5), Tensor.zeros(0, 3, 7, 7), w, Conv2dParams.DEFAULT);
        assertArrayEquals(new int[] {0, 3, 7, 7}, g.input().shape());
        assertArrayEquals(new float[w.size()], g.weight().data());
        assertArrayEquals(new float[4], g.bias().data());
    }
}
