package org.convcl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Spark's GPU addresses, numbered from 0 per machine, become ConvCL device specs of the OpenCL GPUs. */
class TaskDevicesTest {
    @Test
    void addressNIsTheNthOpenClGpu() {
        // OpenCL devices 0 and 1 are CPUs here; the GPUs are devices 2 and 5.
        assertEquals("5", TaskDevices.spec(List.of("1"), new int[] {2, 5}));
        assertEquals("5,2", TaskDevices.spec(List.of("1", "0"), new int[] {2, 5}));
    }

    @Test
    void anAddressThatIsNoNumberIsADeviceSpecOfItsOwn() {
        assertEquals("tesla", TaskDevices.spec(List.of("tesla"), new int[] {0}));
    }

    @Test
    void anAddressPastTheGpusIsRefusedWithOneLine() {
        var e = assertThrows(ConvclSparkException.class, () -> TaskDevices.spec(List.of("2"), new int[] {3, 4}));
        assertTrue(e.getMessage().matches("executor [^:]+: Spark gave the task GPU address 2 but this machine has 2"
                + " OpenCL GPU\\(s\\) \\(see 'convcl devices'\\)"), e.getMessage());
        assertThrows(ConvclSparkException.class, () -> TaskDevices.spec(List.of("99999999999"), new int[] {0}));
    }
}
