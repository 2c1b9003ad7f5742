package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.convcl.Backend;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.junit.jupiter.api.Test;

/** Eight threads sharing one backend get, bit for bit, what one thread gets running the same work in sequence. */
class ConcurrencyTest {
    private static final int THREADS = 8;
    private static final int ROUNDS = 3;

    /** A job returns its result's floats (and indices, as floats, for max pooling). */
    private static List<Function<Backend, float[]>> jobs() {
        var jobs = new ArrayList<Function<Backend, float[]>>();
        var random = new Random(5);
        for (int i = 0; i < 8; i++) {
            var c = DeviceCase.random(9000 + i);
            jobs.add(b -> b.conv2d(c.input(), c.weight(), c.biasOrNull(), c.params()).data());
        }
        for (int i = 0; i < 4; i++) {
            var x = Tensor.seeded(100 + i).uniform(2, 3, 9 + i, 8);
            var p = Pool2dParams.of(3, 2).withStride(2, 1).withPadding(1, 1).withCeilMode(i % 2 == 0);
            var dy = Tensor.seeded(200 + i).uniform(p.shapeOf(x).outputShape());
            jobs.add(b -> withIndices(b.maxPool2d(x, p)));
            jobs.add(b -> b.avgPool2d(x, p).data());
            jobs.add(b -> b.avgPool2dBackward(dy, x.shape(), p).data());
            jobs.add(b -> b.maxPool2dBackward(dy, b.maxPool2d(x, p).indices(), x.shape(), p).data());
        }
        Collections.shuffle(jobs, random);
        return jobs;
    }

    private static float[] withIndices(org.convcl.MaxPool2dResult r) {
        float[] all = new float[r.output().size() * 2];
        System.arraycopy(r.output().data(), 0, all, 0, r.output().size());
        for (int i = 0; i < r.indices().length; i++) {
            all[r.output().size() + i] = r.indices()[i];
        }
        return all;
    }

    @Test
    void sharedBackendGivesTheSequentialResults() throws Exception {
        var jobs = jobs();
        try (var backend = OpenClBackend.open(Devices.choose(null))) {
            var sequential = new ArrayList<float[]>();
            for (var job : jobs) {
                sequential.add(job.apply(backend));
            }
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                var futures = new ArrayList<Future<Integer>>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    Callable<Integer> work = () -> {
                        // Each thread walks the jobs from its own starting point, so different kernels interleave.
                        int checked = 0;
                        for (int round = 0; round < ROUNDS; round++) {
                            for (int j = 0; j < jobs.size(); j++) {
                                int k = (j + thread * 5 + round) % jobs.size();
                                assertArrayEquals(sequential.get(k), jobs.get(k).apply(backend), "job " + k);
                                checked++;
                            }
                        }
                        return checked;
                    };
                    futures.add(pool.submit(work));
                }
                int total = 0;
                for (var f : futures) {
                    total += f.get(5, TimeUnit.MINUTES);
                }
                assertEquals(THREADS * ROUNDS * jobs.size(), total);
                System.out.println("concurrency: " + THREADS + " threads ran " + total + " calls (" + jobs.size()
                        + " distinct conv2d, pooling and pooling-gradient jobs), all identical to the sequential run");
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
