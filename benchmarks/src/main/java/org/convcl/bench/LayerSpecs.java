package org.convcl.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.convcl.Conv2dParams;

/**
 * Convolution layers a user names by their shapes, for {@code convcl bench --layers}: the layers of one's own network,
 * measured against the peers on the same terms as the suite. One layer is written as comma-separated
 * {@code key=value} terms, the shapes as PyTorch prints them, with {@code x} between sizes:
 * {@code input=8x832x7x7,weight=128x832x5x5,padding=2}; layers are separated by {@code ;}, or come one a line from a
 * file.
 */
final class LayerSpecs {
    /**
     * The most elements of each of a layer's input, weight and output: what {@code --batch}'s limit gives the stem
     * (its output at 256 images is 205 million), so a layer's reference and peers stay in memory.
     */
    static final long MAX_ELEMENTS = 1L << 28;
    /** The largest file of layers read: thousands of lines, where a network has at most hundreds of layers. */
    static final int MAX_FILE_BYTES = 1 << 20;

    /** The most times a layer may count: ten times the deepest networks' convolutions. */
    static final int MAX_COUNT = 10_000;

    static final String SYNTAX = "input=NxCxHxW,weight=KxC/GxKHxKW[,stride=S|SHxSW][,padding=P|PHxPW]"
            + "[,dilation=D|DHxDW][,groups=G][,name=NAME][,count=N]";

    private static final Set<String> KEYS = Set.of("input", "weight", "stride", "padding", "dilation", "groups", "name",
            "count");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern SIZE = Pattern.compile("[0-9]{1,9}");

    private LayerSpecs() {
    }

    /**
     * A layer, and how many times its network runs it ({@code count=}, 1 unless given): the run's total time of the
     * layers counts it that many times.
     */
    record Layer(BenchCase benchCase, int count) {
    }

    /**
     * The layers {@code text} names, in its order: layers separated by {@code ;}, or {@code @FILE} for a file of them,
     * one a line, with {@code #} starting a comment. Each error names the layer (or the file's line) and the term that
     * broke a rule.
     *
     * @throws IOException when the file cannot be read
     */
    static List<Layer> parse(String text) throws IOException {
        if (text.startsWith("@")) {
            return parseFile(Path.of(text.substring(1)));
        }
        var layers = new ArrayList<Layer>();
        String[] specs = text.split(";", -1);
        for (int i = 0; i < specs.length; i++) {
            layers.add(layer(specs[i].strip(), "layer " + (i + 1)));
        }
        return layers;
    }

    private static List<Layer> parseFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--layers: " + file + ": " + (Files.exists(file)
                    ? "is not a regular file" : "no such file"));
        }
        byte[] bytes;
        try (var in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("--layers: " + file + ": larger than " + MAX_FILE_BYTES
                    + " bytes, more than any network's layers need");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("--layers: " + file + ": is not UTF-8 text");
        }
        var layers = new ArrayList<Layer>();
        var lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String spec = (hash < 0 ? line : line.substring(0, hash)).strip();
            if (!spec.isEmpty()) {
                layers.add(layer(spec, file + " line " + (i + 1)));
            }
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("--layers: " + file + ": names no layer");
        }
        return layers;
    }

    private static Layer layer(String spec, String where) {
        try {
            return layer(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--layers: " + where + " ('" + spec + "'): " + e.getMessage()
                    + "; a layer is " + SYNTAX);
        }
    }

    private static Layer layer(String spec) {
        var terms = terms(spec);
        int[] input = sizes("input", terms.get("input"), 4, 1);
        int[] weight = sizes("weight", terms.get("weight"), 4, 1);
        int[] stride = pair("stride", terms.getOrDefault("stride", "1"), 1);
        int[] padding = pair("padding", terms.getOrDefault("padding", "0"), 0);
        int[] dilation = pair("dilation", terms.getOrDefault("dilation", "1"), 1);
        int groups = sizes("groups", terms.getOrDefault("groups", "1"), 1, 1)[0];
        var params = Conv2dParams.DEFAULT.withStride(stride[0], stride[1]).withPadding(padding[0], padding[1])
                .withDilation(dilation[0], dilation[1]).withGroups(groups);
        int[] output = params.shapeOf(input, weight, null).outputShape();
        requireAtMost("input", input);
        requireAtMost("weight", weight);
        requireAtMost("output", output);
        String name = terms.containsKey("name") ? terms.get("name") : defaultName(input, weight, stride, padding,
                dilation, groups);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: '" + name + "' must be 1 to 64 letters, digits, '_', '.' or '-'");
        }
        int count = sizes("count", terms.getOrDefault("count", "1"), 1, 1)[0];
        if (count > MAX_COUNT) {
            throw new IllegalArgumentException("count: " + count + ", must be at most " + MAX_COUNT);
        }
        return new Layer(new BenchCase(name, BenchCase.Kind.CONV, input[0], input[1], input[2], input[3], weight[0],
                weight[2], weight[3], params, null), count);
    }

    private static Map<String, String> terms(String spec) {
        var terms = new LinkedHashMap<String, String>();
        for (String term : spec.split(",", -1)) {
            int eq = term.indexOf('=');
            String key = eq < 0 ? term.strip() : term.substring(0, eq).strip();
            if (eq < 0 || !KEYS.contains(key)) {
                throw new IllegalArgumentException("'" + term.strip() + "' is not one of input=, weight=, stride=, "
                        + "padding=, dilation=, groups=, name=, count=");
            }
            if (terms.put(key, term.substring(eq + 1).strip()) != null) {
                throw new IllegalArgumentException(key + ": given twice");
            }
        }
        for (String key : List.of("input", "weight")) {
            if (!terms.containsKey(key)) {
                throw new IllegalArgumentException(key + ": missing");
            }
        }
        return terms;
    }

    /** {@code count} sizes written with {@code x} between them, each at least {@code min}. */
    private static int[] sizes(String key, String value, int count, int min) {
        String[] parts = value.split("x", -1);
        if (parts.length != count) {
            throw new IllegalArgumentException(key + ": '" + value + "' must be " + count + " sizes joined by 'x'");
        }
        int[] sizes = new int[count];
        for (int i = 0; i < count; i++) {
            if (!SIZE.matcher(parts[i]).matches()) {
                throw new IllegalArgumentException(key + ": '" + parts[i] + "' is not a size from " + min
                        + " to 999999999");
            }
            sizes[i] = Integer.parseInt(parts[i]);
            if (sizes[i] < min) {
                throw new IllegalArgumentException(key + ": " + sizes[i] + ", must be >= " + min);
            }
        }
        return sizes;
    }

    /** One size for both axes, or {@code HxW}. */
    private static int[] pair(String key, String value, int min) {
        int[] sizes = sizes(key, value, value.contains("x") ? 2 : 1, min);
        return sizes.length == 2 ? sizes : new int[] {sizes[0], sizes[0]};
    }

    private static void requireAtMost(String what, int[] shape) {
        long elements = 1;
        for (int size : shape) {
            elements *= size;
        }
        if (elements > MAX_ELEMENTS) {
            throw new IllegalArgumentException(what + ": " + elements + " elements, must be at most " + MAX_ELEMENTS);
        }
    }

    /** For example {@code layer_8x832x7x7_w128x5x5_s1_p2}: seeds the data, so equal shapes get equal data. */
    private static String defaultName(int[] input, int[] weight, int[] stride, int[] padding, int[] dilation,
                                      int groups) {
        return "layer_" + input[0] + "x" + input[1] + "x" + input[2] + "x" + input[3] + "_w" + weight[0] + "x"
                + weight[2] + "x" + weight[3] + "_s" + pairName(stride) + "_p" + pairName(padding)
                + (dilation[0] == 1 && dilation[1] == 1 ? "" : "_d" + pairName(dilation))
                + (groups == 1 ? "" : "_g" + groups);
    }

    private static String pairName(int[] pair) {
        return pair[0] == pair[1] ? Integer.toString(pair[0]) : pair[0] + "x" + pair[1];
    }
}
