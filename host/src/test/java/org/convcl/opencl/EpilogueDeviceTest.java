package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.convcl.Activation;
import org.convcl.Conv2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.opencl.tuning.SgemmConfig;
import org.convcl.reference.Magnitudes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The epilogue sweeps of every path with the device's SGEMM family, the backward pass, ties at the activations'
 * boundaries, the standalone activation and bad arguments.
 */
@Tag("slow") // a sweep of every activation on every path: left out of run-tests --quick
class EpilogueDeviceTest extends EpilogueSweep {
    static final List<Activation> ACTIVATIONS = List.of(Activation.identity(), Activation.relu(), Activation.relu6(),
            Activation.clamp(-0.5f, 0.25f), Activation.leakyRelu(0.1f), Activation.leakyRelu(0));

    @Override
    List<SgemmConfig> sgemms(BackendOptions defaults) {
        return List.of(defaults.sgemm());
    }

    /** The backward pass with each activation, from the forward output: all four gradients. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardMatchesTheReference(EpilogueCase c) {
        Tensor x = c.conv().input(), w = c.conv().weight(), b = c.conv().biasOrNull(), r = c.residualOrNull();
        var p = c.conv().params();
        var y = REFERENCE.conv2d(x, w, b, p, r, c.activation());
        var dy = Tensor.seeded(c.conv().seed() + 4).uniform(y.shape());
        var expected = REFERENCE.conv2dBackward(dy, x, w, p, c.activation(), y);
        var got = device.conv2dBackward(dy, x, w, p, c.activation(), y);
        var magnitude = Magnitudes.conv2dBackward(expected.residual(), x, w, p);
        assertClose(c + " residual gradient", expected.residual(), got.residual(), Tolerance.EXACT);
        assertClose(c + " input gradient", expected.input(), got.input(), magnitude.input(), Tolerance.FLOAT32);
        assertClose(c + " weight gradient", expected.weight(), got.weight(), magnitude.weight(), Tolerance.FLOAT32);
        assertClose(c + " bias gradient", expected.bias(), got.bias(), magnitude.bias(), Tolerance.FLOAT32);
    }

    /**
     * Small integers make every sum exact, so sums land exactly on 0, 6 and the clamp's bounds and the device must
     * agree bit for bit, ties included (F(4x4,3x3) Winograd is not exact and is left out by the shapes).
     */
    @Test
    void tiesAtTheBoundariesAreExactOnEveryPath() {
        var integerClamp = Activation.clamp(-2, 3);
        for (var p : List.of(P.withPadding(1, 1), new Conv2dParams(2, 3, 0, 2, 2, 1, 1), P.withGroups(3))) {
            var x = Tensor.seeded(7).integers(2, 2, 9, 13, 11);
            var w = Tensor.seeded(8).integers(1, 12, 9 / p.groups(), 3, 3);
            var b = Tensor.seeded(9).integers(3, 12);
            var s = p.shapeOf(x, w, b);
            var r = Tensor.seeded(10).integers(4, s.outputShape());
            for (var a : List.of(Activation.relu(), Activation.relu6(), integerClamp, Activation.leakyRelu(0.5f))) {
                for (var residual : new Tensor[] {null, r}) {
                    var expected = REFERENCE.conv2d(x, w, b, p, residual, a);
                    running(s).filter(pinned -> Conv2dDeviceTest.exactOnIntegers(pinned.path()))
                            .forEach(pinned -> assertClose(p + " " + a + " on " + pinned, expected,
                                    pinned.backend().conv2d(x, w, b, p, residual, a), Tolerance.EXACT));
                }
            }
        }
    }

    /** Special values, ties and every activation, alone: element-wise, so bit for bit. */
    @Test
    void standaloneActivationMatchesTheReferenceExactly() {
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
        var z = new Tensor(new float[] {nan, -inf, -7, -2, -0.5f, -0f, 0, 1e-30f, 0.25f, 3, 6, 7, inf, -3, 2.5f,
                -1e-30f, 0.1f}, 17);
        var dy = new Tensor(new float[] {1, 2, -1, inf, nan, inf, nan, 3, -2, nan, inf, 1.5f, -1, nan, inf, 4, 5}, 17);
        for (var a : ACTIVATIONS) {
            var y = REFERENCE.activation(z, a);
            assertClose(a + " on host tensors", y, device.activation(z, a), Tolerance.EXACT);
            var dz = REFERENCE.activationBackward(dy, y, a);
            assertClose(a + " gradient on host tensors", dz, device.activationBackward(dy, y, a), Tolerance.EXACT);
            try (var dZ = device.upload(z);
                 var dY = device.activation(dZ, a);
                 var dDy = device.upload(dy);
                 var dDz = device.activationBackward(dDy, dY, a)) {
                assertClose(a + " on device tensors", y, device.download(dY), Tolerance.EXACT);
                assertClose(a + " gradient on device tensors", dz, device.download(dDz), Tolerance.EXACT);
                // In place: the gradient over dy's own memory, the activation over z's.
                device.activationBackward(dDy, dY, a, dDy);
                assertClose(a + " gradient in place", dz, device.download(dDy), Tolerance.EXACT);
                device.activation(dZ, a, dZ);
                assertClose(a + " in place", y, device.download(dZ), Tolerance.EXACT);
            }
        }
    }

    @Test
    void badArgumentsAreRefused() {
        var x = Tensor.seeded(1).uniform(1, 2, 5, 5);
        var w = Tensor.seeded(2).uniform(3, 2, 3, 3);
        try (var dx = device.upload(x); var dw = device.upload(w); var wrong = device.upload(Tensor.zeros(1, 3, 3, 4));
             var indices = device.uploadIndices(new long[] {0}, 1)) {
            refused("residual: shape [1, 3, 3, 4], must be [1, 3, 3, 3]",
                    () -> device.conv2d(dx, dw, null, P, wrong, Activation.relu()));
            refused("residual: shape [1, 3, 3, 4], must be [1, 3, 3, 3]",
                    () -> device.conv2d(x, w, null, P, Tensor.zeros(1, 3, 3, 4), Activation.relu()));
            refused("activation: must not be null", () -> device.activation(dx, null));
            refused("into: shape [1, 3, 3, 4], must be [1, 2, 5, 5]", () -> device.activation(dx, Activation.relu(),
                    wrong));
            refused("output: shape [1, 3, 3, 4], must be [1, 2, 5, 5]",
                    () -> device.activationBackward(dx, wrong, Activation.relu()));
            refused("input: must be a tensor of float32 values", () -> device.activation(indices, Activation.relu()));
            refused("into: shape [1, 3, 3, 4], must be [1, 2, 5, 5]", () -> device.upload(x, wrong));
        }
    }

    private static void refused(String start, Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    /** For results that are their own magnitude: element-wise operations, and exact runs. */
    static void assertClose(String what, Tensor expected, Tensor got, Tolerance tolerance) {
        assertClose(what, expected, got, expected, tolerance);
    }

    static void assertClose(String what, Tensor expected, Tensor got, Tensor magnitude, Tolerance tolerance) {
        assertNull(tolerance.firstMismatch(got, expected, magnitude),
                () -> what + ": " + tolerance.firstMismatch(got, expected, magnitude));
    }
}
