package org.convcl.opencl;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A backend on the default device, opened once for all tests of a class and closed after them. */
abstract class SharedDevice {
    static OpenClBackend device;

    @BeforeAll
    static void openDevice() {
        device = OpenClBackend.open(Devices.choose(null));
    }

    @AfterAll
    static void closeDevice() {
        device.close();
    }
}
