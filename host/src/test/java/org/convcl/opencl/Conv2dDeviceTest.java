package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.convcl.Conv2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.tuning.SgemmConfig;
import org.convcl.reference.Conv2dReference;
import org.convcl.reference.SourceExample;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** conv2d on the default OpenCL device against the plain reference. */
class Conv2dDeviceTest extends SharedDevice {
    private static OpenClBackend direct;
    private static OpenClBackend gemm;
    /** The implicit GEMM where the device's SGEMM kernel has it (CPU devices), else null. */
    private static OpenClBackend implicit;

    @BeforeAll
    static void openPinnedPaths() {
        var d = Devices.choose(null);
        var defaults = OpenClBackend.Options.defaultsFor(d);
        direct = OpenClBackend.open(d, defaults.withPath(OpenClBackend.Path.DIRECT));
        gemm = OpenClBackend.open(d, defaults.withPath(OpenClBackend.Path.GEMM));
        if (defaults.sgemm() instanceof SgemmConfig.Blocked) {
            implicit = OpenClBackend.open(d, defaults.withPath(OpenClBackend.Path.IMPLICIT));
        }
    }

    @AfterAll
    static void closePinnedPaths() {
        for (var backend : pinnedPaths()) {
            backend.close();
        }
    }

    private static List<OpenClBackend> pinnedPaths() {
        return implicit == null ? List.of(direct, gemm) : List.of(direct, gemm, implicit);
    }

    /**
     * The direct kernel, im2col + SGEMM (or the 1x1 shortcut) and the implicit GEMM must each match the reference
     * on every case.
     */
    private static void assertEveryPathMatches(DeviceCase c, Tolerance tolerance) {
        for (var backend : pinnedPaths()) {
            assertMatchesReference(backend, c, tolerance);
        }
    }
    private static final Conv2dParams P = Conv2dParams.DEFAULT;

    static Stream<DeviceCase> awkwardCases() {
        return Stream.of(
                new DeviceCase("odd prime sizes", 3, 5, 13, 11, 7, 3, 3, P, true, 1),
                new DeviceCase("1x1 pointwise", 2, 17, 9, 7, 19, 1, 1, P, true, 2),
                new DeviceCase("1x1 strided", 2, 6, 9, 7, 5, 1, 1, P.withStride(2, 3), false, 3),
                new DeviceCase("1x1 padded", 1, 3, 4, 5, 2, 1, 1, P.withPadding(1, 2), true, 4),
                new DeviceCase("kernel equals input", 2, 3, 5, 7, 4, 5, 7, P, true, 5),
                new DeviceCase("kernel equals padded input", 1, 2, 3, 4, 3, 5, 8, P.withPadding(1, 2), false, 6),
                new DeviceCase("stride larger than kernel", 2, 3, 17, 19, 4, 2, 3, P.withStride(5, 4), true, 7),
                new DeviceCase("asymmetric stride padding dilation", 2, 4, 15, 12, 6, 3, 2,
                        new Conv2dParams(2, 1, 2, 0, 1, 3, 1), true, 8),
                new DeviceCase("dilation larger than size", 1, 2, 9, 9, 3, 3, 3, P.withDilation(4, 4), false, 9),
                new DeviceCase("groups 2", 2, 6, 10, 9, 8, 3, 3, P.withGroups(2).withPadding(1, 1), true, 10),
                new DeviceCase("groups 3 strided", 3, 9, 11, 8, 6, 2, 3, P.withGroups(3).withStride(2, 2), true, 11),
                new DeviceCase("depthwise", 2, 16, 12, 12, 16, 3, 3, P.withGroups(16).withPadding(1, 1), true, 12),
                new DeviceCase("depthwise multiplier 2", 1, 5, 9, 6, 10, 3, 3, P.withGroups(5), false, 13),
                new DeviceCase("depthwise wide rows", 2, 6, 5, 37, 6, 3, 3, P.withGroups(6).withPadding(1, 1), true, 27),
                new DeviceCase("depthwise strided dilated", 1, 3, 11, 29, 6, 3, 2,
                        new Conv2dParams(2, 3, 1, 2, 2, 2, 3), true, 28),
                new DeviceCase("pointwise grouped", 2, 8, 5, 5, 12, 1, 1, P.withGroups(4), true, 14),
                new DeviceCase("batch 1", 1, 3, 28, 28, 8, 5, 5, P, true, 15),
                new DeviceCase("batch larger than any tile", 67, 2, 6, 5, 3, 3, 3, P.withPadding(1, 1), true, 16),
                new DeviceCase("channels not a tile multiple", 2, 67, 9, 9, 65, 3, 3, P.withPadding(1, 1), true, 17),
                new DeviceCase("output channels above one tile", 1, 3, 10, 10, 130, 3, 3, P, true, 18),
                new DeviceCase("single pixel", 3, 4, 1, 1, 5, 1, 1, P, true, 19),
                new DeviceCase("one row", 2, 3, 1, 37, 4, 1, 3, P, true, 20),
                new DeviceCase("one column", 2, 3, 37, 1, 4, 3, 1, P.withPadding(1, 0), true, 21),
                new DeviceCase("wide output plane", 1, 2, 9, 300, 3, 3, 3, P, true, 22),
                new DeviceCase("strided wide rows", 1, 2, 7, 61, 3, 3, 3, new Conv2dParams(1, 3, 0, 1, 1, 1, 1), true, 29),
                new DeviceCase("seed 117x4x10x3", 117, 4, 10, 3, 5, 2, 3, P, true, 23),
                new DeviceCase("seed k3 p1 s2", 1, 1, 8, 8, 1, 3, 3, P.withPadding(1, 1).withStride(2, 2), false, 24),
                new DeviceCase("seed k3x5 p0x1 s3x4", 1, 1, 8, 8, 1, 3, 5, P.withPadding(0, 1).withStride(3, 4), false, 25),
                new DeviceCase("deep patch", 1, 70, 7, 7, 9, 3, 3, P, true, 26));
    }

    static Stream<DeviceCase> randomCases() {
        return LongStream.range(0, 220).mapToObj(seed -> DeviceCase.random(1000 + seed));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("awkwardCases")
    void awkwardShapesMatchTheReference(DeviceCase c) {
        assertEveryPathMatches(c, Tolerance.FLOAT32);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("randomCases")
    void randomShapesMatchTheReference(DeviceCase c) {
        assertEveryPathMatches(c, Tolerance.FLOAT32);
    }

    static void assertMatchesReference(OpenClBackend backend, DeviceCase c, Tolerance tolerance) {
        Tensor x = c.input(), w = c.weight(), b = c.biasOrNull();
        var got = backend.conv2d(x, w, b, c.params());
        var expected = Conv2dReference.conv2d(x, w, b, c.params());
        assertNull(tolerance.firstMismatch(got, expected), () -> c + " on " + backend.name() + ": "
                + tolerance.firstMismatch(got, expected));
    }

    /** Small integers keep every float32 product and partial sum exact, so any difference at all is a bug. */
    @Test
    void smallIntegerInputsAreExact() {
        var cases = List.of(
                new Conv2dParams(1, 1, 1, 1, 1, 1, 1),
                new Conv2dParams(2, 3, 0, 2, 2, 1, 1),
                new Conv2dParams(1, 1, 1, 1, 1, 1, 3));
        for (var p : cases) {
            var x = Tensor.randomIntegers(7, 3, 2, 9, 13, 11);
            var w = Tensor.randomIntegers(8, 2, 12, 9 / p.groups(), 3, 3);
            var b = Tensor.randomIntegers(9, 5, 12);
            var expected = Conv2dReference.conv2d(x, w, b, p);
            for (var backend : pinnedPaths()) {
                var got = backend.conv2d(x, w, b, p);
                assertNull(Tolerance.EXACT.firstMismatch(got, expected), () -> p + ": " + Tolerance.EXACT.firstMismatch(got, expected));
            }
        }
    }

    @Test
    void sourceMaterialKnownAnswer() {
        var y = device.conv2d(SourceExample.input(), SourceExample.filters(), null, P);
        assertArrayEquals(new float[] {64, 72, 88, 96, 4, 4, 4, 4}, y.data());
    }

    @Test
    void emptyBatchReturnsAnEmptyResult() {
        var y = device.conv2d(Tensor.zeros(0, 3, 8, 8), Tensor.random(1, 4, 3, 3, 3), null, P);
        assertArrayEquals(new int[] {0, 4, 6, 6}, y.shape());
    }

    /** A sentinel region after the output and an untouched copy of the input catch stray writes. */
    @Test
    void nothingIsWrittenOutsideTheOutput() {
        for (var backend : pinnedPaths()) {
            assertNoStrayWrites(backend);
        }
    }

    private static void assertNoStrayWrites(OpenClBackend backend) {
        var cl = backend.context();
        for (var c : List.of(
                new DeviceCase("im2col path", 3, 5, 13, 11, 7, 3, 3, P.withPadding(1, 2), true, 31),
                new DeviceCase("pointwise path", 2, 7, 9, 5, 9, 1, 1, P, true, 32),
                new DeviceCase("grouped", 2, 6, 7, 7, 4, 3, 3, P.withGroups(2), false, 33))) {
            Tensor x = c.input(), w = c.weight(), b = c.biasOrNull();
            var s = c.params().shapeOf(x, w, b);
            int outSize = (int) (s.n() * s.k() * s.outputPlane());
            int canary = 4096;
            float[] before = new float[outSize + canary];
            java.util.Arrays.fill(before, -12345.5f);
            float[] after = new float[before.length];
            float[] inputAfter = new float[x.size()];
            try (var xb = new DeviceBuffer(cl, "input", x.size());
                 var wb = new DeviceBuffer(cl, "weight", w.size());
                 var bb = b == null ? null : new DeviceBuffer(cl, "bias", b.size());
                 var yb = new DeviceBuffer(cl, "output", before.length)) {
                xb.write(x.data());
                wb.write(w.data());
                if (bb != null) {
                    bb.write(b.data());
                }
                yb.write(before);
                backend.conv2d(xb, wb, bb, yb, s);
                yb.read(after);
                xb.read(inputAfter);
            }
            for (int i = outSize; i < after.length; i++) {
                assertEquals(-12345.5f, after[i], c + ": canary overwritten at " + (i - outSize) + " past the output");
            }
            assertArrayEquals(x.data(), inputAfter, c + ": input modified");
            var expected = Conv2dReference.conv2d(x, w, b, c.params());
            var got = new Tensor(java.util.Arrays.copyOf(after, outSize), s.outputShape());
            assertNull(Tolerance.FLOAT32.firstMismatch(got, expected), c.toString());
        }
    }
}
