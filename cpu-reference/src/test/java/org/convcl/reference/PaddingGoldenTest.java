package org.convcl.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reference against PyTorch on padding per side and conv2d's "same" and "valid", forward and backward: cases
 * made by {@code src/test/python/padding_cases.py} (PyTorch 1.13) into {@code padding_cases.txt}.
 */
class PaddingGoldenTest {

    /** One case: op, name, parameters ({@code key=value}), tensors and max-pooling indices by name. */
    record Case(String op, String name, Map<String, String> params, Map<String, Tensor> tensors, long[] indices) {
        @Override
        public String toString() {
            return op + " " + name;
        }

        int[] ints(String key) {
            return Arrays.stream(params.get(key).split(",")).mapToInt(Integer::parseInt).toArray();
        }

        boolean flag(String key) {
            return params.get(key).equals("1");
        }
    }

    /** The cases of the file, whose lines are {@code case OP NAME}, {@code params K=V ...}, {@code NAME DIMS V...}. */
    static List<Case> cases() {
        var stream = PaddingGoldenTest.class.getResourceAsStream("padding_cases.txt");
        try (var in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            var cases = new ArrayList<Case>();
            String[] header = null;
            Map<String, String> params = new HashMap<>();
            Map<String, Tensor> tensors = new HashMap<>();
            long[] indices = null;
            for (String line; (line = in.readLine()) != null; ) {
                String[] words = line.split(" ");
                switch (words[0]) {
                    case "#" -> { }
                    case "case" -> {
                        header = line.split(" ", 3);
                        params = new HashMap<>();
                        tensors = new HashMap<>();
                        indices = null;
                    }
                    case "params" -> {
                        for (int i = 1; i < words.length; i++) {
                            String[] kv = words[i].split("=");
                            params.put(kv[0], kv[1]);
                        }
                    }
                    case "indices" -> indices = Arrays.stream(words).skip(2).mapToLong(Long::parseLong).toArray();
                    case "end" -> cases.add(new Case(header[1], header[2], params, tensors, indices));
                    default -> {
                        int[] shape = Arrays.stream(words[1].split(",")).mapToInt(Integer::parseInt).toArray();
                        float[] v = new float[words.length - 2];
                        for (int i = 0; i < v.length; i++) {
                            v[i] = Float.parseFloat(words[i + 2]);
                        }
                        tensors.put(words[0], new Tensor(v, shape));
                    }
                }
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Case> conv2dCases() {
        return cases().stream().filter(c -> c.op().equals("conv2d")).toList();
    }

    static List<Case> poolCases() {
        return cases().stream().filter(c -> !c.op().equals("conv2d")).toList();
    }

    @Test
    void everyOpHasItsCases() {
        assertEquals(10, conv2dCases().size());
        assertEquals(14, poolCases().size());
    }

    private static Conv2dParams conv2dParams(Case c) {
        int[] stride = c.ints("stride"), dilation = c.ints("dilation");
        var p = Conv2dParams.DEFAULT.withStride(stride[0], stride[1]).withDilation(dilation[0], dilation[1])
                .withGroups(Integer.parseInt(c.params().get("groups")));
        return switch (c.params().get("padding")) {
            case "same" -> p.withSamePadding();
            case "valid" -> p.withValidPadding();
            default -> {
                int[] pads = c.ints("padding");
                yield p.withPadding(pads[0], pads[1], pads[2], pads[3]);
            }
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conv2dCases")
    void conv2dForwardAndBackwardMatchPyTorch(Case c) {
        var p = conv2dParams(c);
        Tensor x = c.tensors().get("input"), w = c.tensors().get("weight"), b = c.tensors().get("bias");
        Tensor dy = c.tensors().get("gradOutput");
        assertClose(c, "output", c.tensors().get("expected"), Conv2dReference.conv2d(x, w, b, p),
                Magnitudes.conv2d(x, w, b, p, null));
        var g = Conv2dBackwardReference.backward(dy, x, w, p);
        var magnitude = Magnitudes.conv2dBackward(dy, x, w, p);
        assertClose(c, "input gradient", c.tensors().get("gradInput"), g.input(), magnitude.input());
        assertClose(c, "weight gradient", c.tensors().get("gradWeight"), g.weight(), magnitude.weight());
        if (b != null) {
            assertClose(c, "bias gradient", c.tensors().get("gradBias"), g.bias(), magnitude.bias());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poolCases")
    void poolingForwardAndBackwardMatchPyTorch(Case c) {
        int[] kernel = c.ints("kernel"), stride = c.ints("stride"), pads = c.ints("padding");
        int[] dilation = c.ints("dilation");
        var p = new Pool2dParams(kernel[0], kernel[1], stride[0], stride[1], pads[0], pads[1], pads[2], pads[3],
                dilation[0], dilation[1], c.flag("ceil"), c.flag("countIncludePad"), 0);
        Tensor x = c.tensors().get("input"), dy = c.tensors().get("gradOutput");
        var s = p.shapeOf(x);
        if (c.op().equals("maxpool2d")) {
            var got = PoolReference.maxPool2d(x, p);
            assertClose(c, "output", c.tensors().get("expected"), got.output(), Magnitudes.none(got.output()));
            assertArrayEquals(c.indices(), got.indices(), c + ": indices");
            assertClose(c, "input gradient", c.tensors().get("gradInput"),
                    PoolReference.maxPool2dBackward(dy, got.indices(), s),
                    Magnitudes.maxPool2dBackward(dy, got.indices(), s));
        } else {
            assertClose(c, "output", c.tensors().get("expected"), PoolReference.avgPool2d(x, p),
                    Magnitudes.avgPool2d(x, p));
            assertClose(c, "input gradient", c.tensors().get("gradInput"), PoolReference.avgPool2dBackward(dy, s),
                    Magnitudes.avgPool2dBackward(dy, s));
        }
    }

    private static void assertClose(Case c, String what, Tensor pytorch, Tensor got, Tensor magnitude) {
        assertArrayEquals(pytorch.shape(), got.shape(), c + ": " + what + " shape");
        assertNull(Tolerance.FLOAT32.firstMismatch(got, pytorch, magnitude),
                () -> c + ": " + what + ": " + Tolerance.FLOAT32.firstMismatch(got, pytorch, magnitude));
    }
}
