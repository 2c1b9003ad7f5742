package org.convcl.opencl.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.convcl.opencl.FakeDevices;
import org.junit.jupiter.api.Test;

/** The untuned GPU tile by problem size: the family default, the ladder of smaller tiles, the direct small-GEMM. */
class GpuDefaultsTest {
    private static final SgemmConfig.Tiled H100_DEFAULT = GpuDefaults.forDevice(FakeDevices.nvidia());

    @Test
    void aLargeProductKeepsTheFamilyDefault() {
        // 4096 x 2048: 512 tiles of 128 x 128, more than two per SM of the fake H100's 132.
        assertEquals(H100_DEFAULT, GpuDefaults.sizedTo(H100_DEFAULT, FakeDevices.nvidia(), 4096, 2048, 1));
    }

    @Test
    void aSmallerProductStepsDownTheLadderUntilItFillsTheGpu() {
        // 512 x 512: 16 default tiles, 64 of 64 x 64, 256 of 32 x 32, 1024 of 16 x 16; 264 are wanted.
        var chosen = GpuDefaults.sizedTo(H100_DEFAULT, FakeDevices.nvidia(), 512, 512, 1);
        assertEquals(GpuDefaults.SMALL, chosen);
        assertTrue(chosen.workGroups(512, 512, 1) >= GpuDefaults.minWorkGroups(FakeDevices.nvidia()));
    }

    @Test
    void aProductTooSmallToGiveEverySmAWorkGroupRunsDirect() {
        // 32 filters over one 7x7 image: 8 tiles of 16 x 16 for 132 SMs, 28 of the direct kernel's 8 x 8.
        var chosen = GpuDefaults.sizedTo(H100_DEFAULT, FakeDevices.nvidia(), 32, 49, 1);
        assertEquals(GpuDefaults.DIRECT, chosen);
        assertFalse(chosen.sa() || chosen.sb(), "the direct kernel stages no tile");
        assertEquals(28, chosen.workGroups(32, 49, 1));
        // Between one and two work-groups per SM, the smallest staged tile stays: 144 tiles of 16 x 16.
        assertEquals(GpuDefaults.SMALL, GpuDefaults.sizedTo(H100_DEFAULT, FakeDevices.nvidia(), 192, 192, 1));
    }

    @Test
    void aTunedConfigurationIsKeptWhateverTheSize() {
        var tuned = GpuDefaults.LADDER.get(1);
        assertEquals(tuned, GpuDefaults.sizedTo(tuned, FakeDevices.nvidia(), 32, 49, 1));
    }

    @Test
    void theDirectKernelFitsEveryFakeGpu() {
        for (var gpu : List.of(FakeDevices.nvidia(), FakeDevices.amd(), FakeDevices.intelGpu(), FakeDevices.gpu())) {
            assertNull(GpuDefaults.DIRECT.fits(gpu), gpu.name());
        }
    }
}
