package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.stream.Stream;
import org.convcl.Conv2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.VerifyingBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inputs and weights in [-100, 100) on long sums (C = 64, 256, 512; 3x3 and 1x1): the device's float32 result passes
 * {@link VerifyingBackend} with {@link Tolerance#FLOAT32}, as PyTorch's float32 would. A bound relative to the result
 * called this a mismatch wherever the sum of terms of thousands cancelled to a result below about 100.
 */
class WideRangeVerifyTest extends SharedDevice {
    static Stream<Arguments> layers() {
        return Stream.of(64, 256, 512).flatMap(c -> Stream.of(Arguments.of(c, 3), Arguments.of(c, 1)));
    }

    @ParameterizedTest(name = "C {0}, {1}x{1}")
    @MethodSource("layers")
    void wideRangeInputsAreNotAFalseAlarm(int channels, int kernel) {
        var x = scaled(Tensor.seeded(channels + kernel).uniform(2, channels, 14, 14), 100);
        var w = scaled(Tensor.seeded(channels + kernel + 1).uniform(32, channels, kernel, kernel), 100);
        var p = Conv2dParams.DEFAULT.withPadding(kernel / 2, kernel / 2);
        var checks = new ArrayList<VerifyingBackend.Check>();
        // Not closed: closing it would close the shared device.
        var verifying = new VerifyingBackend(device, Tolerance.FLOAT32, checks::add);
        verifying.conv2d(x, w, null, p);
        assertEquals(1, checks.size());
    }

    private static Tensor scaled(Tensor t, float factor) {
        float[] data = t.data().clone();
        for (int i = 0; i < data.length; i++) {
            data[i] *= factor;
        }
        return new Tensor(data, t.shape());
    }
}
