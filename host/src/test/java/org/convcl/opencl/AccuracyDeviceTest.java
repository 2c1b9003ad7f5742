package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.convcl.Conv2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.reference.Conv2dReference;
import org.convcl.reference.Magnitudes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sums over long K (C = 512 to 2048 channels, 3x3 and 1x1) are no less accurate than PyTorch's: on the same float32
 * inputs, every algorithm with every SGEMM family has its largest error against the double-precision reference at
 * most twice PyTorch's float32 error (accuracy_golden.txt, written by host/src/test/python/accuracy_golden.py). The
 * exception is Winograd F(4x4,3x3), which find mode may pick for its speed: its transforms' factors (up to 1/24 and
 * back) scale the rounding up, to about 40 times PyTorch's error on 512 channels, and it is held to
 * {@link Tolerance#WINOGRAD} instead.
 */
class AccuracyDeviceTest {
    private static final int SIZE = 7;
    private static final int FILTERS = 8;
    private static final List<Conv2dDeviceTest.Pinned> PINNED = new ArrayList<>();

    /** One case of the golden file: the conv's geometry, how its inputs were drawn, and PyTorch's output. */
    record GoldenCase(String name, int channels, int kh, int kw, int pad, boolean positive, float[] torch) {
        @Override
        public String toString() {
            return name;
        }

        Tensor input() {
            return new Tensor(values(channels * 10L + kh, channels * SIZE * SIZE, positive), 1, channels, SIZE, SIZE);
        }

        Tensor weight() {
            return new Tensor(values(channels * 10L + kh + 5, FILTERS * channels * kh * kw, positive),
                    FILTERS, channels, kh, kw);
        }

        Conv2dParams params() {
            return Conv2dParams.DEFAULT.withPadding(pad, pad);
        }
    }

    @BeforeAll
    static void openPinnedPaths() {
        var d = Devices.choose(null);
        var defaults = BackendOptions.defaultsFor(d);
        for (var sgemm : Conv2dDeviceTest.sgemmFamilies(defaults)) {
            for (var path : Conv2dDeviceTest.pinnablePaths(defaults)) {
                PINNED.add(new Conv2dDeviceTest.Pinned(path, sgemm,
                        OpenClBackend.open(d, defaults.withSgemm(sgemm).withPath(path))));
            }
        }
    }

    @AfterAll
    static void closePinnedPaths() {
        PINNED.forEach(p -> p.backend().close());
        PINNED.clear();
    }

    static List<GoldenCase> goldenCases() {
        var stream = AccuracyDeviceTest.class.getResourceAsStream("accuracy_golden.txt");
        try (var in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            List<GoldenCase> cases = new ArrayList<>();
            for (String head = in.readLine(); head != null; head = in.readLine()) {
                String[] f = head.split(" ");
                float[] torch = toFloats(in.readLine().split(" "));
                cases.add(new GoldenCase(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                        Integer.parseInt(f[4]), f[5].equals("positive"), torch));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenCases")
    void everyPathIsWithinTwicePyTorchsError(GoldenCase c) {
        Tensor x = c.input(), w = c.weight();
        float[] exact = Conv2dReference.conv2d(x, w, null, c.params()).data();
        double torchError = maxError(c.torch(), exact);
        assertTrue(torchError > 0, c + ": PyTorch's float32 result equals the reference, the case sums nothing long");
        List<String> worse = new ArrayList<>();
        for (var p : PINNED) {
            if (!Conv2dDeviceTest.runs(p.path(), c.params().shapeOf(x.shape(), w.shape(), null))) {
                continue;
            }
            var got = p.backend().conv2d(x, w, null, c.params());
            if (Conv2dDeviceTest.runsF4(p.path())) {
                var magnitude = Magnitudes.conv2d(x, w, null, c.params(), null);
                var mismatch = Tolerance.WINOGRAD.firstMismatch(got, new Tensor(exact, got.shape()), magnitude);
                if (mismatch != null) {
                    worse.add(p + ": " + mismatch);
                }
            } else if (maxError(got.data(), exact) > 2 * torchError) {
                worse.add(p + ": " + maxError(got.data(), exact));
            }
        }
        assertTrue(worse.isEmpty(), () -> c + ": largest error against the double reference over twice PyTorch's "
                + "float32 " + torchError + " (Winograd F(4x4): over its tolerance) on " + String.join("; ", worse));
    }

    private static double maxError(float[] got, float[] exact) {
        if (got.length != exact.length) {
            throw new AssertionError("lengths " + got.length + " and " + exact.length);
        }
        double max = 0;
        for (int i = 0; i < got.length; i++) {
            max = Math.max(max, Math.abs((double) got[i] - exact[i]));
        }
        return max;
    }

    private static float[] toFloats(String[] fields) {
        float[] v = new float[fields.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.parseFloat(fields[i]);
        }
        return v;
    }

    /** {@code count} floats of SplitMix64 seeded by {@code seed}: in [0, 1) when positive, else [-1, 1), exact. */
    static float[] values(long seed, int count, boolean positive) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            long z = (i + 1) * 0x9E3779B97F4A7C15L + seed;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            double top = z >>> 40;
            v[i] = (float) (positive ? top / (1 << 24) : top / (1 << 23) - 1.0);
        }
        return v;
    }
}
