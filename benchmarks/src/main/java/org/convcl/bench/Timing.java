package org.convcl.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Wall-clock timing of a run that waits for its own completion (the device queue is finished inside the run).
 * Warm-up runs come first: the first call compiles kernels and allocates workspaces, and the JIT compiles the Java
 * around a native call only after many calls.
 */
final class Timing {
    private static final int WARMUP = 2;
    /**
     * The benchmark warms up for at least this long: with two warm-up runs and at most 50 timed ones, a 14-kFLOP
     * convolution measured 0.67 ms, mostly Java not yet compiled, against 0.12 ms once warm.
     */
    private static final long WARMUP_NANOS = 250_000_000L;
    private static final int MIN_RUNS = 5;
    /** Bounds the runs of a case that takes microseconds; the measurement time bounds all others. */
    private static final int MAX_RUNS = 100_000;
    private static final long MIN_NANOS = 1_000_000_000L;
    /**
     * How long each of several runs is timed before the next takes over, round after round. On the shared two-core
     * machine the bench was written on, spells of a second or two ran everything up to twice as slowly (one
     * layer's calls took 0.53-0.60 ms, then for a spell 1.0 ms at best, its time on one core); timed one after
     * the other, whichever library such a spell fell on looked slow. A tenth of a second leaves each run's blocks
     * warm (the first run of a block reloads its caches; the median leaves it out) and spreads a spell over all.
     */
    static final long BLOCK_NANOS = 100_000_000L;

    private Timing() {
    }

    /**
     * A measurement: the median milliseconds of the timed runs, and their page faults per run (NaN where the system
     * does not count them).
     */
    record Result(double medianMillis, double faultsPerRun) {
    }

    /** One run's measurement, or why it stopped: the exception its run threw, after which it was timed no more. */
    record Outcome(Result result, RuntimeException failure) {
    }

    /** Median milliseconds of at least five runs and at least {@code minNanos}, after two warm-up runs. */
    static double medianMillis(Runnable run, long minNanos) {
        var outcome = interleaved(List.of(run), System::nanoTime, PageFaults::count, minNanos, 0, BLOCK_NANOS).get(0);
        if (outcome.failure() != null) {
            throw outcome.failure();
        }
        return outcome.result().medianMillis();
    }

    /**
     * Each run warmed up for a quarter second, then timed in turns of {@link #BLOCK_NANOS} until each has at least
     * five runs and a second: side by side, so that a slow spell of the machine falls on all of them alike.
     */
    static List<Outcome> interleaved(List<Runnable> runs) {
        return interleaved(runs, System::nanoTime, PageFaults::count, MIN_NANOS, WARMUP_NANOS, BLOCK_NANOS);
    }

    /**
     * {@link #interleaved(List)} on the given clock and page-fault counter (negative where the system does not count
     * them), at least {@code minNanos} each after {@code warmupNanos} of warm-up each, in blocks of
     * {@code blockNanos}.
     */
    static List<Outcome> interleaved(List<Runnable> runs, LongSupplier clock, LongSupplier faultCounter, long minNanos,
                                     long warmupNanos, long blockNanos) {
        var timings = new ArrayList<Timed>();
        for (var run : runs) {
            var timed = new Timed(run);
            timed.warmUp(clock, warmupNanos);
            timings.add(timed);
        }
        boolean more = true;
        while (more) {
            more = false;
            for (var timed : timings) {
                if (timed.wantsMore(minNanos)) {
                    timed.block(clock, faultCounter, blockNanos, minNanos);
                    more |= timed.wantsMore(minNanos);
                }
            }
        }
        return timings.stream().map(Timed::outcome).toList();
    }

    /** One run's samples so far. */
    private static final class Timed {
        private final Runnable run;
        private final List<Long> samples = new ArrayList<>();
        private long total;
        private long faults;
        private boolean countsFaults = true;
        private RuntimeException failure;

        Timed(Runnable run) {
            this.run = run;
        }

        void warmUp(LongSupplier clock, long warmupNanos) {
            try {
                long end = clock.getAsLong() + warmupNanos;
                for (int i = 0; i < WARMUP || clock.getAsLong() < end; i++) {
                    run.run();
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        boolean wantsMore(long minNanos) {
            return failure == null && (samples.size() < MIN_RUNS || total < minNanos && samples.size() < MAX_RUNS);
        }

        /** Runs until this block has taken {@code blockNanos}, or this run has what it needs. */
        void block(LongSupplier clock, LongSupplier faultCounter, long blockNanos, long minNanos) {
            long before = faultCounter.getAsLong();
            long spent = 0;
            try {
                do {
                    long start = clock.getAsLong();
                    run.run();
                    long t = clock.getAsLong() - start;
                    samples.add(t);
                    total += t;
                    spent += t;
                } while (spent < blockNanos && wantsMore(minNanos));
            } catch (RuntimeException e) {
                failure = e;
            }
            long after = faultCounter.getAsLong();
            countsFaults &= before >= 0 && after >= 0;
            faults += after - before;
        }

        Outcome outcome() {
            if (failure != null) {
                return new Outcome(null, failure);
            }
            var sorted = new ArrayList<>(samples);
            Collections.sort(sorted);
            int mid = sorted.size() / 2;
            double median = sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2.0;
            return new Outcome(new Result(median / 1e6, countsFaults ? (double) faults / sorted.size() : Double.NaN),
                    null);
        }
    }
}
