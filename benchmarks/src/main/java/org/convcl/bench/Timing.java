package org.convcl.bench;

import java.util.ArrayList;
import java.util.Collections;

/**
 * Wall-clock timing of a run that waits for its own completion (the device queue is finished inside the run).
 * Warm-up runs come first: the first call compiles kernels and allocates workspaces.
 */
final class Timing {
    private static final int WARMUP = 2;
    private static final int MIN_RUNS = 5;
    private static final int MAX_RUNS = 50;
    private static final long MIN_NANOS = 1_000_000_000L;

    private Timing() {
    }

    /** Median milliseconds of at least five runs and at least a second of measurement, after warm-up. */
    static double medianMillis(Runnable run) {
        return medianMillis(run, MIN_NANOS);
    }

    /** Median milliseconds of at least five runs and at least {@code minNanos} of measurement, after warm-up. */
    static double medianMillis(Runnable run, long minNanos) {
        for (int i = 0; i < WARMUP; i++) {
            run.run();
        }
        var samples = new ArrayList<Long>();
        long total = 0;
        while (samples.size() < MIN_RUNS || (total < minNanos && samples.size() < MAX_RUNS)) {
            long start = System.nanoTime();
            run.run();
            long t = System.nanoTime() - start;
            samples.add(t);
            total += t;
        }
        Collections.sort(samples);
        int mid = samples.size() / 2;
        double median = samples.size() % 2 == 1 ? samples.get(mid) : (samples.get(mid - 1) + samples.get(mid)) / 2.0;
        return median / 1e6;
    }
}
