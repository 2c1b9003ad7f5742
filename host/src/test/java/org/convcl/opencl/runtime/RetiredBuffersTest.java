package org.convcl.opencl.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.convcl.opencl.Devices;
import org.junit.jupiter.api.Test;

/**
 * A closed buffer's memory is released only once the queue has run what was enqueued before, or taken over by a new
 * buffer of its size, yet it never keeps an allocation from fitting the budget.
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
    void aNewBufferOfTheSameSizeTakesOverARetiredOneBeforeTheQueueHasRun() {
        try (var cl = new ClContext(Devices.choose(null), BUDGET)) {
            var first = new DeviceBuffer(cl, "first", 1024);
            first.write(filled(1024, 1.0f));
            first.close();
            var second = new DeviceBuffer(cl, "second", 1024);
            assertEquals(BUDGET - 4096, cl.bytesAvailable(), "the retired buffer's bytes, now the second's");
            var other = new DeviceBuffer(cl, "other size", 1023);
            assertEquals(BUDGET - 4096 - 4092, cl.bytesAvailable(), "another size allocates");
            second.write(filled(1024, 2.0f));
            float[] back = new float[1024];
            second.read(back);
            assertArrayEquals(filled(1024, 2.0f), back);
            second.close();
            other.close();
            cl.finish();
            assertEquals(BUDGET, cl.bytesAvailable());
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void retiredBuffersStayBounded() {
        try (var cl = new ClContext(Devices.choose(null), BUDGET)) {
            // Each of another size, so that none takes over the one before.
            int last = RetiredBuffers.MAX_RETIRED + 1;
            for (int i = 0; i <= last; i++) {
                new DeviceBuffer(cl, "one of many", 16 + i).close();
            }
            assertEquals(BUDGET - 4L * (16 + last), cl.bytesAvailable(), "past the bound, all but the last are released");
        }
    }
}
