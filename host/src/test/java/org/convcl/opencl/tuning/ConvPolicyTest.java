package org.convcl.opencl.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.convcl.opencl.FakeDevices;
import org.junit.jupiter.api.Test;

/** The planner's thresholds as data: one set per device class, read back from what the tuning cache stores. */
class ConvPolicyTest {
    private static final ConvPolicy CPU = ConvPolicy.defaultFor(DeviceClass.CPU);

    @Test
    void devicesFallIntoClassesByTypeAndVendorAlone() {
        assertEquals(DeviceClass.CPU, DeviceClass.of(FakeDevices.cpu(8)));
        assertEquals(DeviceClass.NVIDIA_GPU, DeviceClass.of(FakeDevices.nvidia()));
        assertEquals(DeviceClass.AMD_GPU, DeviceClass.of(FakeDevices.amd()));
        assertEquals(DeviceClass.INTEL_GPU, DeviceClass.of(FakeDevices.intelGpu()));
        assertEquals(DeviceClass.OTHER_GPU, DeviceClass.of(FakeDevices.gpu()));
    }

    @Test
    void cpusTakeTheMeasuredRulesAndGpusOnlyTheReasonedOnes() {
        assertEquals(32, CPU.fewFilters());
        assertEquals(64, CPU.winogradChannels());
        assertEquals(8, CPU.winogradCacheShare());
        for (var gpu : new DeviceClass[] {DeviceClass.NVIDIA_GPU, DeviceClass.AMD_GPU, DeviceClass.INTEL_GPU,
            DeviceClass.OTHER_GPU}) {
            var p = ConvPolicy.defaultFor(gpu);
            assertEquals(0, p.fewFilters(), gpu + ": direct for few filters was measured on CPUs only");
            assertEquals(0, p.winogradChannels(), gpu + ": Winograd is not picked unmeasured");
            assertEquals(0, p.winogradCacheShare(), gpu + ": whole batches");
            assertEquals(CPU.tinyLayerFlops(), p.tinyLayerFlops());
            assertEquals(90, p.foldPercent(), gpu + ": the batch folded into N where that saves a tenth");
        }
        assertEquals(90, CPU.foldPercent(), "CPUs fold the batch into packed panels where that saves a tenth");
    }

    @Test
    void encodedPoliciesParseBackAndMissingNamesKeepTheirDefaults() {
        var gpu = ConvPolicy.defaultFor(DeviceClass.OTHER_GPU);
        assertEquals(CPU, ConvPolicy.parse(CPU.encode(), gpu));
        var changed = ConvPolicy.parse("FEW_FILTERS=16 WINOGRAD_CHANNELS=128 FOLD_PERCENT=100", CPU);
        assertEquals(16, changed.fewFilters());
        assertEquals(128, changed.winogradChannels());
        assertEquals(100, changed.foldPercent());
        assertEquals(changed, ConvPolicy.parse(changed.encode(), gpu));
        assertEquals(CPU.shallowDepth(), changed.shallowDepth());
        assertNotEquals(CPU, changed);
    }

    @Test
    void damagedEntriesNameWhatIsWrong() {
        var e = assertThrows(IllegalArgumentException.class, () -> ConvPolicy.parse("FEW_FILTER=3", CPU));
        assertTrue(e.getMessage().contains("'FEW_FILTER=3' is not NAME=value"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvPolicy.parse("FEW_FILTERS=-3", CPU));
        assertTrue(e.getMessage().contains("'FEW_FILTERS=-3'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvPolicy.parse("FEW_FILTERS=99999999999", CPU));
        assertTrue(e.getMessage().contains("above 2147483647"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvPolicy.parse("GATHERED_HEIGHTS=0", CPU));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvPolicy.parse("FOLD_PERCENT=101", CPU));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }
}
