package org.convcl;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    @Test
    void aDeviceWithoutADeviceBackendSaysWhatToAdd() {
        var e = assertThrows(IllegalStateException.class, () -> Backends.open("gpu"));
        assertTrue(e.getMessage().startsWith("device: 'gpu' needs a device backend"), e.getMessage());
        assertTrue(e.getMessage().contains("org.convcl:convcl-host"), e.getMessage());
    }
}
