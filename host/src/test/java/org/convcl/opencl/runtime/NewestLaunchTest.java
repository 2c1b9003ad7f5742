package org.convcl.opencl.runtime;

import static org.jocl.CL.CL_COMPLETE;
import static org.jocl.CL.clCreateUserEvent;
import static org.jocl.CL.clEnqueueMarkerWithWaitList;
import static org.jocl.CL.clReleaseEvent;
import static org.jocl.CL.clSetUserEventStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.convcl.opencl.Devices;
import org.convcl.opencl.FakeDevices;
import org.jocl.cl_event;
import org.junit.jupiter.api.Test;

/**
 * A finish polls the newest launch and then blocks: it returns only once every command enqueued before it has run,
 * however long past the poll that takes.
 */
class NewestLaunchTest {

    @Test
    void aFinishWaitsForTheNewestLaunchLongPastItsPoll() throws InterruptedException {
        try (var cl = new ClContext(Devices.choose(null), 1 << 20)) {
            var buffer = new DeviceBuffer(cl, "closed while the queue waits", 1024);
            cl_event gate;
            try (var open = cl.hold()) {
                gate = clCreateUserEvent(cl.context(), null);
                // A command that cannot run before the gate opens stands in for a long kernel.
                cl.launches().enqueue("marker", event -> clEnqueueMarkerWithWaitList(cl.queue(), 1,
                        new cl_event[] {gate}, event));
            }
            buffer.close();
            var finished = new CountDownLatch(1);
            var waiter = new Thread(() -> {
                cl.finish();
                finished.countDown();
            });
            waiter.start();
            try {
                long pollMillis = TimeUnit.NANOSECONDS.toMillis(NewestLaunch.POLL_NANOS);
                assertFalse(finished.await(20 * pollMillis + 50, TimeUnit.MILLISECONDS),
                        "finish returned before the launch ran");
                assertEquals((1 << 20) - 4096, cl.bytesAvailable(), "the retired buffer waits for the queue too");
            } finally {
                // Opened whatever happened, or the context's close would wait for the marker forever.
                try (var open = cl.hold()) {
                    clSetUserEventStatus(gate, CL_COMPLETE);
                }
            }
            assertTrue(finished.await(30, TimeUnit.SECONDS), "finish did not return once the launch ran");
            waiter.join();
            assertEquals(1 << 20, cl.bytesAvailable(), "released once the queue ran");
            clReleaseEvent(gate);
        }
    }

    @Test
    void aFinishPollsUnlessPoclsCpuWorkersArePinned() {
        long poll = NewestLaunch.POLL_NANOS;
        assertEquals(poll, NewestLaunch.pollNanos(FakeDevices.cpu(16), Map.of()));
        assertEquals(poll, NewestLaunch.pollNanos(FakeDevices.cpu(16), Map.of("POCL_AFFINITY", "0")));
        assertEquals(0, NewestLaunch.pollNanos(FakeDevices.cpu(8), Map.of("POCL_AFFINITY", "1")));
        assertEquals(poll, NewestLaunch.pollNanos(FakeDevices.nvidia(), Map.of("POCL_AFFINITY", "1")), "a GPU polls");
    }

    @Test
    void aFinishWithNothingEnqueuedAndOneAfterAnotherReturn() {
        try (var cl = new ClContext(Devices.choose(null))) {
            cl.finish();
            var b = new DeviceBuffer(cl, "written", 16);
            b.write(new float[16]);
            cl.finish();
            cl.finish();
            b.close();
        }
    }
}
