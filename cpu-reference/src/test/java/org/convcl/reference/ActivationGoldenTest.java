package org.convcl.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.convcl.Activation;
import org.convcl.Conv2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reference's activations, alone and fused into conv2d with and without a residual, forward and backward,
 * against PyTorch 1.13's answers in {@code activation_golden.txt} (written by
 * {@code cpu-reference/src/test/python/activation_golden.py}): NaN and infinities in the data, the residual and the
 * output gradient, and sums exactly on every boundary (0, 6, clamp bounds).
 */
class ActivationGoldenTest {
    private static final Map<String, Tensor> TENSORS = new HashMap<>();
    private static final Map<String, Activation> ACTIVATIONS = new HashMap<>();
    private static final String[] NAMES = {"identity", "relu", "relu6", "clamp", "leaky", "leaky0"};
    private static final Conv2dParams PAD1 = Conv2dParams.DEFAULT.withPadding(1, 1);
    private static final ReferenceBackend REFERENCE = new ReferenceBackend();

    static {
        try (var in = ActivationGoldenTest.class.getResourceAsStream("activation_golden.txt");
             var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            reader.lines().filter(l -> !l.startsWith("#")).forEach(ActivationGoldenTest::parse);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void parse(String line) {
        String[] f = line.split(" ");
        if (f[1].equals("activation")) {
            ACTIVATIONS.put(f[0], switch (f[2]) {
                case "identity" -> Activation.identity();
                case "relu" -> Activation.relu();
                case "clamp" -> Activation.clamp(Float.parseFloat(f[3]), Float.parseFloat(f[4]));
                case "leaky" -> Activation.leakyRelu(Float.parseFloat(f[3]));
                default -> throw new IllegalStateException("unknown activation in " + line);
            });
            return;
        }
        int[] shape = Arrays.stream(f[1].split(",")).mapToInt(Integer::parseInt).toArray();
        float[] values = new float[f.length - 2];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Double.parseDouble(f[i + 2]);
        }
        TENSORS.put(f[0], new Tensor(values, shape));
    }

    private static Tensor golden(String name) {
        return assertNotNullTensor(TENSORS.get(name), name);
    }

    private static Tensor assertNotNullTensor(Tensor t, String name) {
        assertNotNull(t, name + " is missing from activation_golden.txt");
        return t;
    }

    static Stream<String> activations() {
        return Arrays.stream(NAMES);
    }

    /** The variants of the conv2d cases: no residual, a finite one, one with NaN and infinities. */
    static Stream<String> convCases() {
        return Stream.of("plain", "residual", "nonfinite").flatMap(v -> activations().map(a -> v + "." + a));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void elementwiseMatchesPyTorch(String name) {
        var activation = ACTIVATIONS.get("elementwise." + name);
        var x = golden("elementwise.input");
        var y = REFERENCE.activation(x, activation);
        assertSame("output", golden("elementwise." + name + ".output"), y, Tolerance.EXACT);
        assertSame("input gradient", golden("elementwise." + name + ".gradInput"),
                REFERENCE.activationBackward(golden("elementwise.gradOutput"), y, activation), Tolerance.EXACT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convCases")
    void fusedConv2dMatchesPyTorch(String name) {
        var activation = ACTIVATIONS.get(name);
        boolean nonFinite = name.startsWith("nonfinite");
        var residual = name.startsWith("plain") ? null
                : golden(nonFinite ? "conv.residualNonFinite" : "conv.residual");
        var x = golden("conv.input");
        var w = golden("conv.weight");
        var y = REFERENCE.conv2d(x, w, golden("conv.bias"), PAD1, residual, activation);
        assertSame("output", golden(name + ".output"), y, Tolerance.EXACT);

        var g = REFERENCE.conv2dBackward(golden(nonFinite ? "conv.gradOutputNonFinite" : "conv.gradOutput"), x, w,
                PAD1, activation, y);
        // Leaky ReLU's 0.1 makes sums float32 rounds differently from the double reference; the bound is relative
        // to the magnitudes of the sums through the activation's gradient.
        var magnitude = Magnitudes.conv2dBackward(g.residual(), x, w, PAD1);
        assertClose("input gradient", golden(name + ".gradInput"), g.input(), magnitude.input());
        if (!nonFinite) {
            // A NaN or infinite gradient reaches the weights of padded taps, where PyTorch's own conv2d backward
            // paths disagree (NonFiniteReferenceTest fixes that rule); the activation's part is checked above.
            assertClose("weight gradient", golden(name + ".gradWeight"), g.weight(), magnitude.weight());
        }
        assertClose("bias gradient", golden(name + ".gradBias"), g.bias(), magnitude.bias());
        if (residual != null) {
            assertSame("residual gradient", golden(name + ".gradResidual"), g.residual(), Tolerance.EXACT);
        }
    }

    private static void assertClose(String what, Tensor expected, Tensor got, Tensor magnitude) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(got.shape()), what);
        assertNull(Tolerance.FLOAT32.firstMismatch(got, expected, magnitude),
                () -> what + ": " + Tolerance.FLOAT32.firstMismatch(got, expected, magnitude));
    }

    private static void assertSame(String what, Tensor expected, Tensor got, Tolerance tolerance) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(got.shape()), what);
        assertNull(tolerance.firstMismatch(got, expected), () -> what + ": " + tolerance.firstMismatch(got, expected));
    }
}
