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
import org.convcl.opencl.OpenClBackend;
import org.convcl.VerifyingBackend;
import org.convcl.io.AtomicFile;
import org.convcl.reference.Conv2dReference;
import org.convcl.reference.SourceExample;

/**
 * Shows the backend at work, in words for someone who has not read the code: five classic 3x3 filters on a drawn
 * digit, random filters on a random batch, and a convolution and pooling small enough to check by hand, each result
 * compared with the reference, then a PNG of the digit and its filtered maps.
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
        var verification = new Verification();
        Tensor maps;
        // Closing the verifying wrapper closes the device too; a backend's close() may run twice.
        try (var device = Flags.open(deviceSpec); var verified = verification.wrap(device)) {
            out.println("ConvCL demo: three small jobs on one device, each result compared with the reference");
            out.println("device: " + (device instanceof OpenClBackend cl ? cl.device().describe() : device.name()));
            out.println("reference: the same operations written as plain Java loops that add up in double"
                    + " precision; a device");
            out.println("  result matches when every element is within " + Verification.bound(Verification.TOLERANCE));
            out.println();
            out.println("1. Image filters on a drawn digit: a 28x28 grey picture of a '7' (one image, one channel)");
            out.println("   convolved with 5 classic 3x3 filters (" + String.join(", ", filterNames()) + "),");
            out.println("   with one pixel of zero padding so that each filtered map stays 28x28");
            maps = runChecked(out, device, verified, verification, digit, filterBank(), null);
            out.println("2. A random batch: 4 images of 3 channels, 32x32, values uniform in [-1, 1) (seed " + SEED
                    + "),");
            out.println("   through 8 random 3x3 filters with a bias, padding 1");
            runChecked(out, device, verified, verification, batch, randomFilters, bias);
            handExample(out, verified, verification);
        }
        var panels = new ArrayList<FeatureMapImage.Panel>();
        panels.add(FeatureMapImage.Panel.of("input", digit, 0, 0));
        for (int c = 0; c < FILTERS.size(); c++) {
            panels.add(FeatureMapImage.Panel.of(FILTERS.get(c).name(), maps, 0, c));
        }
        FeatureMapImage.write(png, panels, SCALE);
        out.println("picture: " + png.toAbsolutePath());
        out.println("  the digit of job 1 and its " + FILTERS.size() + " filtered maps side by side, enlarged " + SCALE
                + "x;");
        out.println("  each map is drawn from its own minimum (black) to its own maximum (white)");
    }

    /**
     * A convolution and a max pooling small enough to check by hand: a 2-channel 3x3 input (1..9 and 11..19)
     * through a 2x2 filter of ones and a 2x2 vertical-edge filter ([[-1, 1], [-1, 1]]) on both channels, then 2x2
     * max pooling.
     */
    private static void handExample(PrintStream out, Backend verified, Verification verification) {
        var maps = verified.conv2d(SourceExample.input(), SourceExample.filters(), null, Conv2dParams.DEFAULT);
        double convDiff = verification.lastDifferences().maxAbs();
        var pooled = verified.maxPool2d(maps, Pool2dParams.of(2, 2)).output();
        double poolDiff = verification.lastDifferences().maxAbs();
        out.println("3. A small case to check by hand: a 3x3 input of 2 channels (1..9 and 11..19, row by row)");
        out.println("   convolved with two 2x2 filters that each cover both channels, then 2x2 max pooling:");
        out.println("   filter of ones:                " + plane(maps, 0) + "  top left: 1+2+4+5 + 11+12+14+15");
        out.println("   vertical edge [[-1,1],[-1,1]]: " + plane(maps, 1) + "      every window: (2-1)+(5-4) +"
                + " (12-11)+(15-14)");
        out.println("   max pooling of each map:       " + plane(pooled, 0) + " and " + plane(pooled, 1));
        out.println("   both steps match the reference: largest |difference| " + Verification.number(convDiff)
                + " (convolution), " + Verification.number(poolDiff) + " (pooling)");
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
     * the path, the time and the largest difference from the reference.
     */
    private static Tensor runChecked(PrintStream out, Backend device, Backend verified, Verification verification,
                                     Tensor input, Tensor weight, Tensor bias) {
        // The first call also compiles the kernels, so it is the one verified, and the second the one timed.
        var result = verified.conv2d(input, weight, bias, SAME);
        var differences = verification.lastDifferences();
        long start = System.nanoTime();
        device.conv2d(input, weight, bias, SAME);
        double millis = (System.nanoTime() - start) / 1e6;
        out.println("   conv2d: input " + input.shapeString() + ", weight " + weight.shapeString()
                + (bias == null ? "" : ", bias " + bias.shapeString()) + ", padding 1 -> output "
                + result.shapeString());
        if (device instanceof OpenClBackend cl) {
            out.println("   device path: " + cl.describeConv2d(SAME.shapeOf(input, weight, bias)));
        }
        out.printf(Locale.ROOT, "   time on the device: %.3f ms (a second run: the first also compiled the OpenCL"
                + " kernels)%n", millis);
        out.println("   matches the reference: largest |difference| " + Verification.number(differences.maxAbs())
                + " over " + result.size() + " elements");
        return result;
    }
}
