package org.convcl.bench;

import java.util.ArrayList;
import java.util.Collections;

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

    private Timing() {
    }

    /**
     * A measurement: the median milliseconds of the timed runs, and their page faults per run (NaN where the system
     * does not count them).
     */
    record Result(double medianMillis, double faultsPerRun) {
    }

    /** At least five runs and at least a second, after a quarter second of warm-up. */
    static Result measure(Runnable run) {
        return measure(run, MIN_NANOS, WARMUP_NANOS);
    }

    /** Median milliseconds of at least five runs and at least {@code minNanos}, after two warm-up runs. */
    static double medianMillis(Runnable run, long minNanos) {
        return measure(run, minNanos, 0).medianMillis();
    }

    private static Result measure(Runnable run, long minNanos, long warmupNanos) {
        long warmupEnd = System.nanoTime() + warmupNanos;
        for (int i = 0; i < WARMUP || System.nanoTime() < warmupEnd; i++) {
            run.run();
        }
        var samples = new ArrayList<Long>();
        long faults = PageFaults.count();
        long total = 0;
        while (samples.size() < MIN_RUNS || (total < minNanos && samples.size() < MAX_RUNS)) {
            long start = System.nanoTime();
            run.run();
            long t = System.nanoTime() - start;
            samples.add(t);
            total += t;
        }
        long faulted = PageFaults.count() - faults;
        Collections.sort(samples);
        int mid = samples.size() / 2;
        double median = samples.size() % 2 == 1 ? samples.get(mid) : (samples.get(mid - 1) + samples.get(mid)) / 2.0;
        return new Result(median / 1e6, faults < 0 ? Double.NaN : (double) faulted / samples.size());
    }
}
