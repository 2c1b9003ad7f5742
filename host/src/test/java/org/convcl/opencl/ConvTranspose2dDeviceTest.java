package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.convcl.ConvTranspose2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.reference.ConvTranspose2dReference;
import org.convcl.reference.Magnitudes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Transposed convolution and its gradients on the default OpenCL device against the plain reference. */
class ConvTranspose2dDeviceTest extends SharedDevice {
    private static final ConvTranspose2dParams P = ConvTranspose2dParams.DEFAULT;

    static Stream<TransposeCase> awkwardCases() {
        return Stream.of(
                TransposeCase.named("plain 3x3").input(1, 3, 5, 5).outputs(4, 3, 3).withBias().seed(1),
                TransposeCase.named("upsample x2 with output padding").input(2, 5, 7, 6).outputs(3, 3, 3)
                        .params(P.withStride(2, 2).withPadding(1, 1).withOutputPadding(1, 1)).withBias().seed(2),
                TransposeCase.named("stride above the kernel").input(3, 2, 4, 5).outputs(3, 2, 1)
                        .params(P.withStride(3, 4).withOutputPadding(2, 3)).withBias().seed(3),
                TransposeCase.named("output padding below the dilation").input(2, 3, 5, 4).outputs(2, 2, 3)
                        .params(P.withDilation(3, 2).withOutputPadding(2, 1).withPadding(1, 0)).seed(4),
                TransposeCase.named("1x1 dilated with output padding").input(2, 4, 3, 5).outputs(5, 1, 1)
                        .params(P.withDilation(2, 2).withOutputPadding(1, 1)).withBias().seed(5),
                TransposeCase.named("groups, prime sizes").input(2, 6, 7, 11).outputs(9, 3, 2)
                        .params(P.withGroups(3).withStride(2, 1).withPadding(2, 1).withDilation(1, 2)).withBias()
                        .seed(6),
                TransposeCase.named("depthwise").input(1, 8, 6, 5).outputs(8, 4, 4)
                        .params(P.withGroups(8).withStride(2, 2).withPadding(1, 1)).withBias().seed(7),
                TransposeCase.named("padding crops to one pixel").input(2, 2, 1, 1).outputs(3, 3, 3)
                        .params(P.withPadding(1, 1)).withBias().seed(8),
                TransposeCase.named("wide, many channels").input(2, 33, 9, 17).outputs(35, 3, 3)
                        .params(P.withStride(2, 2).withPadding(1, 1).withOutputPadding(0, 1)).withBias().seed(9),
                TransposeCase.named("3x3 stride 1 (Winograd's shape for the input gradient)").input(2, 9, 12, 10)
                        .outputs(7, 3, 3).params(P.withPadding(1, 1)).withBias().seed(10));
    }

    static Stream<TransposeCase> cases() {
        return Stream.concat(awkwardCases(), LongStream.range(0, 60).mapToObj(s -> TransposeCase.random(7000 + s)));
    }

    /** Forward and the three gradients of {@code c} on {@code backend} must match the reference. */
    static void assertMatchesReference(OpenClBackend backend, TransposeCase c, Tolerance tolerance) {
        var x = c.input();
        var w = c.weight();
        var b = c.biasOrNull();
        var dy = c.gradOutput();
        assertClose(tolerance, ConvTranspose2dReference.convTranspose2d(x, w, b, c.params()),
                backend.convTranspose2d(x, w, b, c.params()), Magnitudes.convTranspose2d(x, w, b, c.params()),
                c + " output");
        var expected = ConvTranspose2dReference.backward(dy, x, w, c.params());
        var magnitude = Magnitudes.convTranspose2dBackward(dy, x, w, c.params());
        var got = backend.convTranspose2dBackward(dy, x, w, c.params());
        assertClose(tolerance, expected.input(), got.input(), magnitude.input(), c + " input gradient");
        assertClose(tolerance, expected.weight(), got.weight(), magnitude.weight(), c + " weight gradient");
        assertClose(tolerance, expected.bias(), got.bias(), magnitude.bias(), c + " bias gradient");
    }

    private static void assertClose(Tolerance tolerance, Tensor expected, Tensor got, String what) {
        assertClose(tolerance, expected, got, expected, what);
    }

    private static void assertClose(Tolerance tolerance, Tensor expected, Tensor got, Tensor magnitude, String what) {
        assertNull(tolerance.firstMismatch(got, expected, magnitude),
                () -> what + ": " + tolerance.firstMismatch(got, expected, magnitude));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheReference(TransposeCase c) {
        assertMatchesReference(device, c, Tolerance.FLOAT32);
    }

    /** The input gradient is a conv2d forward: every path the planner can pin must run it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("awkwardCases")
    void everyConv2dPathGivesTheInputGradient(TransposeCase c) {
        var d = Devices.choose(null);
        var defaults = BackendOptions.defaultsFor(d);
        for (var path : Conv2dDeviceTest.pinnablePaths(defaults)) {
            if (Conv2dDeviceTest.runs(path, c.shape().adjoint())) {
                try (var backend = OpenClBackend.open(d, defaults.withPath(path))) {
                    assertMatchesReference(backend, c, Conv2dDeviceTest.toleranceOf(path, Tolerance.FLOAT32));
                }
            }
        }
    }

    /** With small integers every product and sum is exact in float32, so the results must agree bit for bit. */
    @Test
    void smallIntegersAreExact() {
        var p = P.withStride(2, 3).withPadding(1, 2).withOutputPadding(1, 0).withDilation(1, 2).withGroups(2);
        var x = Tensor.seeded(1).integers(3, 2, 4, 5, 6);
        var w = Tensor.seeded(2).integers(2, 4, 3, 3, 2);
        var b = Tensor.seeded(3).integers(3, 6);
        var dy = Tensor.seeded(4).integers(2, p.shapeOf(x, w, b).outputShape());
        assertClose(Tolerance.EXACT, ConvTranspose2dReference.convTranspose2d(x, w, b, p),
                device.convTranspose2d(x, w, b, p), "output");
        var expected = ConvTranspose2dReference.backward(dy, x, w, p);
        var got = device.convTranspose2dBackward(dy, x, w, p);
        assertClose(Tolerance.EXACT, expected.input(), got.input(), "input gradient");
        assertClose(Tolerance.EXACT, expected.weight(), got.weight(), "weight gradient");
        assertClose(Tolerance.EXACT, expected.bias(), got.bias(), "bias gradient");
    }

    /**
     * Column budgets of two images (chunks of images whose weight gradients add up) and of two input rows (row
     * slices that col2im accumulates, the bias coming with the first).
     */
    @Test
    void chunkedColumnMatricesAddUp() {
        var c = TransposeCase.named("chunked").input(5, 4, 7, 6).outputs(6, 3, 3)
                .params(P.withStride(2, 2).withPadding(1, 1).withOutputPadding(1, 0).withGroups(2)).withBias()
                .seed(92);
        long rowBytes = 6L * 3 * 3 * 6 * Float.BYTES;
        var d = Devices.choose(null);
        for (long budget : new long[] {2 * 7 * rowBytes, 2 * rowBytes}) {
            try (var backend = OpenClBackend.open(d, BackendOptions.defaultsFor(d).withColumnBudget(budget))) {
                assertMatchesReference(backend, c, Tolerance.FLOAT32);
            }
        }
    }

    /** Forward and backward on device tensors: uploads first, downloads last, nothing through the host between. */
    @Test
    void deviceTensorsStayOnTheDevice() {
        var c = awkwardCases().skip(1).findFirst().orElseThrow();
        var x = c.input();
        var w = c.weight();
        var b = c.biasOrNull();
        var dy = c.gradOutput();
        try (var backend = OpenClBackend.open(Devices.choose(null));
             var dx = backend.upload(x); var dw = backend.upload(w); var db = backend.upload(b);
             var ddy = backend.upload(dy);
             var y = backend.convTranspose2d(dx, dw, db, c.params());
             var grads = backend.convTranspose2dBackward(ddy, dx, dw, c.params())) {
            assertEquals(4, backend.transferCount(), "an intermediate result went through the host");
            assertClose(Tolerance.FLOAT32, ConvTranspose2dReference.convTranspose2d(x, w, b, c.params()),
                    backend.download(y), Magnitudes.convTranspose2d(x, w, b, c.params()), "output");
            assertClose(Tolerance.FLOAT32, ConvTranspose2dReference.backward(dy, x, w, c.params()).weight(),
                    backend.download(grads.weight()), Magnitudes.convTranspose2dBackward(dy, x, w, c.params()).weight(),
                    "weight gradient");
        }
    }

    @Test
    void anEmptyBatchHasAnEmptyOutputAndZeroWeightAndBiasGradients() {
        var w = Tensor.seeded(1).uniform(3, 4, 3, 3);
        var p = P.withStride(2, 2);
        var y = device.convTranspose2d(Tensor.zeros(0, 3, 5, 5), w, null, p);
        assertArrayEquals(new int[] {0, 4, 11, 11}, y.shape());
        var g = device.convTranspose2dBackward(y, Tensor.zeros(0, 3, 5, 5), w, p);
        assertArrayEquals(new int[] {0, 3, 5, 5}, g.input().shape());
        assertArrayEquals(new float[w.size()], g.weight().data());
        assertArrayEquals(new float[4], g.bias().data());
    }

    @Test
    void badArgumentsAreRefusedBeforeAnyWork() {
        try (var dx = device.upload(Tensor.zeros(1, 3, 4, 4)); var dw = device.upload(Tensor.zeros(2, 3, 3, 3))) {
            var e = assertThrows(IllegalArgumentException.class, () -> device.convTranspose2d(dx, dw, null, P));
            assertTrue(e.getMessage().startsWith("weight: dimension 0 is 2 but the input has 3 channels"),
                    e.getMessage());
            var wrongGradient = Tensor.zeros(1, 2, 4, 4);
            e = assertThrows(IllegalArgumentException.class, () -> device.convTranspose2dBackward(wrongGradient,
                    Tensor.zeros(1, 3, 4, 4), Tensor.zeros(3, 1, 3, 3), P));
            assertTrue(e.getMessage().startsWith("gradOutput: shape [1, 2, 4, 4], must be [1, 1, 6, 6]"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> device.convTranspose2d(dx, dw, null, null));
            assertEquals("params: must not be null", e.getMessage());
        }
    }
}
