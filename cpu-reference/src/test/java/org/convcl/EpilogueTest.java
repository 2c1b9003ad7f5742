package org.convcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.convcl.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/**
 * Issue 24, stumble 5: conv2d's epilogue parts are optional in every overload; {@code conv2d(x, w, null, p, null,
 * null)} was refused with "activation: must not be null".
 */
class EpilogueTest {
    private static final Conv2dParams SAME = Conv2dParams.DEFAULT.withPadding(1, 1);
    private final Tensor x = Tensor.seeded(1).uniform(2, 3, 6, 5);
    private final Tensor w = Tensor.seeded(2).uniform(4, 3, 3, 3);
    private final Tensor b = Tensor.seeded(3).uniform(4);
    private final Tensor r = Tensor.seeded(4).uniform(2, 4, 6, 5);

    @Test
    void aNullActivationIsTheIdentity() {
        try (var reference = new ReferenceBackend()) {
            var plain = reference.conv2d(x, w, b, SAME);
            assertExactly(plain, reference.conv2d(x, w, b, SAME, null, null));
            assertExactly(plain, reference.conv2d(x, w, b, SAME, (Activation) null));
            assertExactly(plain, reference.conv2d(x, w, b, SAME, (Epilogue) null));
            assertExactly(plain, reference.conv2d(x, w, b, SAME, Epilogue.NONE));
            assertExactly(plain, reference.conv2d(x, w, b, SAME, new Epilogue(null, null)));
        }
    }

    @Test
    void anEpilogueValueIsTheResidualThenTheActivation() {
        try (var reference = new ReferenceBackend()) {
            var relu = Activation.relu();
            assertExactly(reference.conv2d(x, w, b, SAME, r, relu),
                    reference.conv2d(x, w, b, SAME, Epilogue.of(relu).withResidual(r)));
            assertExactly(reference.conv2d(x, w, b, SAME, r, Activation.identity()),
                    reference.conv2d(x, w, b, SAME, Epilogue.NONE.withResidual(r)));
            // The sum is not the plain output: the residual was added.
            var sum = reference.conv2d(x, w, b, SAME, Epilogue.NONE.withResidual(r));
            var plain = reference.conv2d(x, w, b, SAME);
            for (int i = 0; i < sum.size(); i++) {
                assertEquals(plain.data()[i] + r.data()[i], sum.data()[i], 1e-5f);
            }
        }
        assertSame(Activation.identity(), Epilogue.of(null).activation());
        assertNull(Epilogue.of(Activation.relu()).residual());
    }

    private static void assertExactly(Tensor expected, Tensor got) {
        assertNull(Tolerance.EXACT.firstMismatch(got, expected));
    }
}
