package org.convcl.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.convcl.ConvTranspose2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The transposed convolution reference against PyTorch's {@code conv_transpose2d} and its autograd gradients, on the
 * cases {@code src/test/python/conv_transpose2d_cases.py} wrote (computed in float64 from float32 inputs), then
 * known answers and the argument checks.
 */
class ConvTranspose2dReferenceTest {
    /** float32 rounding of double sums of a few dozen products of values below 1. */
    private static final Tolerance GOLDEN = new Tolerance(1e-6, 1e-6);

    /** One case of the generated file: its name, parameters and named tensors. */
    record Golden(String name, ConvTranspose2dParams params, Map<String, Tensor> tensors) {
        Tensor get(String key) {
            return tensors.get(key);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Golden> golden() {
        var stream = ConvTranspose2dReferenceTest.class.getResourceAsStream("conv_transpose2d_cases.txt");
        try (var in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            List<Golden> cases = new ArrayList<>();
            String name = null;
            ConvTranspose2dParams params = null;
            Map<String, Tensor> tensors = new HashMap<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] words = line.split(" ");
                switch (words[0]) {
                    case "case" -> name = line.substring(5);
                    case "params" -> {
                        int[] v = Arrays.stream(words).skip(1).mapToInt(Integer::parseInt).toArray();
                        params = new ConvTranspose2dParams(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
                    }
                    case "tensor" -> {
                        int[] shape = Arrays.stream(words).skip(2).mapToInt(Integer::parseInt).toArray();
                        String[] text = in.readLine().split(" ");
                        float[] data = new float[text.length];
                        for (int i = 0; i < data.length; i++) {
                            data[i] = Float.parseFloat(text[i]);
                        }
                        tensors.put(words[1], new Tensor(data, shape));
                    }
                    case "end" -> {
                        cases.add(new Golden(name, params, tensors));
                        tensors = new HashMap<>();
                    }
                    default -> throw new IllegalStateException("unexpected line: " + line);
                }
            }
            return cases.stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertClose(Tensor expected, Tensor got, String what) {
        assertNull(GOLDEN.firstMismatch(got, expected), () -> what + ": " + GOLDEN.firstMismatch(got, expected));
    }

    @Test
    void everyGeneratedCaseIsRead() {
        assertEquals(8, golden().count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void forwardMatchesPyTorch(Golden c) {
        var y = ConvTranspose2dReference.convTranspose2d(c.get("input"), c.get("weight"), c.get("bias"), c.params());
        assertClose(c.get("output"), y, c + " output");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void gradientsMatchPyTorch(Golden c) {
        var g = ConvTranspose2dReference.backward(c.get("grad_output"), c.get("input"), c.get("weight"), c.params());
        assertClose(c.get("grad_input"), g.input(), c + " input gradient");
        assertClose(c.get("grad_weight"), g.weight(), c + " weight gradient");
        assertClose(c.get("grad_bias"), g.bias(), c + " bias gradient");
    }

    /** One input pixel, stride 2: the kernel is stamped at (ih*2, iw*2) and overlapping stamps add. */
    @Test
    void stridedStampsAdd() {
        var x = new Tensor(new float[] {1, 10}, 1, 1, 1, 2);
        var w = new Tensor(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        var y = ConvTranspose2dReference.convTranspose2d(x, w, null, ConvTranspose2dParams.DEFAULT.withStride(2, 2));
        assertArrayEquals(new int[] {1, 1, 3, 5}, y.shape());
        assertArrayEquals(new float[] {1, 2, 13, 20, 30, 4, 5, 46, 50, 60, 7, 8, 79, 80, 90}, y.data());
    }

    @Test
    void outputPaddingMustBeSmallerThanStrideOrDilation() {
        var x = Tensor.zeros(1, 2, 3, 3);
        var w = Tensor.zeros(2, 1, 3, 3);
        var p = ConvTranspose2dParams.DEFAULT.withStride(2, 2).withOutputPadding(2, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> p.shapeOf(x, w, null));
        assertTrue(e.getMessage().startsWith("outputPadding: height 2 must be smaller than the stride (2) or the"
                + " dilation (1)"), e.getMessage());
        // Below the dilation is enough, in any order of the calls.
        var dilated = ConvTranspose2dParams.DEFAULT.withOutputPadding(1, 0).withDilation(2, 1);
        assertArrayEquals(new int[] {1, 1, 8, 5}, dilated.shapeOf(x, w, null).outputShape());
    }

    @Test
    void badShapesNameTheArgument() {
        var x = Tensor.zeros(1, 4, 3, 3);
        var p = ConvTranspose2dParams.DEFAULT;
        assertMessage("weight: dimension 0 is 3 but the input has 4 channels", () -> p.shapeOf(x,
                Tensor.zeros(3, 2, 3, 3), null));
        assertMessage("groups: 3 does not divide the input channels 4", () -> p.withGroups(3).shapeOf(x,
                Tensor.zeros(4, 2, 3, 3), null));
        assertMessage("bias: shape [2], must be [4]", () -> p.withGroups(2).shapeOf(x, Tensor.zeros(4, 2, 3, 3),
                Tensor.zeros(2)));
        assertMessage("padding: output height would be -1", () -> p.withPadding(3, 0).shapeOf(x,
                Tensor.zeros(4, 1, 3, 3), null));
        assertMessage("input: output width 4294967296 (input width 3) is more than 2^31 - 1", () ->
                p.withStride(1, Integer.MAX_VALUE).withOutputPadding(0, 1).withDilation(1, 2).shapeOf(x,
                        Tensor.zeros(4, 1, 3, 1), null));
        assertMessage("outputPadH: -1, must be >= 0", () -> p.withOutputPadding(-1, 0));
    }

    private static void assertMessage(String start, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
