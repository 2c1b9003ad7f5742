package org.convcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.convcl.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/** The entry point without a device backend on the class path: only the reference opens, named or by default. */
class BackendsTest {

    @Test
    void theReferenceOpensWithoutAnyDeviceBackend() {
        try (var backend = Backends.open(" Reference ")) {
            assertInstanceOf(ReferenceBackend.class, backend);
        }
    }

    /** The default runs anywhere: with no device backend it is the reference. */
    @Test
    void theDefaultWithoutADeviceBackendIsTheReference() {
        assumeTrue(Backends.effectiveSpec(null).isEmpty(), "CONVCL_DEVICE names a device");
        try (var backend = Backends.open(null)) {
            assertInstanceOf(ReferenceBackend.class, backend);
        }
    }

    /**
     * Issue 24, stumble 8: the fallback is a warning on the logger {@value Backends#LOGGER_NAME}, which an
     * application routes or silences, not a line the library writes to stderr itself.
     */
    @Test
    void theFallbackIsALogRecordNotAStderrLine() {
        assumeTrue(Backends.effectiveSpec(null).isEmpty(), "CONVCL_DEVICE names a device");
        var records = new ArrayList<LogRecord>();
        var logger = Logger.getLogger(Backends.LOGGER_NAME);
        var handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        var stderr = new ByteArrayOutputStream();
        var realStderr = System.err;
        logger.setUseParentHandlers(false);
        logger.addHandler(handler);
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try (var backend = Backends.open(null)) {
            assertInstanceOf(ReferenceBackend.class, backend);
        } finally {
            System.setErr(realStderr);
            logger.removeHandler(handler);
            logger.setUseParentHandlers(true);
        }
        assertEquals("", stderr.toString(StandardCharsets.UTF_8));
        assertEquals(1, records.size(), records.toString());
        assertEquals(Level.WARNING, records.get(0).getLevel());
        assertEquals("no device backend is on the class path (add org.convcl:convcl-host); using the reference backend"
                + " (plain Java loops)", records.get(0).getMessage());
    }

    @Test
    void aDeviceWithoutADeviceBackendSaysWhatToAdd() {
        var e = assertThrows(IllegalStateException.class, () -> Backends.open("gpu"));
        assertTrue(e.getMessage().startsWith("device: 'gpu' needs a device backend"), e.getMessage());
        assertTrue(e.getMessage().contains("org.convcl:convcl-host"), e.getMessage());
    }
}
