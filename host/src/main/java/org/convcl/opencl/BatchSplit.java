package org.convcl.opencl;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a batch is shared among devices: in proportion to each device's speed on the same problem, measured as images
 * per second on the latest call that gave it images (the first call of a problem shares evenly). Kept per problem, since a CPU and a GPU
 * differ by a factor that depends on the layer; the oldest problems are forgotten past {@link #PROBLEMS}.
 */
final class BatchSplit {
    /** Problems remembered; a network has tens of distinct layers. */
    static final int PROBLEMS = 1024;

    private final int devices;
    private final Map<String, double[]> speeds = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > PROBLEMS;
        }
    };

    BatchSplit(int devices) {
        this.devices = devices;
    }

    /**
     * The images each device takes of a batch of {@code n}: shares of the measured speeds, rounded so that they add
     * up to {@code n}, the remainder going to the fastest. A batch smaller than the device count leaves some with 0.
     */
    synchronized int[] shares(String problem, int n) {
        double[] speed = effective(speeds.getOrDefault(problem, unmeasured()));
        double total = Arrays.stream(speed).sum();
        int[] shares = new int[devices];
        int given = 0;
        int fastest = 0;
        for (int d = 0; d < devices; d++) {
            shares[d] = (int) Math.floor(n * speed[d] / total);
            given += shares[d];
            fastest = speed[d] > speed[fastest] ? d : fastest;
        }
        shares[fastest] += n - given;
        return shares;
    }

    /** Records that device {@code d} ran {@code images} of the problem in {@code nanos}. */
    synchronized void record(String problem, int d, int images, long nanos) {
        if (images == 0 || nanos <= 0) {
            return;
        }
        double[] speed = speeds.computeIfAbsent(problem, p -> unmeasured());
        speed[d] = images / (nanos * 1e-9);
    }

    private double[] unmeasured() {
        double[] speed = new double[devices];
        Arrays.fill(speed, Double.NaN);
        return speed;
    }

    /**
     * The speeds to share by: a device not measured yet on the problem (none are on its first call; one that got no
     * images of a small batch) counts as the mean of those measured, so that it gets images and is measured next.
     */
    private static double[] effective(double[] measured) {
        double mean = Arrays.stream(measured).filter(v -> !Double.isNaN(v)).average().orElse(1);
        return Arrays.stream(measured).map(v -> Double.isNaN(v) ? mean : v).toArray();
    }
}
