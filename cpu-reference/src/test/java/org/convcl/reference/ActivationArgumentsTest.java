package org.convcl.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.convcl.Activation;
import org.convcl.Conv2dParams;
import org.convcl.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Activations and fused epilogues refuse what they cannot compute, naming the argument and the rule. */
class ActivationArgumentsTest {
    private final ReferenceBackend reference = new ReferenceBackend();

    private static void refused(String start, Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    @Test
    void clampNeedsOrderedNumbers() {
        refused("clamp: min 6.0 and max 6.0", () -> Activation.clamp(6, 6));
        refused("clamp: min 1.0 and max 0.0", () -> Activation.clamp(1, 0));
        refused("clamp: min NaN", () -> Activation.clamp(Float.NaN, 1));
        assertEquals(Activation.clamp(0, 6), Activation.relu6());
        assertEquals("clamp(0.0, 6.0)", Activation.relu6().toString());
    }

    @Test
    void leakySlopeMustLetTheOutputTellTheSign() {
        refused("slope: -0.1, must be finite and >= 0", () -> Activation.leakyRelu(-0.1f));
        refused("slope: NaN", () -> Activation.leakyRelu(Float.NaN));
        refused("slope: Infinity", () -> Activation.leakyRelu(Float.POSITIVE_INFINITY));
    }

    @Test
    void fusedConv2dChecksResidualAndActivation() {
        var x = Tensor.zeros(2, 3, 5, 5);
        var w = Tensor.zeros(4, 3, 3, 3);
        refused("residual: shape [2, 4, 5, 3], must be [2, 4, 3, 3]",
                () -> reference.conv2d(x, w, null, Conv2dParams.DEFAULT, Tensor.zeros(2, 4, 5, 3), Activation.relu()));
        refused("output: shape [1], must be [2]",
                () -> reference.activationBackward(Tensor.zeros(2), Tensor.zeros(1), Activation.relu()));
        refused("activation: must not be null", () -> reference.activation(Tensor.zeros(2), null));
    }
}
