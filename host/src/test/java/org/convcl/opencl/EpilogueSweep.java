package org.convcl.opencl;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.convcl.Activation;
import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.opencl.tuning.SgemmConfig;
import org.convcl.reference.Magnitudes;
import org.convcl.reference.ReferenceBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * conv2d's fused epilogue (residual and activation) on every path the device can run, and its backward pass, against
 * the reference, with the SGEMM configurations a subclass names. The sweeps build a program per path, configuration
 * and activation define: two classes share them, so the two test JVMs build them side by side.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EpilogueSweep extends SharedDevice {
    /** A backend pinned to each path with each of the class's SGEMM configurations. */
    private final List<Pinned> pinned = new ArrayList<>();
    static final ReferenceBackend REFERENCE = new ReferenceBackend();
    static final Conv2dParams P = Conv2dParams.DEFAULT;

    /**
     * The SGEMM configurations this class sweeps every path with: each builds programs of its own, so the two classes
     * split the builds between the test JVMs.
     */
    abstract List<SgemmConfig> sgemms(BackendOptions defaults);

    record Pinned(Conv2dPath path, String sgemm, OpenClBackend backend) {
        @Override
        public String toString() {
            return path + " with " + sgemm;
        }
    }

    @BeforeAll
    void openPinnedPaths() {
        var d = Devices.choose(null);
        var defaults = BackendOptions.defaultsFor(d);
        for (var sgemm : sgemms(defaults)) {
            for (var path : Conv2dDeviceTest.pinnablePaths(defaults)) {
                // The direct kernels have no SGEMM: they run once, with the device's configuration.
                if ((path != Conv2dPath.DIRECT && path != Conv2dPath.CHANNEL_LANES) || sgemm.equals(defaults.sgemm())) {
                    pinned.add(new Pinned(path, sgemm.toString(),
                            OpenClBackend.open(d, defaults.withSgemm(sgemm).withPath(path))));
                }
            }
        }
    }

    @AfterAll
    void closePinnedPaths() {
        pinned.forEach(p -> p.backend().close());
        pinned.clear();
    }

    /** Every pinned backend that can run {@code s}. */
    Stream<Pinned> running(Conv2dShape s) {
        return pinned.stream().filter(p -> Conv2dDeviceTest.runs(p.path(), s));
    }

    /** A convolution, an activation and whether a residual is added. */
    record EpilogueCase(DeviceCase conv, Activation activation, boolean residual) {
        Tensor residualOrNull() {
            return residual ? Tensor.seeded(conv.seed() + 3).uniform(conv.shape().outputShape()) : null;
        }

        @Override
        public String toString() {
            return conv + " " + activation + (residual ? " +residual" : "");
        }
    }

    /** Shapes that take every path and their edges: partial tiles and vectors, groups, chunks of images. */
    static Stream<DeviceCase> shapes() {
        return Stream.concat(Stream.of(
                DeviceCase.named("odd prime sizes").input(3, 5, 13, 11).filters(7, 3, 3).withBias().seed(1),
                DeviceCase.named("1x1 pointwise").input(2, 17, 9, 7).filters(19, 1, 1).withBias().seed(2),
                DeviceCase.named("asymmetric stride padding dilation").input(2, 4, 15, 12).filters(6, 3, 2)
                        .params(new Conv2dParams(2, 1, 2, 0, 1, 3, 1)).withBias().seed(8),
                DeviceCase.named("groups 3 strided").input(3, 9, 11, 8).filters(6, 2, 3)
                        .params(P.withGroups(3).withStride(2, 2)).seed(11),
                DeviceCase.named("depthwise wide rows").input(2, 6, 5, 37).filters(6, 3, 3)
                        .params(P.withGroups(6).withPadding(1, 1)).withBias().seed(27),
                DeviceCase.named("output channels above one tile").input(1, 3, 10, 10).filters(130, 3, 3).seed(18),
                DeviceCase.named("F2 plane below a tile").input(3, 2, 1, 2).filters(4, 3, 3)
                        .params(P.withPadding(1, 1)).withBias().seed(43),
                DeviceCase.named("F4 odd padded").input(4, 5, 33, 31).filters(7, 3, 3).params(P.withPadding(1, 1))
                        .withBias().seed(45)),
                LongStream.range(0, 8).mapToObj(seed -> DeviceCase.random(3000 + seed)));
    }

    /**
     * Pairs of shape, activation and residual that meet on every path: the first shapes with every activation, the
     * others with none and with one activation in turn, each with and without a residual. The activation's kind and
     * the residual are kernel arguments, not build defines, so one activated program per path serves every kind,
     * with and without a residual.
     */
    Stream<EpilogueCase> cases() {
        var shapes = shapes().toList();
        var activations = EpilogueDeviceTest.ACTIVATIONS;
        return IntStream.range(0, shapes.size()).boxed().flatMap(i -> (i < EVERY_ACTIVATION ? activations
                : List.of(activations.get(0), activations.get(1 + i % (activations.size() - 1)))).stream()
                .flatMap(a -> Stream.of(new EpilogueCase(shapes.get(i), a, false),
                        new EpilogueCase(shapes.get(i), a, true))));
    }

    /** How many of the first shapes meet every activation. */
    private static final int EVERY_ACTIVATION = 2;

    /** Host tensors through every pinned path: residual and activation fused into each path's last kernel. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyPathMatchesTheReference(EpilogueCase c) {
        Tensor x = c.conv().input(), w = c.conv().weight(), b = c.conv().biasOrNull(), r = c.residualOrNull();
        var expected = REFERENCE.conv2d(x, w, b, c.conv().params(), r, c.activation());
        var magnitude = Magnitudes.conv2d(x, w, b, c.conv().params(), r);
        running(c.conv().shape()).forEach(pinned -> {
            var got = pinned.backend().conv2d(x, w, b, c.conv().params(), r, c.activation());
            var tolerance = Conv2dDeviceTest.toleranceOf(pinned.path(), Tolerance.FLOAT32);
            EpilogueDeviceTest.assertClose(c + " on " + pinned, expected, got, magnitude, tolerance);
        });
    }
}
