package org.convcl.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.convcl.Tensor;
import org.convcl.opencl.BackendOptions;
import org.convcl.opencl.DeviceInfo;
import org.convcl.opencl.tuning.SgemmConfig;
import org.convcl.reference.Conv2dReference;

/**
 * Searches SGEMM configurations on one device: each candidate that fits the device is first checked against the
 * reference on awkward shapes, then timed on the tuning workload (an SGEMM and a 3x3 layer); the fastest verified
 * one wins.
 */
final class SgemmTuner {
    /** Odd sizes that cover partial tiles in M, N and K, grouped and pointwise. */
    static final List<BenchCase> CHECKS = List.of(
            BenchCase.conv("check_3x3_odd", 3, 7, 13, 37, 3, 3, 1, 1, 1, 1),
            BenchCase.conv("check_pointwise_odd", 2, 45, 9, 70, 1, 1, 1, 1, 0, 1),
            BenchCase.conv("check_grouped", 2, 6, 10, 9, 2, 2, 2, 2, 0, 3));
    /** What candidates are timed on. */
    static final List<BenchCase> WORKLOAD = List.of(BenchSuite.byName("sgemm_1024"),
            BenchSuite.byName("resnet_3x3_c128_28"));

    /** One candidate's outcome; ms is NaN when it was not timed. */
    record Trial(SgemmConfig config, boolean verified, double ms, String note) {
    }

    private SgemmTuner() {
    }

    /** The device's default first, then variations around it of the kernel that suits the device type. */
    static List<SgemmConfig> candidates(DeviceInfo device) {
        var all = new LinkedHashSet<SgemmConfig>();
        all.add(SgemmConfig.defaultFor(device));
        if (device.type().equals("cpu")) {
            int[][] blocked = {{8, 16, 3, 1, 8, 128}, {8, 16, 2, 1, 8, 128}, {8, 16, 3, 1, 8, 256}, {8, 16, 3, 1, 8, 64},
                {4, 16, 3, 1, 16, 128}, {8, 16, 3, 1, 4, 128}, {8, 16, 3, 2, 4, 128}, {8, 8, 4, 1, 8, 128},
                {6, 16, 4, 1, 8, 128}, {8, 16, 1, 1, 8, 128}, {4, 16, 4, 1, 8, 128}, {8, 16, 3, 1, 16, 128}};
            for (int[] d : blocked) {
                all.add(new SgemmConfig.Blocked(d[0], d[1], d[2], d[3], d[4], d[5]));
            }
        } else {
            int[][] tiled = {{64, 64, 16, 4, 4}, {32, 32, 16, 4, 4}, {64, 64, 8, 4, 4}, {128, 64, 16, 8, 4},
                {64, 128, 16, 4, 8}, {128, 128, 16, 8, 8}, {32, 64, 16, 2, 4}, {64, 64, 32, 4, 4}, {16, 16, 8, 2, 2},
                {64, 64, 16, 8, 8}};
            for (int[] t : tiled) {
                all.add(new SgemmConfig.Tiled(t[0], t[1], t[2], t[3], t[4]));
            }
        }
        return all.stream().filter(c -> c.fits(device) == null).toList();
    }

    /** Every candidate's trial, in the order tried; the expected answers are computed once. */
    static List<Trial> run(DeviceInfo device, List<SgemmConfig> candidates, List<BenchCase> workload, PrintStream progress) {
        var cases = new ArrayList<BenchCase>(CHECKS);
        cases.addAll(workload);
        var inputs = new ArrayList<Tensor[]>();
        for (var c : cases) {
            Tensor x = c.input(), w = c.weight();
            inputs.add(new Tensor[] {x, w, Conv2dReference.conv2d(x, w, null, c.params())});
        }
        var trials = new ArrayList<Trial>();
        for (var config : candidates) {
            var trial = trial(device, config, cases, inputs, workload.size());
            trials.add(trial);
            progress.println(String.format(Locale.ROOT, "  %-60s %s", config,
                    trial.verified() ? String.format(Locale.ROOT, "%9.2f ms", trial.ms()) : "rejected: " + trial.note()));
        }
        return trials;
    }

    private static Trial trial(DeviceInfo device, SgemmConfig config, List<BenchCase> cases, List<Tensor[]> inputs,
                               int timed) {
        var options = BackendOptions.defaultsFor(device).withSgemm(config);
        try (var contender = new ConvclContender(device, options)) {
            double total = 0;
            for (int i = 0; i < cases.size(); i++) {
                var c = cases.get(i);
                try (var run = contender.prepare(c, inputs.get(i)[0], inputs.get(i)[1])) {
                    var mismatch = BenchRunner.TOLERANCE.firstMismatch(run.result(), inputs.get(i)[2]);
                    if (mismatch != null) {
                        return new Trial(config, false, Double.NaN, c.name() + " differs from the reference: " + mismatch);
                    }
                    if (i >= cases.size() - timed) {
                        total += Timing.medianMillis(run::execute);
                    }
                }
            }
            return new Trial(config, true, total, "");
        } catch (RuntimeException e) {
            return new Trial(config, false, Double.NaN, e.getMessage());
        }
    }

    /** The fastest verified trial, or null when none verified. */
    static Trial best(List<Trial> trials) {
        return trials.stream().filter(Trial::verified).min((a, b) -> Double.compare(a.ms(), b.ms())).orElse(null);
    }
}
