package org.convcl.opencl.conv;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.tuning.FindDatabase;

/**
 * Find mode, as MIOpen's: the first time a conv2d problem runs, every applicable algorithm but those
 * {@link ConvAlgorithms#whyNotTimed} leaves out (while another can run the problem) is timed on the call's own
 * buffers and the fastest is kept, in memory and in the {@link FindDatabase}, so that later calls (and later
 * processes) plan it without timing. Each candidate runs once untimed (its programs build, its workspaces grow) and
 * is timed {@link #FIRST_RUNS} times; those close to the fastest are then timed again in rounds, each round running
 * every one of them once, and each candidate's typical time counts ({@link #typical}): of its runs in rounds where it
 * had them, each of which followed another algorithm's run, as a layer's calls follow other layers' in a network. Every
 * candidate writes the whole output, and the winner runs last, so the call's result is the winner's.
 */
final class AlgorithmFinder {
    /**
     * Where two or more candidates' first {@link #FIRST_RUNS} timed runs took at most {@link #CONTENDER_FACTOR} times
     * the fastest's, those contenders are timed again, in rounds: at least {@link #MIN_ROUNDS}, and more, up to
     * {@link #MAX_ROUNDS}, until the rounds take about {@link #ROUNDS_NANOS}, but fewer (one at the least) where
     * {@link #MIN_ROUNDS} would take over {@link #ROUNDS_CAP_NANOS}. A layer of a tenth of a millisecond is otherwise
     * decided by thread wake-ups and by the host code's warm-up, which favoured whichever candidate ran last: the first
     * candidates ran colder Java. Rounds give every candidate the same warm-up and enough runs for a typical time. The
     * other candidates are timed {@link #FIRST_RUNS} times: a first run often takes up to twice its best (the bench's
     * speech layer, 3.2 ms at best, took 6.6 ms in three rounds next to two candidates slower by 3x and 4x, which made
     * the rounds too long for more than three).
     *
     * <p>On a shared machine whose speed moves by 30% within a second, one timed run let a slow spell drop the
     * fastest candidate from the rounds, and 50 ms of rounds (three rounds of a layer of a few milliseconds) left
     * the pointwise layer on 14x14 images to the channel lanes, which ran it 10-20% slower: hence two first runs and
     * 200 ms of rounds, which cost the bench's suite about 4 s of its find pass. Contenders of 20 ms or more had no
     * rounds until a slow spell during the channel lanes' two runs on the 7x7 stem (31 ms, against 23-25 in 13 other
     * passes on 2 Zen 3 cores) gave it to im2col (30 ms), which the bench then timed at 0.51x DJL-PyTorch's speed
     * where the lanes had run at 0.68-0.75x: three rounds of the two cost 0.2 s. A lone candidate has nothing to be
     * compared with and is not timed again.
     *
     * <p>A contender's typical time is of its runs in rounds alone: run back to back, an algorithm that passes
     * its intermediates through memory finds them in the caches, which other work empties between a network's calls.
     * Held to AVX2 on 3x3 over 64 channels of 56x56 (N=8, 2 Zen 4 cores), the unfused Winograd F(4x4) took 6.9 ms in
     * find mode's first runs against the fused kernel's 7.0, and called in turn with the fused kernel (the Java API,
     * 60 calls each) 8.4 against 6.5 ms, also with a 1x1 layer between calls (8.4 against 6.2); the bench, its
     * contenders taking turns, read it at 10.7 ms. With AVX-512, on 3x3 over 256 channels of 56x56 (N=2), called in
     * turn, the unfused kernel stays the faster: 17.0 against 17.4 ms.
     */
    static final int FIRST_RUNS = 2;
    static final int MIN_ROUNDS = 3;
    static final int MAX_ROUNDS = 50;
    static final long ROUNDS_NANOS = 200_000_000;
    static final long ROUNDS_CAP_NANOS = 1_000_000_000;
    static final int CONTENDER_FACTOR = 2;

    /**
     * A candidate's typical time: the lower median of its timed runs, so the best of two. Not the best of many: the
     * unfused Winograd kernels on 3x3 over 128 channels of 28x28 (three launches through memory) ran 3.7-3.9 ms at
     * best and 4.5 ms at the median, against the fused kernel's 4.0-4.1 and 4.2 (the Java API, alternating, 2 Zen 4
     * cores), so that the best times chose the one that was slower in most calls and the bench, which takes each
     * contender's median, read it at 6.1 ms.
     */
    static long typical(List<Long> nanos) {
        var sorted = nanos.stream().sorted().toList();
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** The typical time of a candidate's runs in rounds, or of its first runs where it had no rounds. */
    static long typical(List<Long> firstRuns, List<Long> roundRuns) {
        return typical(roundRuns.isEmpty() ? firstRuns : roundRuns);
    }

    private static final System.Logger LOG = System.getLogger("org.convcl.find");

    private final ClContext cl;
    private final FindDatabase database;
    private final Map<String, String> found;
    private final boolean timesUnseen;
    private long findNanos;

    /**
     * @param database    where results are read from and stored
     * @param timesUnseen whether problems without a stored result are timed; else the stored ones are only read
     */
    AlgorithmFinder(ClContext cl, FindDatabase database, boolean timesUnseen) {
        this.cl = cl;
        this.database = database;
        this.found = new ConcurrentHashMap<>(database.load(cl.device()));
        this.timesUnseen = timesUnseen;
    }

    /** The problem's key: every size and parameter that can change which algorithm is fastest. */
    static String problem(Conv2dShape s) {
        Conv2dParams p = s.params();
        return "conv2d n" + s.n() + " c" + s.c() + " " + s.h() + "x" + s.w() + " k" + s.k() + " " + s.kh() + "x" + s.kw()
                + " s" + p.strideH() + "x" + p.strideW() + " p" + p.padTop() + "," + p.padBottom() + "," + p.padLeft()
                + "," + p.padRight() + " d" + p.dilationH() + "x" + p.dilationW() + " g" + p.groups();
    }

    /** The stored or found algorithm of a problem, or null. */
    String idOf(Conv2dShape s) {
        return found.get(problem(s));
    }

    /** Whether {@link #find} should run for this problem. */
    boolean wants(Conv2dShape s) {
        return timesUnseen && !found.containsKey(problem(s));
    }

    /** Nanoseconds spent timing candidates since this backend opened. */
    long findNanos() {
        return findNanos;
    }

    /**
     * Times every algorithm that can run the problem on these operands, keeps the fastest, and leaves its output in
     * {@code io.y()}.
     */
    void find(Conv2dShape s, PlanContext context, ConvResources resources, ConvOperands io) {
        long start = System.nanoTime();
        var trial = new Trial(s, context, resources, io);
        List<ConvAlgorithm> leftOut = new ArrayList<>();
        for (var algorithm : ConvAlgorithms.timed()) {
            if (algorithm.whyNot(s, context) != null) {
                continue;
            }
            String why = ConvAlgorithms.whyNotTimed(algorithm, s, context, trial.timed());
            if (why == null) {
                trial.time(algorithm);
            } else {
                leftOut.add(algorithm);
                trial.report.add(ConvAlgorithms.idOf(algorithm) + " left out (" + why + ")");
            }
        }
        if (trial.candidates.isEmpty()) {
            // Every algorithm timed missed its budgets: those left out are all there is.
            leftOut.forEach(trial::time);
        }
        List<String> report = trial.report;
        Conv2dPlan lastRun = timeContendersAgain(trial.candidates, resources, io, trial.lastRun);
        Candidate best = null;
        for (var c : trial.candidates) {
            report.add(ConvAlgorithms.idOf(c.plan.algorithm()) + String.format(" %.3f ms", c.typicalNanos() / 1e6));
            best = best == null || c.typicalNanos() < best.typicalNanos() ? c : best;
        }
        if (best == null) {
            throw new IllegalArgumentException("input: no conv2d algorithm can run " + problem(s) + " here: " + report);
        }
        if (best.plan != lastRun) {
            best.plan.algorithm().forward(best.plan, resources, io);
        }
        String id = ConvAlgorithms.idOf(best.plan.algorithm());
        found.put(problem(s), id);
        database.store(cl.device(), problem(s), id);
        long spent = System.nanoTime() - start;
        findNanos += spent;
        LOG.log(System.Logger.Level.INFO, () -> String.format("find %s on %s: %s; %s in %.1f ms", problem(s),
                cl.device().name(), String.join(", ", report), id, spent / 1e6));
    }

    /** One problem's timing: the candidates timed so far, what the find reports, and the plan that ran last. */
    private final class Trial {
        final Conv2dShape s;
        final PlanContext context;
        final ConvResources resources;
        final ConvOperands io;
        final List<String> report = new ArrayList<>();
        final List<Candidate> candidates = new ArrayList<>();
        Conv2dPlan lastRun;

        Trial(Conv2dShape s, PlanContext context, ConvResources resources, ConvOperands io) {
            this.s = s;
            this.context = context;
            this.resources = resources;
            this.io = io;
        }

        List<ConvAlgorithm> timed() {
            return candidates.stream().map(c -> c.plan.algorithm()).toList();
        }

        /** Runs the algorithm once untimed (its programs build, its workspaces grow), then times it. */
        void time(ConvAlgorithm algorithm) {
            try {
                var plan = algorithm.plan(s, context);
                lastRun = null;
                run(plan, resources, io);
                var candidate = new Candidate(plan);
                for (int i = 0; i < FIRST_RUNS; i++) {
                    candidate.firstRuns.add(run(plan, resources, io));
                }
                candidates.add(candidate);
                lastRun = plan;
            } catch (IllegalArgumentException e) {
                // Its workspace does not fit the budget, or its chunks the column budget: not a candidate here.
                report.add(ConvAlgorithms.idOf(algorithm) + " skipped (" + e.getMessage() + ")");
            }
        }
    }

    /** A plan and the times of its timed runs so far: its first, back to back, then those in rounds. */
    private static final class Candidate {
        final Conv2dPlan plan;
        final List<Long> firstRuns = new ArrayList<>();
        final List<Long> roundRuns = new ArrayList<>();

        Candidate(Conv2dPlan plan) {
            this.plan = plan;
        }

        long typicalNanos() {
            return typical(firstRuns, roundRuns);
        }
    }

    /** Times the contenders again in rounds (see {@link #MIN_ROUNDS}); returns the plan that ran last. */
    private Conv2dPlan timeContendersAgain(List<Candidate> candidates, ConvResources resources, ConvOperands io,
                                           Conv2dPlan lastRun) {
        long fastest = candidates.stream().mapToLong(Candidate::typicalNanos).min().orElse(0);
        List<Candidate> contenders = candidates.stream()
                .filter(c -> c.typicalNanos() <= CONTENDER_FACTOR * fastest).toList();
        long rounds = contenders.size() < 2 ? 0 : rounds(contenders.stream().mapToLong(Candidate::typicalNanos).sum());
        for (long round = 0; round < rounds; round++) {
            for (var c : contenders) {
                c.roundRuns.add(run(c.plan, resources, io));
                lastRun = c.plan;
            }
        }
        return lastRun;
    }

    /** How many rounds contenders whose typical times add up to {@code perRound} get (see {@link #MIN_ROUNDS}). */
    static long rounds(long perRound) {
        long rounds = Math.min(MAX_ROUNDS, Math.max(MIN_ROUNDS, ROUNDS_NANOS / Math.max(1, perRound)));
        return Math.max(1, Math.min(rounds, ROUNDS_CAP_NANOS / Math.max(1, perRound)));
    }

    private long run(Conv2dPlan plan, ConvResources resources, ConvOperands io) {
        long start = System.nanoTime();
        plan.algorithm().forward(plan, resources, io);
        cl.finish();
        return System.nanoTime() - start;
    }
}
