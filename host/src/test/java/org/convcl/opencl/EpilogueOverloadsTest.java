package org.convcl.opencl;

import org.convcl.Activation;
import org.convcl.Conv2dParams;
import org.convcl.Epilogue;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.VerifyingBackend;
import org.convcl.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/**
 * Issue 24, stumble 5, on the device: the epilogue overloads with their parts left out, host and device tensors,
 * each result checked against the reference by {@link VerifyingBackend}.
 */
class EpilogueOverloadsTest {
    private static final Conv2dParams SAME = Conv2dParams.DEFAULT.withPadding(1, 1);
    private static final DeviceCase LAYER = DeviceCase.named("same padding").input(2, 3, 6, 5).filters(4, 3, 3)
            .params(SAME).withBias().seed(1);

    @Test
    void optionalPartsRunOnTheDevice() {
        Tensor x = LAYER.input(), w = LAYER.weight(), b = LAYER.biasOrNull();
        var r = Tensor.seeded(4).uniform(LAYER.shape().outputShape());
        try (var gpu = OpenClBackend.open(Devices.choose(null)); var verified = new VerifyingBackend(gpu)) {
            verified.conv2d(x, w, null, SAME, null, null);
            verified.conv2d(x, w, b, SAME, (Epilogue) null);
            verified.conv2d(x, w, b, SAME, Epilogue.of(Activation.relu()).withResidual(r));
            verified.conv2d(x, w, b, SAME, Epilogue.NONE.withResidual(r));
            try (var dx = gpu.upload(x); var dw = gpu.upload(w);
                 var dy = gpu.conv2d(dx, dw, null, SAME, null, null);
                 var dz = gpu.conv2d(dx, dw, null, SAME, (Activation) null)) {
                var expected = new ReferenceBackend().conv2d(x, w, null, SAME);
                EpilogueDeviceTest.assertClose("device tensors, null residual and activation", expected,
                        gpu.download(dy), Tolerance.FLOAT32);
                EpilogueDeviceTest.assertClose("device tensors, null activation", expected, gpu.download(dz),
                        Tolerance.FLOAT32);
            }
        }
    }
}
