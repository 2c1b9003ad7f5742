package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.convcl.Conv2dParams;
import org.convcl.Tensor;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.junit.jupiter.api.Test;

/**
 * Backends dropped without {@code close()} release their OpenCL context, queue, programs and buffers once
 * garbage-collected, and say so once per process, logged to {@code org.convcl.backends} as forgotten device tensors
 * are to theirs. In a JVM of its own, so that the one-time warning is this test's to count.
 */
class ForgottenBackendTest {
    private static final int BACKENDS = 20;
    private static final String WARNING = "WARNING org.convcl.backends: an OpenCL backend was garbage-collected"
            + " without close()";

    /** Opens and drops the backends, collects garbage until their contexts are gone, and prints what is alive. */
    public static void main(String[] args) throws InterruptedException {
        var logger = java.util.logging.Logger.getLogger(org.convcl.Backends.LOGGER_NAME);
        logger.setUseParentHandlers(false);
        logger.addHandler(new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                System.err.println(record.getLevel() + " " + record.getLoggerName() + ": " + record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        var x = Tensor.seeded(1).uniform(1, 2, 6, 6);
        var w = Tensor.seeded(2).uniform(3, 2, 3, 3);
        var device = Devices.choose(null);
        // The im2col path keeps its column workspace alive between calls.
        var options = BackendOptions.defaultsFor(device).withPath(Conv2dPath.IM2COL_GEMM);
        for (int i = 0; i < BACKENDS; i++) {
            OpenClBackend.open(device, options).conv2d(x, w, null, Conv2dParams.DEFAULT);
        }
        for (int i = 0; i < 200 && ClContext.liveCount() > 0; i++) {
            System.gc();
            Thread.sleep(20);
        }
        System.out.println("contexts alive: " + ClContext.liveCount());
        System.out.println("buffers alive: " + DeviceBuffer.liveCount());
    }

    @Test
    void droppedBackendsAreReleasedWithOneWarning() throws Exception {
        var r = ForkedJvm.run(Map.of(), ForgottenBackendTest.class);
        assertEquals(0, r.status(), r.err());
        var lines = r.out().strip().lines().toList();
        assertEquals(List.of("contexts alive: 0", "buffers alive: 0"),
                lines, r.err());
        assertEquals(1, r.err().lines().filter(line -> line.startsWith(WARNING)).count(), r.err());
    }
}
