package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.convcl.Backends;
import org.convcl.Conv2dParams;
import org.convcl.Tensor;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

class DevicesTest {

    @Test
    void listsAtLeastOneDeviceWithItsLimits() {
        var devices = Devices.list();
        assertFalse(devices.isEmpty(), "no OpenCL device; the test machine needs an OpenCL driver such as POCL");
        for (var d : devices) {
            assertTrue(d.maxAllocBytes() > 0 && d.globalMemBytes() >= d.maxAllocBytes(), d.describe());
            assertTrue(d.maxWorkGroupSize() >= 1 && d.localMemBytes() > 0, d.describe());
        }
    }

    /**
     * Issue 24, stumble 3: {@code System.out.println(device)} printed JOCL handles and an array's identity; it prints
     * the line {@code convcl devices} prints, and the record holds no OpenCL handle.
     */
    @Test
    void aDevicePrintsAsConvclDevicesShowsIt() {
        for (var d : Devices.list()) {
            assertEquals(d.describe(), d.toString());
            assertFalse(d.toString().contains("cl_") || d.toString().contains("[J@"), d.toString());
        }
        for (var component : DeviceInfo.class.getRecordComponents()) {
            assertFalse(component.getType().getName().startsWith("org.jocl"), component.toString());
        }
    }

    @Test
    void choiceByIndexTypeAndName() {
        var first = Devices.list().get(0);
        assertEquals(first.name(), Devices.choose("0").name());
        assertEquals(first.type(), Devices.choose(first.type()).type());
        String part = first.name().substring(0, Math.min(6, first.name().length())).toUpperCase(Locale.ROOT);
        assertEquals(first.name(), Devices.choose(part).name());
    }

    @Test
    void defaultPrefersGpuThenAcceleratorThenCpu() {
        var chosen = Devices.choose("");
        var types = Devices.list().stream().map(DeviceInfo::type).toList();
        String expected = types.contains("gpu") ? "gpu" : types.contains("accelerator") ? "accelerator" : "cpu";
        if (System.getenv(Backends.DEVICE_ENV) == null) {
            assertEquals(expected, chosen.type());
        }
    }

    /** With the OpenCL backend on the class path, a device spec opens it and "reference" still the reference. */
    @Test
    void theApiEntryPointFindsTheOpenClBackendAndStillTheReference() {
        try (var backend = Backends.open("cpu")) {
            assertInstanceOf(OpenClBackend.class, backend);
            assertEquals("cpu", ((OpenClBackend) backend).device().type());
        }
        try (var backend = Backends.open("reference")) {
            assertInstanceOf(ReferenceBackend.class, backend);
        }
    }

    @Test
    void unknownDevicesAreNamedInTheError() {
        var e = assertThrows(IllegalArgumentException.class, () -> Devices.choose("no-such-device-xyz"));
        assertTrue(e.getMessage().startsWith("device: no OpenCL device matches 'no-such-device-xyz'"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> Devices.choose("99"));
        assertTrue(e2.getMessage().startsWith("device: index 99"), e2.getMessage());
    }

    @Test
    void indicesPastIntAndNonAsciiDigitsAreRefusedByName() {
        for (String spec : new String[] {"2147483648", "99999999999", "000000000000000000001"}) {
            for (var call : new org.junit.jupiter.api.function.Executable[] {() -> Devices.choose(spec),
                    () -> Backends.open(spec).close()}) {
                var e = assertThrows(IllegalArgumentException.class, call);
                assertFalse(e instanceof NumberFormatException, e.toString());
                assertTrue(e.getMessage().startsWith("device: index " + spec + " but only "), e.getMessage());
            }
        }
        // Character.isDigit takes the Arabic-Indic one; as no device's name contains it, nothing matches.
        var e = assertThrows(IllegalArgumentException.class, () -> Devices.choose("\u0660"));
        assertTrue(e.getMessage().startsWith("device: no OpenCL device matches '\u0660'"), e.getMessage());
    }

    @Test
    void aClosedBackendRefusesWork() {
        var backend = OpenClBackend.open(Devices.choose(null));
        backend.close();
        backend.close();
        assertThrows(IllegalStateException.class, () -> backend.conv2d(Tensor.zeros(1, 1, 2, 2),
                Tensor.zeros(1, 1, 1, 1), null, Conv2dParams.DEFAULT));
    }

    @Test
    void specsNamingSeveralDevices() {
        assertEquals(Devices.list(), Devices.chooseAll("all"));
        assertEquals(java.util.List.of(Devices.choose("0")), Devices.chooseAll("0"));
        var type = Devices.list().get(0).type();
        assertTrue(Devices.chooseAll(type + "*").stream().allMatch(d -> d.type().equals(type)));
        assertEquals("device: 0 (" + Devices.list().get(0).name() + ") is named twice in '0, 0'",
                assertThrows(IllegalArgumentException.class, () -> Devices.chooseAll("0, 0")).getMessage());
        assertEquals("device: an empty entry in the list '0,,0'",
                assertThrows(IllegalArgumentException.class, () -> Devices.chooseAll("0,,0")).getMessage());
        assertEquals("device: no OpenCL device matches 'no such device*' (see 'convcl devices')",
                assertThrows(IllegalArgumentException.class, () -> Devices.chooseAll("no such device*")).getMessage());
        // A backend over one device is that device's own.
        try (var backend = Backends.open("all")) {
            Class<?> expected = Devices.list().size() == 1 ? OpenClBackend.class : MultiDeviceBackend.class;
            assertEquals(expected, backend.getClass());
        }
    }
}
