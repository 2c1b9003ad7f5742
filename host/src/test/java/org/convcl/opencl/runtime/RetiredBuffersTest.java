package org.convcl.opencl.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.convcl.opencl.Devices;
import org.junit.jupiter.api.Test;

/**
 * A closed buffer's memory is released only once the queue has run what was enqueued before, yet it never keeps an
 * allocation from fitting the budget.
 */
class RetiredBuffersTest {
    private static final long BUDGET = 1 << 20;

    @Test
    void aClosedBufferIsReleasedAfterTheQueueHasRunAndWhenTheBudgetNeedsIt() {
        try (var cl = new ClContext(Devices.choose(null), BUDGET)) {
            var b = new DeviceBuffer(cl, "small", 1024);
            b.close();
            assertEquals(0, cl.liveBuffers(), "closed for the caller at once");
            assertEquals(BUDGET - 4096, cl.bytesAvailable(), "retired, still counted");
            cl.finish();
            assertEquals(BUDGET, cl.bytesAvailable(), "released once the queue ran");
            long mostOfIt = BUDGET / Float.BYTES - 16;
            new DeviceBuffer(cl, "first", mostOfIt).close();
            // Only room for the second once the first, retired, is released.
            new DeviceBuffer(cl, "second", mostOfIt).close();
            cl.finish();
            assertEquals(BUDGET, cl.bytesAvailable());
        }
    }

    @Test
    void retiredBuffersStayBounded() {
        try (var cl = new ClContext(Devices.choose(null), BUDGET)) {
            for (int i = 0; i <= RetiredBuffers.MAX_RETIRED + 1; i++) {
                new DeviceBuffer(cl, "one of many", 16).close();
            }
            assertEquals(BUDGET - 64, cl.bytesAvailable(), "past the bound, all but the last are released");
        }
    }
}
