package org.convcl.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.convcl.Backend;
import org.convcl.Backends;
import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.VerifyingBackend;
import org.convcl.io.AtomicFile;
import org.convcl.reference.Conv2dReference;
import org.convcl.reference.SourceExample;

/**
 * Shows the backend at work: five classic 3x3 filters on a drawn digit and random filters on a random batch, each
 * result checked against the reference, then a PNG of the digit and its feature maps.
 */
final class Demo {
    private static final int DIGIT_SIZE = 28;
    private static final int SCALE = 4;
    private static final long SEED = 42;
    /** Padding 1 keeps a 3x3 convolution's output the size of its input. */
    private static final Conv2dParams SAME = Conv2dParams.DEFAULT.withPadding(1, 1);

    private record Filter(String name, float... taps) {
    }

    private static final List<Filter> FILTERS = List.of(
            new Filter("identity", 0, 0, 0, 0, 1, 0, 0, 0, 0),
            new Filter("box blur", 1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f, 1 / 9f),
            new Filter("vertical edge", -1, 0, 1, -1, 0, 1, -1, 0, 1),
            new Filter("horizontal edge", -1, -1, -1, 0, 0, 0, 1, 1, 1),
            new Filter("Laplacian", 0, 1, 0, 1, -4, 1, 0, 1, 0));

    private final String deviceSpec;
    private final Path png;

    /**
     * @param deviceSpec as {@link Backends#open}; null for the default device
     * @param png        where the picture goes
     */
    Demo(String deviceSpec, Path png) {
        this.deviceSpec = deviceSpec;
        this.png = png;
    }

    /** The filter names in the order of the feature maps, for captions. */
    static List<String> filterNames() {
        return FILTERS.stream().map(Filter::name).toList();
    }

    void run(PrintStream out) throws IOException {
        AtomicFile.checkTargets(png);
        var digit = Digit.seven(DIGIT_SIZE);
        var batch = Tensor.seeded(SEED).uniform(4, 3, 32, 32);
        var randomFilters = Tensor.seeded(SEED + 1).uniform(8, 3, 3, 3);
        var bias = Tensor.seeded(SEED + 2).uniform(8);
        Tensor maps;
        // Closing the verifying wrapper closes the device too; a backend's close() may run twice.
        try (var device = Backends.open(deviceSpec); var verified = new VerifyingBackend(device)) {
            out.println("device: " + device.name());
            maps = runChecked(out, "digit '7' through 5 classic 3x3 filters", device, verified, digit, filterBank(),
                    null);
            runChecked(out, "random batch through 8 random 3x3 filters, seed " + SEED, device, verified, batch,
                    randomFilters, bias);
            sourcePipeline(out, verified);
        }
        var panels = new ArrayList<FeatureMapImage.Panel>();
        panels.add(FeatureMapImage.Panel.of("input", digit, 0, 0));
        for (int c = 0; c < FILTERS.size(); c++) {
            panels.add(FeatureMapImage.Panel.of(FILTERS.get(c).name(), maps, 0, c));
        }
        FeatureMapImage.write(png, panels, SCALE);
        out.println("wrote " + png.toAbsolutePath() + ": the digit and its feature maps ("
                + String.join(", ", filterNames()) + "), " + SCALE + "x, each map stretched to its own range");
    }

    /**
     * The source material's pipeline: a 2-channel 3x3 input (1..9 and 11..19) through a 2x2 blur (all ones) and a
     * 2x2 vertical-edge filter ([[-1, 1], [-1, 1]]) on both channels, then 2x2 max pooling, each step verified.
     */
    private static void sourcePipeline(PrintStream out, Backend verified) {
        var maps = verified.conv2d(SourceExample.input(), SourceExample.filters(), null, Conv2dParams.DEFAULT);
        var pooled = verified.maxPool2d(maps, Pool2dParams.of(2, 2)).output();
        out.println("source pipeline: 2-channel 3x3 input -> conv2d (2x2 blur, 2x2 vertical edge) -> 2x2 max pooling");
        out.println("  conv2d blur:          " + plane(maps, 0));
        out.println("  conv2d vertical edge: " + plane(maps, 1));
        out.println("  max pooled:           " + plane(pooled, 0) + ", " + plane(pooled, 1));
        out.println("  each step verified against the reference");
    }

    /** Channel {@code c} of image 0 as nested lists, a single value for a 1x1 plane: [[64,72],[88,96]]. */
    static String plane(Tensor t, int c) {
        var rows = new ArrayList<String>();
        for (int h = 0; h < t.dim(2); h++) {
            var row = new ArrayList<String>();
            for (int w = 0; w < t.dim(3); w++) {
                float v = t.get(0, c, h, w);
                row.add(v == Math.rint(v) ? Long.toString((long) v) : Float.toString(v));
            }
            rows.add(row.size() == 1 ? row.get(0) : "[" + String.join(",", row) + "]");
        }
        return rows.size() == 1 ? rows.get(0) : "[" + String.join(",", rows) + "]";
    }

    /** The classic filters as a (5, 1, 3, 3) weight. */
    private static Tensor filterBank() {
        float[] taps = new float[FILTERS.size() * 9];
        for (int k = 0; k < FILTERS.size(); k++) {
            System.arraycopy(FILTERS.get(k).taps(), 0, taps, k * 9, 9);
        }
        return new Tensor(taps, FILTERS.size(), 1, 3, 3);
    }

    /**
     * Runs one convolution through the verifying wrapper, then times it on the bare device, and prints the shapes,
     * the time and the largest difference from the reference.
     */
    private static Tensor runChecked(PrintStream out, String title, Backend device, Backend verified, Tensor input,
                                     Tensor weight, Tensor bias) {
        // The first call also compiles the kernels, so it is the one verified, and the second the one timed.
        var result = verified.conv2d(input, weight, bias, SAME);
        long start = System.nanoTime();
        device.conv2d(input, weight, bias, SAME);
        double millis = (System.nanoTime() - start) / 1e6;
        double maxDiff = maxAbsDiff(result, Conv2dReference.conv2d(input, weight, bias, SAME));
        out.println(title);
        out.println("  input " + input.shapeString() + ", weight " + weight.shapeString()
                + (bias == null ? "" : ", bias " + bias.shapeString()) + ", padding 1 -> output "
                + result.shapeString());
        out.printf(Locale.ROOT, "  device time %.3f ms (second call: the first includes kernel compilation)%n", millis);
        out.printf(Locale.ROOT, "  verified against the reference: max |diff| = %.3g%n", maxDiff);
        return result;
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        double max = 0;
        for (int i = 0; i < a.size(); i++) {
            max = Math.max(max, Math.abs((double) a.data()[i] - b.data()[i]));
        }
        return max;
    }
}
