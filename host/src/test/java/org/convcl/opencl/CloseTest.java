package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.junit.jupiter.api.Test;

/**
 * Closing a backend frees everything it allocated, device tensors included, whatever other threads are doing with
 * it; afterwards every call throws {@link IllegalStateException}. A crash here kills the test JVM, which fails the
 * build.
 */
class CloseTest {
    private static final Conv2dParams SAME = Conv2dParams.DEFAULT.withPadding(1, 1);
    private static final Pool2dParams POOL = Pool2dParams.of(2, 2);

    /** Every public call, on an empty batch where that is legal, so that no work is left to find the backend closed. */
    private static List<Consumer<OpenClBackend>> everyCall(DeviceTensor x, DeviceTensor w, DeviceTensor pooled,
                                                           DeviceTensor indices) {
        var empty = Tensor.zeros(0, 2, 4, 4);
        var weight = Tensor.seeded(1).uniform(3, 2, 3, 3);
        var pooledHost = Tensor.zeros(0, 2, 2, 2);
        return List.of(b -> b.conv2d(empty, weight, null, SAME),
                b -> b.conv2dBackward(Tensor.zeros(0, 3, 4, 4), empty, weight, SAME),
                b -> b.maxPool2d(empty, POOL), b -> b.avgPool2d(empty, POOL),
                b -> b.maxPool2dBackward(pooledHost, new long[0], empty.shape(), POOL),
                b -> b.avgPool2dBackward(pooledHost, empty.shape(), POOL),
                b -> b.conv2d(x, w, null, SAME), b -> b.conv2dBackward(x, x, w, SAME.withPadding(0, 0)),
                b -> b.maxPool2d(x, POOL), b -> b.avgPool2d(x, POOL),
                b -> b.maxPool2dBackward(pooled, indices, x.shape(), POOL),
                b -> b.avgPool2dBackward(x, new int[] {0, 2, 8, 8}, POOL),
                b -> b.upload(empty), b -> b.uploadIndices(new long[0], 0, 2, 2, 2), b -> b.download(x),
                b -> b.downloadIndices(indices), OpenClBackend::finish, OpenClBackend::transferCount);
    }

    @Test
    void closingFreesEveryTensorAndThenEveryCallIsRefused() {
        long contexts = ClContext.liveCount();
        long buffers = DeviceBuffer.liveCount();
        var backend = OpenClBackend.open(Devices.choose(null));
        var x = backend.upload(Tensor.zeros(0, 2, 4, 4));
        var w = backend.upload(Tensor.seeded(2).uniform(2, 2, 1, 1));
        var pooled = backend.upload(Tensor.zeros(0, 2, 2, 2));
        var indices = backend.uploadIndices(new long[0], 0, 2, 2, 2);
        var calls = everyCall(x, w, pooled, indices);
        calls.forEach(call -> call.accept(backend));
        // The results of the device calls above are not closed: the backend owns them too.
        assertTrue(backend.liveBuffers() > 3, "buffers alive: " + backend.liveBuffers());
        backend.close();
        backend.close();
        assertEquals(buffers, DeviceBuffer.liveCount(), "device buffers alive after close");
        assertEquals(contexts, ClContext.liveCount(), "contexts alive after close");
        for (int i = 0; i < calls.size(); i++) {
            var call = calls.get(i);
            assertThrows(IllegalStateException.class, () -> call.accept(backend), "call " + i);
        }
        var e = assertThrows(IllegalStateException.class, () -> backend.download(w));
        assertTrue(e.getMessage().startsWith("tensor: device tensor [2, 2, 1, 1] belongs to the OpenCL backend on "
                + backend.name() + ", which is closed"), e.getMessage());
        x.close();
        x.close();
    }

    @Test
    void aForgottenTensorIsFreedOnceUnreachable() throws InterruptedException {
        try (var backend = OpenClBackend.open(Devices.choose(null))) {
            for (int i = 0; i < 20; i++) {
                backend.upload(Tensor.seeded(i).uniform(1, 1, 64, 64));
            }
            assertEquals(20, backend.liveBuffers());
            for (int i = 0; i < 100 && backend.liveBuffers() > 0; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertEquals(0, backend.liveBuffers(), "device buffers of unreachable tensors");
        }
    }

    /**
     * Threads keep calling finish, conv2d, download and closing tensors while another thread closes the backend; each
     * call completes or throws IllegalStateException, and the process survives. Repeated, as each round races once.
     */
    @Test
    void closingWhileOtherThreadsCallIsSafe() throws Exception {
        long buffers = DeviceBuffer.liveCount();
        var x = Tensor.seeded(7).uniform(1, 4, 12, 12);
        var w = Tensor.seeded(8).uniform(4, 4, 3, 3);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < 20; round++) {
                var backend = OpenClBackend.open(Devices.choose(null));
                var dx = backend.upload(x);
                var dw = backend.upload(w);
                // Builds the kernels before the threads start: POCL's compiler runs in the calling thread, and a
                // build racing the JVM's signals can lose its temporary files (a build failure, not a crash).
                backend.conv2d(x, w, null, SAME);
                var start = new CountDownLatch(1);
                var jobs = new ArrayList<Future<?>>();
                List<Consumer<OpenClBackend>> work = List.of(OpenClBackend::finish, OpenClBackend::transferCount,
                        b -> {
                            try (var y = b.conv2d(dx, dw, null, SAME)) {
                                b.download(y);
                            }
                        }, b -> b.conv2d(x, w, null, SAME),
                        b -> b.upload(x).close(), b -> b.download(dx));
                for (var call : work) {
                    jobs.add(pool.submit(() -> untilClosed(backend, call, start)));
                }
                start.countDown();
                Thread.sleep(round % 5);
                if (round % 2 == 0) {
                    dx.close();
                }
                backend.close();
                dw.close();
                for (var job : jobs) {
                    job.get(1, TimeUnit.MINUTES);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(buffers, DeviceBuffer.liveCount(), "device buffers alive after every backend closed");
    }

    /** Calls {@code call} until it throws IllegalStateException; anything else thrown fails the round. */
    private static Void untilClosed(OpenClBackend backend, Consumer<OpenClBackend> call, CountDownLatch start)
            throws InterruptedException {
        start.await();
        while (true) {
            try {
                call.accept(backend);
            } catch (IllegalStateException e) {
                return null;
            }
        }
    }
}
