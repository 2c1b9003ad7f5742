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
 * Find mode, as MIOpen's: the first time a conv2d problem runs, every applicable algorithm is timed on the call's own
 * buffers and the fastest is kept, in memory and in the {@link FindDatabase}, so that later calls (and later
 * processes) plan it without timing. Each candidate runs once untimed (its programs build, its workspaces grow),
 * then once timed and, where that run was quick, up to {@link #TIMED_RUNS} times in all, and its best time counts. Every candidate writes the whole output, and
 * the winner runs last, so the call's result is the winner's.
 */
final class AlgorithmFinder {
    /**
     * Timed runs of a candidate whose first timed run took under {@link #QUICK_NANOS}; slower ones are timed once.
     * Judged by a timed run, not the untimed one, whose program builds would make every candidate slow.
     */
    static final int TIMED_RUNS = 3;
    static final long QUICK_NANOS = 20_000_000;
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
        List<String> report = new ArrayList<>();
        Conv2dPlan best = null;
        Conv2dPlan lastRun = null;
        long bestNanos = Long.MAX_VALUE;
        for (var algorithm : ConvAlgorithms.all()) {
            if (algorithm.whyNot(s, context) != null) {
                continue;
            }
            Conv2dPlan plan;
            long nanos;
            try {
                plan = algorithm.plan(s, context);
                lastRun = null;
                nanos = time(plan, resources, io);
                lastRun = plan;
            } catch (IllegalArgumentException e) {
                // Its workspace does not fit the budget, or its chunks the column budget: not a candidate here.
                report.add(ConvAlgorithms.idOf(algorithm) + " skipped (" + e.getMessage() + ")");
                continue;
            }
            report.add(ConvAlgorithms.idOf(algorithm) + String.format(" %.3f ms", nanos / 1e6));
            if (nanos < bestNanos) {
                bestNanos = nanos;
                best = plan;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("input: no conv2d algorithm can run " + problem(s) + " here: " + report);
        }
        if (best != lastRun) {
            best.algorithm().forward(best, resources, io);
        }
        String id = ConvAlgorithms.idOf(best.algorithm());
        found.put(problem(s), id);
        database.store(cl.device(), problem(s), id);
        long spent = System.nanoTime() - start;
        findNanos += spent;
        LOG.log(System.Logger.Level.INFO, () -> String.format("find %s on %s: %s; %s in %.1f ms", problem(s),
                cl.device().name(), String.join(", ", report), id, spent / 1e6));
    }

    /** The best of the timed runs, after one untimed run. */
    private long time(Conv2dPlan plan, ConvResources resources, ConvOperands io) {
        run(plan, resources, io);
        long first = run(plan, resources, io);
        long best = first;
        for (int i = 1; i < (first < QUICK_NANOS ? TIMED_RUNS : 1); i++) {
            best = Math.min(best, run(plan, resources, io));
        }
        return best;
    }

    private long run(Conv2dPlan plan, ConvResources resources, ConvOperands io) {
        long start = System.nanoTime();
        plan.algorithm().forward(plan, resources, io);
        cl.finish();
        return System.nanoTime() - start;
    }
}
