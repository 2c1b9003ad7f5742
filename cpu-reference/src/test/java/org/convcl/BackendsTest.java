package org.convcl;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.convcl.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/** The entry point without a device backend on the class path: only the reference opens. */
class BackendsTest {

    @Test
    void theReferenceOpensWithoutAnyDeviceBackend() {
        try (var backend = Backends.open(" Reference ")) {
            assertInstanceOf(ReferenceBackend.class, backend);
        }
    }

    @Test
    void aDeviceWithoutADeviceBackendSaysWhatToAdd() {
        var e = assertThrows(IllegalStateException.class, () -> Backends.open("gpu"));
        assertTrue(e.getMessage().startsWith("device: 'gpu' needs a device backend"), e.getMessage());
        assertTrue(e.getMessage().contains("org.convcl:convcl-host"), e.getMessage());
    }
}
