package org.convcl.opencl.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.convcl.opencl.Devices;
import org.junit.jupiter.api.Test;

/**
 * A derived buffer is derived again exactly when its source was written, or for another derivation, and the kept
 * ones stay within their bounds and give memory back when an allocation needs it.
 */
class DerivedBuffersTest {
    private static final long BUDGET = 1 << 20;
    private final AtomicInteger derivations = new AtomicInteger();
    private final Consumer<DeviceBuffer> derive = b -> derivations.incrementAndGet();

    @Test
    void keptUntilTheSourceIsWrittenAndPerDerivation() {
        try (var cl = new ClContext(Devices.choose(null), BUDGET); var derived = new DerivedBuffers(cl, "test");
             var source = new DeviceBuffer(cl, "source", 16)) {
            var first = derived.get(source, "layout A", 32, derive);
            assertSame(first, derived.get(source, "layout A", 32, derive), "kept");
            assertEquals(1, derivations.get());
            derived.get(source, "layout B", 32, derive);
            assertEquals(2, derivations.get(), "another derivation of the same source");
            source.write(new float[16]);
            derived.get(source, "layout A", 32, derive);
            assertEquals(3, derivations.get(), "derived again after a host write");
            source.modified();
            derived.get(source, "layout A", 32, derive);
            assertEquals(4, derivations.get(), "derived again after a kernel wrote the source");
            derived.get(source, "layout A", 32, derive);
            assertEquals(4, derivations.get());
            assertEquals(2, derived.size());
        }
    }

    @Test
    void closedSourcesFreeTheirEntriesAndTheEntriesStayBounded() {
        try (var cl = new ClContext(Devices.choose(null), BUDGET); var derived = new DerivedBuffers(cl, "test")) {
            var source = new DeviceBuffer(cl, "source", 16);
            var laidOut = derived.get(source, "layout", 8, derive);
            source.close();
            assertEquals(0, derived.size(), "closing the source frees what was derived from it");
            assertFalse(laidOut.isOpen());
            List<DeviceBuffer> sources = new ArrayList<>();
            for (int i = 0; i < DerivedBuffers.MAX_ENTRIES + 5; i++) {
                sources.add(new DeviceBuffer(cl, "source " + i, 1));
                derived.get(sources.get(i), "layout", 1, derive);
            }
            assertEquals(DerivedBuffers.MAX_ENTRIES, derived.size());
            // The budget's share: 1 MiB / 8 = 32768 floats; two entries of 20000 floats do not fit together.
            derived.get(sources.get(0), "big", 20_000, derive);
            derived.get(sources.get(1), "big", 20_000, derive);
            assertEquals(1, derived.size(), "the least recently used made room");
            int before = derivations.get();
            var tooBig = derived.get(sources.get(2), "too big", 40_000, derive);
            derived.get(sources.get(2), "too big", 40_000, derive);
            assertEquals(before + 2, derivations.get(), "larger than the share: derived on every call");
            assertTrue(tooBig.isOpen());
            sources.forEach(DeviceBuffer::close);
        }
    }

    @Test
    void anAllocationWithoutRoomDropsAllButTheNewest() {
        try (var cl = new ClContext(Devices.choose(null), BUDGET); var derived = new DerivedBuffers(cl, "test");
             var a = new DeviceBuffer(cl, "a", 1);
             var b = new DeviceBuffer(cl, "b", 1)) {
            var older = derived.get(a, "layout", 10_000, derive);
            var newest = derived.get(b, "layout", 10_000, derive);
            // Room for this one only once the older entry's 40 kB are given back.
            long floats = (cl.bytesAvailable() + 20_000) / Float.BYTES;
            try (var big = new DeviceBuffer(cl, "big", floats)) {
                assertFalse(older.isOpen(), "dropped");
                assertTrue(newest.isOpen(), "the call in progress may still use it");
                assertSame(newest, derived.get(b, "layout", 10_000, derive));
            }
        }
    }
}
