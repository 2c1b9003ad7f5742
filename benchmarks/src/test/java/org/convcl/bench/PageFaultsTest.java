package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Page faults as Linux counts them: touching fresh memory faults its pages in, one a page, or one per 2 MiB where
 * the kernel backs it with huge pages.
 */
class PageFaultsTest {
    private static final int PAGE = 4096;
    private static final int HUGE_PAGE = 2 << 20;

    @Test
    void touchingFreshMemoryCountsAFaultPerPage() {
        int pages = 4096;
        long before = PageFaults.count();
        var fresh = ByteBuffer.allocateDirect(pages * PAGE);
        for (int i = 0; i < pages; i++) {
            fresh.put(i * PAGE, (byte) 1);
        }
        long faulted = PageFaults.count() - before;
        assertTrue(before >= 0 && faulted >= (long) pages * PAGE / HUGE_PAGE, before + " faults before, " + faulted + " touching "
                + pages + " fresh pages");
    }
}
