package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.convcl.Conv2dParams;
import org.convcl.Tensor;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.junit.jupiter.api.Test;

/**
 * Ten thousand conv2d calls in one process leave no device buffer or context behind, and the resident memory they
 * cost is measured (Linux: VmRSS) and bounded well below what one leaked buffer per call would add.
 */
class LeakTest {
    private static final int CALLS = 10_000;

    private static long residentKiB() throws IOException {
        var status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    @Test
    void tenThousandCallsLeaveNothingBehind() throws IOException {
        long contexts = ClContext.liveCount();
        long buffers = DeviceBuffer.liveCount();
        var x = Tensor.random(1, 2, 3, 16, 16);
        var w = Tensor.random(2, 8, 3, 3, 3);
        var b = Tensor.random(3, 8);
        var p = Conv2dParams.DEFAULT.withPadding(1, 1);
        long before;
        long after;
        // The im2col + SGEMM path, the one that keeps a workspace between calls.
        var options = BackendOptions.defaultsFor(Devices.choose(null)).withPath(Conv2dPath.IM2COL_GEMM);
        try (var backend = OpenClBackend.open(Devices.choose(null), options)) {
            for (int i = 0; i < 500; i++) {
                backend.conv2d(x, w, b, p);
            }
            System.gc();
            before = residentKiB();
            for (int i = 0; i < CALLS; i++) {
                backend.conv2d(x, w, b, p);
            }
            System.gc();
            after = residentKiB();
            // The reused column workspace is the one buffer a backend keeps between calls.
            assertEquals(buffers + 1, DeviceBuffer.liveCount(), "device buffers alive after " + CALLS + " calls");
        }
        assertEquals(buffers, DeviceBuffer.liveCount(), "device buffers alive after close");
        assertEquals(contexts, ClContext.liveCount(), "contexts alive after close");
        System.out.printf("leak check: %d conv2d calls, resident memory %d KiB before, %d KiB after (%+d KiB)%n",
                CALLS, before, after, after - before);
        if (before > 0) {
            // Each call allocates about 23 KiB of device buffers, which POCL keeps in host memory: leaking them would
            // add about 230 MiB. The JVM's own heap and code cache move by tens of MiB, hence the margin.
            assertTrue(after - before < 64 * 1024, "resident memory grew by " + (after - before) + " KiB");
        }
    }
}
