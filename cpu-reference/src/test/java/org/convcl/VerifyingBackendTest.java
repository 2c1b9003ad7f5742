package org.convcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import org.convcl.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/** The verifying wrapper reports the checks that passed and throws on the first that does not. */
class VerifyingBackendTest {
    private static final Tensor INPUT = Tensor.seeded(1).uniform(1, 2, 5, 5);
    private static final Tensor WEIGHT = Tensor.seeded(2).uniform(3, 2, 3, 3);

    @Test
    void everyPassedCheckIsReportedWithBothResults() {
        var passed = new ArrayList<VerifyingBackend.Check>();
        try (var verifying = new VerifyingBackend(new ReferenceBackend(), Tolerance.EXACT, passed::add)) {
            var y = verifying.conv2d(INPUT, WEIGHT, null, Conv2dParams.DEFAULT);
            verifying.maxPool2d(y, Pool2dParams.of(2, 2));
            verifying.maxPool2dOutput(y, Pool2dParams.of(2, 2));
        }
        assertEquals(3, passed.size());
        assertEquals("conv2d", passed.get(0).op());
        assertEquals("maxPool2d", passed.get(1).op());
        assertEquals("maxPool2dOutput", passed.get(2).op());
        assertEquals(Tolerance.EXACT, passed.get(0).tolerance());
        try (var reference = new ReferenceBackend()) {
            var expected = reference.conv2d(INPUT, WEIGHT, null, Conv2dParams.DEFAULT);
            assertNull(Tolerance.EXACT.firstMismatch(passed.get(0).expected(), expected));
            assertNull(Tolerance.EXACT.firstMismatch(passed.get(0).got(), expected));
        }
    }

    @Test
    void aMismatchThrowsAndIsNotReported() {
        var passed = new ArrayList<VerifyingBackend.Check>();
        // The reference with every conv2d and indices-free max pooling output one too large; its other calls as they
        // are.
        var reference = new ReferenceBackend();
        var offByOne = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    Object result = method.invoke(reference, args);
                    if (!method.getName().equals("conv2d") && !method.getName().equals("maxPool2dOutput")) {
                        return result;
                    }
                    var y = (Tensor) result;
                    float[] data = y.data().clone();
                    for (int i = 0; i < data.length; i++) {
                        data[i] += 1;
                    }
                    return new Tensor(data, y.shape());
                });
        try (var verifying = new VerifyingBackend(offByOne, Tolerance.FLOAT32, passed::add)) {
            var e = assertThrows(VerifyingBackend.VerificationException.class,
                    () -> verifying.conv2d(INPUT, WEIGHT, null, Conv2dParams.DEFAULT));
            assertTrue(e.getMessage().startsWith("conv2d on reference (plain Java loops) differs from the"
                    + " reference: index [0, 0, 0, 0]"), e.getMessage());
            var pooled = assertThrows(VerifyingBackend.VerificationException.class,
                    () -> verifying.maxPool2dOutput(INPUT, Pool2dParams.of(2, 2)));
            assertTrue(pooled.getMessage().startsWith("maxPool2dOutput on reference"), pooled.getMessage());
        }
        assertEquals(0, passed.size());
    }

    /** A backend whose conv2d answers {@code answer} whatever it is given; its other calls are the reference's. */
    private static Backend answering(Tensor answer) {
        var reference = new ReferenceBackend();
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> method.getName().equals("conv2d") ? answer : method.invoke(reference, args));
    }

    /**
     * Terms 1e30, -1e30 and 1: the double reference sums them to 1, while float32 summing the 1 first, as a blocked
     * GEMM may, gets 0 (1e30 absorbs the 1). An error of 1 on terms of 1e30 is float32 working as it should, and
     * PyTorch's float32 conv2d can give the same 0.
     */
    @Test
    void aCancellationIsNotAFalseAlarm() {
        var x = new Tensor(new float[] {1e15f, -1e15f, 1}, 1, 3, 1, 1);
        var w = new Tensor(new float[] {1e15f, 1e15f, 1}, 1, 3, 1, 1);
        var float32 = new Tensor(new float[] {(1f + 1e15f * 1e15f) + -1e15f * 1e15f}, 1, 1, 1, 1);
        assertEquals(0f, float32.data()[0]);
        assertEquals(1f, new ReferenceBackend().conv2d(x, w, null, Conv2dParams.DEFAULT).data()[0]);
        try (var verifying = new VerifyingBackend(answering(float32), Tolerance.FLOAT32)) {
            assertSame(float32, verifying.conv2d(x, w, null, Conv2dParams.DEFAULT));
        }
    }

    /**
     * A device that returns zeros where the true outputs are small (inputs of 1e-6, outputs of 1e-6 to 1e-5) is
     * wrong in every element, whatever the scale of the data.
     */
    @Test
    void aWrongZeroOfSmallTrueOutputsIsCaught() {
        var x = scaled(Tensor.seeded(3).uniform(1, 64, 6, 6), 1e-6f);
        var w = Tensor.seeded(4).uniform(8, 64, 3, 3);
        var expected = new ReferenceBackend().conv2d(x, w, null, Conv2dParams.DEFAULT);
        float largest = 0;
        for (float v : expected.data()) {
            largest = Math.max(largest, Math.abs(v));
        }
        assertTrue(largest < 1e-4f && largest > 1e-6f, "the true outputs are small: largest " + largest);
        try (var verifying = new VerifyingBackend(answering(Tensor.zeros(expected.shape())), Tolerance.FLOAT32)) {
            var e = assertThrows(VerifyingBackend.VerificationException.class,
                    () -> verifying.conv2d(x, w, null, Conv2dParams.DEFAULT));
            assertTrue(e.getMessage().startsWith("conv2d on reference (plain Java loops) differs from the reference:"
                    + " index [0, 0, 0, 0] (flat 0): got 0.0"), e.getMessage());
        }
    }

    private static Tensor scaled(Tensor t, float factor) {
        float[] data = t.data().clone();
        for (int i = 0; i < data.length; i++) {
            data[i] *= factor;
        }
        return new Tensor(data, t.shape());
    }
}
