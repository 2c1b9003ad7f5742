package org.convcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.Consumer;
import org.convcl.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/**
 * A closed reference backend, alone or inside a {@link VerifyingBackend}, refuses every operation, even one with no
 * images to compute, as a device backend does.
 */
class ClosedBackendTest {
    private static final Pool2dParams POOL = Pool2dParams.of(2, 2);

    /** Every operation, on an empty batch where that is legal, so that no loop runs to find the backend closed. */
    static List<Consumer<Backend>> everyOperation() {
        var x = Tensor.zeros(0, 2, 4, 4);
        var w = Tensor.seeded(1).uniform(3, 2, 3, 3);
        var conv = Conv2dParams.DEFAULT.withPadding(1, 1);
        var pooled = Tensor.zeros(0, 2, 2, 2);
        return List.of(b -> b.conv2d(x, w, null, conv), b -> b.conv2dBackward(Tensor.zeros(0, 3, 4, 4), x, w, conv),
                b -> b.maxPool2d(x, POOL), b -> b.avgPool2d(x, POOL),
                b -> b.maxPool2dBackward(pooled, new long[0], x.shape(), POOL),
                b -> b.avgPool2dBackward(pooled, x.shape(), POOL));
    }

    @Test
    void aClosedReferenceRefusesEveryOperation() {
        var backend = new ReferenceBackend();
        everyOperation().forEach(op -> op.accept(backend));
        backend.close();
        backend.close();
        assertAllRefused(backend);
    }

    @Test
    void closingAVerifyingBackendClosesWhatItWraps() {
        var wrapped = new ReferenceBackend();
        var verifying = new VerifyingBackend(wrapped);
        everyOperation().forEach(op -> op.accept(verifying));
        verifying.close();
        assertAllRefused(wrapped);
        assertAllRefused(verifying);
    }

    static void assertAllRefused(Backend backend) {
        var ops = everyOperation();
        for (int i = 0; i < ops.size(); i++) {
            var op = ops.get(i);
            var e = assertThrows(IllegalStateException.class, () -> op.accept(backend), "operation " + i);
            assertEquals("the reference backend is closed", e.getMessage());
        }
    }
}
