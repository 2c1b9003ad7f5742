package org.convcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
}
