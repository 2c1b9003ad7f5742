package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 24, stumble 8: the library writes no diagnostics of its own to stdout or stderr; they are log records an
 * application routes or silences. (The reference fallback's record: BackendsTest, in the API module.)
 */
class LibraryLoggingTest {
    @Test
    void aGarbageCollectedTensorIsALogRecordNotAStderrLine() throws Exception {
        var r = ForkedJvm.run(Map.of(), ForgottenTensorProbe.class);
        assertEquals(0, r.status(), r.err());
        var lines = r.out().lines().toList();
        assertEquals("0 alive", lines.get(lines.size() - 1), r.out());
        assertEquals(1, lines.stream().filter(l -> l.startsWith("WARNING org.convcl.tensors: a device tensor was"
                + " garbage-collected without close()")).count(), r.out());
        assertFalse(r.err().contains("garbage-collected"), r.err());
    }
}
