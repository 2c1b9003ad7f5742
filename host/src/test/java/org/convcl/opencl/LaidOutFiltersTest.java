package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.stream.Stream;
import org.convcl.Activation;
import org.convcl.Conv2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.reference.Conv2dReference;
import org.convcl.reference.Magnitudes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The algorithms that lay out a weight tensor's filters keep the layout between calls: every call must still see
 * the weights as they are then, after an upload into the weight tensor, an activation written into it, or with
 * another weight tensor of the same shape in between, on every path the planner can choose.
 */
class LaidOutFiltersTest {
    private static final Conv2dParams SAME = Conv2dParams.DEFAULT.withPadding(1, 1);

    static Stream<Conv2dPath> pathsOfTheShape() {
        var s = SAME.shapeOf(new int[] {2, 8, 9, 10}, new int[] {6, 8, 3, 3}, null);
        return Conv2dDeviceTest.pinnablePaths(BackendOptions.defaultsFor(Devices.choose(null))).stream()
                .filter(path -> Conv2dDeviceTest.runs(path, s));
    }

    @ParameterizedTest
    @MethodSource("pathsOfTheShape")
    void everyCallSeesTheWeightsAsTheyAreThen(Conv2dPath path) {
        var device = Devices.choose(null);
        var options = BackendOptions.defaultsFor(device).withPath(path);
        Tensor x = Tensor.seeded(11).uniform(2, 8, 9, 10);
        Tensor first = Tensor.seeded(12).uniform(6, 8, 3, 3);
        Tensor second = Tensor.seeded(13).uniform(6, 8, 3, 3);
        Tensor other = Tensor.seeded(14).uniform(6, 8, 3, 3);
        var tolerance = Conv2dDeviceTest.toleranceOf(path, Tolerance.FLOAT32);
        try (var backend = OpenClBackend.open(device, options);
             var dx = backend.upload(x);
             var dw = backend.upload(first);
             var dOther = backend.upload(other)) {
            assertConv(backend, dx, dw, x, first, tolerance, path + ", first weights");
            assertConv(backend, dx, dOther, x, other, tolerance, path + ", another weight tensor");
            assertConv(backend, dx, dw, x, first, tolerance, path + ", the first again");
            backend.upload(second, dw);
            assertConv(backend, dx, dw, x, second, tolerance, path + ", after an upload into the weights");
            backend.activation(dw, Activation.relu(), dw);
            assertConv(backend, dx, dw, x, relu(second), tolerance, path + ", after an activation written into them");
            assertConv(backend, dx, dOther, x, other, tolerance, path + ", the other tensor, unchanged");
        }
    }

    private static void assertConv(OpenClBackend backend, DeviceTensor dx, DeviceTensor dw, Tensor x, Tensor w,
                                   Tolerance tolerance, String what) {
        try (var y = backend.conv2d(dx, dw, null, SAME)) {
            var got = backend.download(y);
            var expected = Conv2dReference.conv2d(x, w, null, SAME);
            assertNull(tolerance.firstMismatch(got, expected, Magnitudes.conv2d(x, w, null, SAME, null)), what);
        }
    }

    private static Tensor relu(Tensor t) {
        float[] v = t.data().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(0f, v[i]);
        }
        return new Tensor(v, t.shape());
    }
}
