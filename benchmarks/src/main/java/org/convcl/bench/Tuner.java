package org.convcl.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.convcl.Tensor;
import org.convcl.opencl.BackendOptions;
import org.convcl.opencl.Conv2dPath;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.tuning.SgemmConfig;

/**
 * Searches the SGEMM configuration for one device within a time budget, in stages (see {@link TuningSpace}): every
 * block shape, then variations of the best blocks' work-groups, then the leaders timed again for longer. Each
 * candidate is first checked against the reference on odd shapes on every GEMM path (im2col, pointwise, the
 * implicit GEMM and Winograd's products), then timed on a workload with one layer per path the planner takes for
 * real networks; its score is the sum of its times relative to the device's default, so each path weighs the same.
 */
final class Tuner {
    /**
     * Odd sizes that cover partial tiles in M, N and K, each on the path it is pinned to. The 3x3 checks have 61
     * output channels: the implicit GEMM then fits its work-group height as for the workload's 64, so checking and
     * timing share one kernel build, and builds are most of a trial's time.
     */
    private static final List<Check> CHECKS = List.of(
            new Check(Conv2dPath.IM2COL_GEMM, BenchCase.conv("check_3x3_odd", 3, 7, 13, 61, 3, 3, 1, 1, 1, 1)),
            new Check(Conv2dPath.IM2COL_GEMM, BenchCase.conv("check_grouped", 2, 6, 10, 9, 2, 2, 2, 2, 0, 3)),
            new Check(Conv2dPath.POINTWISE, BenchCase.conv("check_pointwise_odd", 2, 45, 9, 70, 1, 1, 1, 1, 0, 1)),
            new Check(Conv2dPath.IMPLICIT_GEMM, BenchCase.conv("check_3x3_odd", 3, 7, 13, 61, 3, 3, 1, 1, 1, 1)),
            new Check(Conv2dPath.WINOGRAD, BenchCase.conv("check_3x3_odd", 3, 7, 13, 61, 3, 3, 1, 1, 1, 1)));
    /**
     * What candidates are timed on, with the planner choosing the path: a 3x3 stride-1 layer (Winograd on CPUs, the
     * implicit GEMM on GPUs), a 3x3 stride-2 layer (the implicit GEMM), a 1x1 layer and a large SGEMM (one GEMM each),
     * so that a block good for small layers only does not win.
     */
    static final List<BenchCase> WORKLOAD = List.of(
            BenchCase.conv("tune_3x3_c64_28", 4, 64, 28, 64, 3, 3, 1, 1, 1, 1),
            BenchCase.conv("tune_3x3_s2_c64_56", 4, 64, 56, 64, 3, 3, 2, 2, 1, 1),
            BenchCase.conv("tune_1x1_c256_14", 4, 256, 14, 256, 1, 1, 1, 1, 0, 1),
            BenchCase.sgemm(1024));
    /** Stage two varies this many work-groups around each of the best blocks. */
    private static final int VARIANTS = 8;
    private static final int LEADERS = 3;
    /** How much faster than the default, side by side in the final round, a configuration must be to replace it. */
    static final double MARGIN = 0.05;
    /**
     * The final round times every leader and the default this many times in turn, each time against the default's
     * time of the same round: with one long timing per contender, seconds apart, on a shared machine a leader that
     * scored 9% better than the default was slower in the benchmark run after it on most cases.
     */
    static final int FINAL_ROUNDS = 3;
    /** Seconds per workload case and contender in the final round, over all its rounds. */
    private static final double FINAL_SECONDS = 0.4;

    private record Check(Conv2dPath path, BenchCase benchCase) {
    }

    /** A case's data and the reference's answer, computed once for all candidates. */
    private record Prepared(BenchCase benchCase, Tensor input, Tensor weight, ReferenceCheck expected) {
        static Prepared of(BenchCase c) {
            Tensor x = c.input(), w = c.weight();
            return new Prepared(c, x, w, ReferenceCheck.of(c, x, w));
        }
    }

    /** One candidate's outcome: its times per workload case, or why it was rejected. */
    record Trial(SgemmConfig config, double[] ms, String rejection) {
        boolean verified() {
            return rejection == null;
        }
    }

    private final DeviceInfo device;
    private final PrintStream progress;
    private final List<Prepared> checks = new ArrayList<>();
    private final List<Prepared> workload = new ArrayList<>();
    private double[] baseline;

    Tuner(DeviceInfo device, List<BenchCase> workload, PrintStream progress) {
        this.device = device;
        this.progress = progress;
        CHECKS.forEach(c -> checks.add(Prepared.of(c.benchCase())));
        workload.forEach(c -> this.workload.add(Prepared.of(c)));
    }

    /**
     * Runs the stages within about {@code budget} (the last stage may overrun it by a few trials) and returns
     * the fastest verified configuration, the device's default when nothing beat it.
     *
     * @throws IllegalStateException when even the default does not match the reference
     */
    SgemmConfig search(Duration budget) {
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        var blocks = TuningSpace.blocks(device);
        var first = trial(blocks.get(0), 0.15);
        if (!first.verified()) {
            throw new IllegalStateException("the default " + first.config() + " does not match the reference on "
                    + device.name() + ": " + first.rejection());
        }
        baseline = first.ms();
        var trials = new ArrayList<Trial>(List.of(first));
        report("blocks", 1, blocks.size(), first, first);
        // Stage one gets half the budget, stage two a fifth; the last stage times the leaders again in the rest
        // (about 0.4 s per workload case and contender), so the whole search ends near the budget.
        runStage("blocks", blocks.subList(1, blocks.size()), trials, start + budget.toNanos() / 2);
        var around = new ArrayList<SgemmConfig>();
        for (var leader : leaders(trials, 2)) {
            around.addAll(TuningSpace.around(leader.config(), device, VARIANTS, leader.config().hashCode()));
        }
        around.removeIf(c -> trials.stream().anyMatch(t -> t.config().equals(c)));
        runStage("work-groups", around, trials, start + budget.toNanos() * 7 / 10);
        // The leaders and the default again, timed longer and in turn, each against the default of its round, so a
        // load that came and went during the search cannot crown a configuration slower than the default.
        var contenders = new ArrayList<SgemmConfig>(leaders(trials, LEADERS).stream().map(Trial::config).toList());
        if (!contenders.contains(first.config())) {
            contenders.add(first.config());
        }
        var rounds = new ArrayList<List<Trial>>();
        for (int r = 0; r < FINAL_ROUNDS; r++) {
            var round = new ArrayList<Trial>();
            for (var config : contenders) {
                round.add(timed(config, FINAL_SECONDS / FINAL_ROUNDS));
            }
            rounds.add(round);
        }
        var finals = againstDefault(rounds, contenders.indexOf(first.config()), baseline);
        for (int i = 0; i < finals.size(); i++) {
            report("final", i + 1, finals.size(), finals.get(i), null);
        }
        progress.printf(Locale.ROOT, "searched %d configurations in %.1f s%n", trials.size(),
                (System.nanoTime() - start) / 1e9);
        return winner(finals, first.config(), this::score);
    }

    /**
     * Each contender's final trial: per workload case, the median over the rounds of its time over the default's in
     * the same round, scaled to the baseline, so that {@link #score} sums those ratios and the default scores the
     * workload's size. A contender rejected in any round is rejected.
     *
     * @param rounds       each round's trials, the contenders in the same order
     * @param defaultIndex where the default stands among them
     * @throws IllegalStateException when the default itself was rejected
     */
    static List<Trial> againstDefault(List<List<Trial>> rounds, int defaultIndex, double[] baseline) {
        for (var round : rounds) {
            var standard = round.get(defaultIndex);
            if (!standard.verified()) {
                throw new IllegalStateException("the default " + standard.config() + " failed in the final round: "
                        + standard.rejection());
            }
        }
        var finals = new ArrayList<Trial>();
        for (int c = 0; c < rounds.get(0).size(); c++) {
            int contender = c;
            var rejected = rounds.stream().map(round -> round.get(contender)).filter(t -> !t.verified()).findFirst();
            if (rejected.isPresent()) {
                finals.add(rejected.get());
                continue;
            }
            double[] ms = new double[baseline.length];
            for (int i = 0; i < baseline.length; i++) {
                double[] ratios = new double[rounds.size()];
                for (int r = 0; r < rounds.size(); r++) {
                    ratios[r] = rounds.get(r).get(c).ms()[i] / rounds.get(r).get(defaultIndex).ms()[i];
                }
                Arrays.sort(ratios);
                ms[i] = baseline[i] * ratios[ratios.length / 2];
            }
            finals.add(new Trial(rounds.get(0).get(c).config(), ms, null));
        }
        return finals;
    }

    /**
     * The final round's fastest verified configuration where it beats the default's final score by
     * {@link #MARGIN}, else the default: two runs of one configuration differ by as much as 13% on a shared
     * machine, and a default displaced by noise is slower for good.
     */
    static SgemmConfig winner(List<Trial> finals, SgemmConfig defaultConfig, ToDoubleFunction<Trial> score) {
        var verified = finals.stream().filter(Trial::verified).toList();
        var best = verified.stream().min(Comparator.comparingDouble(score));
        var asDefault = verified.stream().filter(t -> t.config().equals(defaultConfig)).findFirst();
        if (best.isEmpty() || asDefault.isEmpty()) {
            return best.map(Trial::config).orElse(defaultConfig);
        }
        return score.applyAsDouble(best.get()) < (1 - MARGIN) * score.applyAsDouble(asDefault.get())
                ? best.get().config() : defaultConfig;
    }

    private void runStage(String stage, List<SgemmConfig> candidates, List<Trial> trials, long until) {
        for (int i = 0; i < candidates.size() && System.nanoTime() < until; i++) {
            var t = trial(candidates.get(i), 0.15);
            trials.add(t);
            report(stage, i + 1, candidates.size(), t, leaders(trials, 1).get(0));
        }
    }

    /** The verified trials with the lowest scores, best first. */
    private List<Trial> leaders(List<Trial> trials, int count) {
        return trials.stream().filter(Trial::verified).sorted(Comparator.comparingDouble(this::score)).limit(count)
                .toList();
    }

    /** The sum over the workload of the time relative to the default's: the default scores the workload's size. */
    double score(Trial t) {
        double s = 0;
        for (int i = 0; i < t.ms().length; i++) {
            s += t.ms()[i] / baseline[i];
        }
        return s;
    }

    /**
     * Checks {@code config} on every GEMM path it can run, then times it on the workload for at least
     * {@code seconds} per case.
     */
    Trial trial(SgemmConfig config, double seconds) {
        var options = BackendOptions.defaultsFor(device).withSgemm(config);
        try {
            for (int i = 0; i < CHECKS.size(); i++) {
                try (var contender = new ConvclContender(device, options.withPath(CHECKS.get(i).path()))) {
                    verifyAndTime(contender, checks.get(i), 0);
                }
            }
        } catch (RuntimeException e) {
            return new Trial(config, null, e.getMessage());
        }
        return timed(config, seconds);
    }

    /** Times {@code config}, checked already, on the workload for at least {@code seconds} per case. */
    private Trial timed(SgemmConfig config, double seconds) {
        var options = BackendOptions.defaultsFor(device).withSgemm(config);
        try {
            double[] ms = new double[workload.size()];
            try (var contender = new ConvclContender(device, options)) {
                for (int i = 0; i < ms.length; i++) {
                    ms[i] = verifyAndTime(contender, workload.get(i), (long) (seconds * 1e9));
                }
            }
            return new Trial(config, ms, null);
        } catch (RuntimeException e) {
            // A configuration the device cannot build or run is rejected like a wrong one.
            return new Trial(config, null, e.getMessage());
        }
    }

    /**
     * Checks the case against the reference, then times it for at least {@code timeNanos}: the median milliseconds,
     * or NaN when not timed.
     *
     * @throws IllegalStateException on a mismatch
     */
    private static double verifyAndTime(ConvclContender contender, Prepared p, long timeNanos) {
        try (var run = contender.prepare(p.benchCase(), p.input(), p.weight())) {
            var mismatch = p.expected().firstMismatch(run.result());
            if (mismatch != null) {
                throw new IllegalStateException(p.benchCase().name() + " differs from the reference: " + mismatch);
            }
            return timeNanos > 0 ? Timing.medianMillis(run::execute, timeNanos) : Double.NaN;
        }
    }

    private void report(String stage, int i, int n, Trial t, Trial best) {
        String outcome = t.verified() ? String.format(Locale.ROOT, "%.3f", score(t)) : "rejected: " + t.rejection();
        progress.printf(Locale.ROOT, "  %-11s %2d/%-2d %-58s %s%s%n", stage, i, n, t.config(), outcome,
                best == null ? "" : String.format(Locale.ROOT, "   (best %.3f)", score(best)));
    }
}
