package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.tuning.GpuSgemmSpace;
import org.convcl.opencl.tuning.SgemmConfig;
import org.junit.jupiter.api.Test;

/** The tuner's GPU space, generated for fake NVIDIA, AMD and Intel GPUs, holds only what SgemmConfig accepts. */
class GpuSgemmSpaceTest {
    /** A GPU with 16 KiB of local memory and work-groups of 1024, as older mobile GPUs report. */
    private static final DeviceInfo SMALL_LOCAL = new DeviceInfo(0, "p", "small local", "v", "gpu",
            "OpenCL 1.2", "1", 1, 1L << 30, 1L << 28, 16 << 10, 1024, new long[] {1024, 1024, 1024}, 1024, 1, 0);

    @Test
    void everyDrawnConfigurationIsAcceptedAndFitsItsDevice() {
        for (var gpu : GpuSgemmFamilyTest.GPUS) {
            var space = new GpuSgemmSpace(gpu);
            var drawn = space.sample(300, 1);
            assertEquals(300, drawn.size(), gpu.name());
            assertEquals(300, new HashSet<>(drawn).size(), "distinct draws on " + gpu.name());
            for (var t : drawn) {
                assertNull(t.fits(gpu), t + " on " + gpu.name());
                // Accepted again from its text, as the tuning cache stores it.
                assertEquals(t, SgemmConfig.parse(t.encode()));
                int[] p = GpuSgemmSpace.valuesOf(t);
                for (int i = 0; i < p.length; i++) {
                    final int v = p[i];
                    assertTrue(Arrays.stream(space.values(i)).anyMatch(x -> x == v), t + " leaves the space");
                }
                assertTrue(t.mdimc() * t.ndimc() <= gpu.maxWorkGroupSize() && t.localMemBytes() <= gpu.localMemBytes());
            }
            assertEquals(drawn, space.sample(300, 1), "the same seed draws the same configurations");
        }
    }

    @Test
    void boundsFollowTheDevice() {
        // NVIDIA reports float vectors of 1 and AMD of 4: widths up to 4 and up to 8.
        assertArrayEquals(new int[] {1, 2, 4}, new GpuSgemmSpace(FakeDevices.nvidia()).values(8));
        assertArrayEquals(new int[] {1, 2, 4, 8}, new GpuSgemmSpace(FakeDevices.amd()).values(8));
        // 256 work-items at most on AMD and Intel: never 32 x 16.
        for (var gpu : List.of(FakeDevices.amd(), FakeDevices.intelGpu())) {
            assertTrue(new GpuSgemmSpace(gpu).sample(300, 2).stream().allMatch(t -> t.mdimc() * t.ndimc() <= 256));
        }
        // 16 KiB of local memory: the largest tiles are out of the space there, not on AMD.
        var big = SgemmConfig.Tiled.of(128, 128, 32, 16, 16);
        assertNull(new GpuSgemmSpace(SMALL_LOCAL).at(GpuSgemmSpace.valuesOf(big)));
        assertEquals(big, new GpuSgemmSpace(FakeDevices.amd()).at(GpuSgemmSpace.valuesOf(big)));
        assertTrue(new GpuSgemmSpace(SMALL_LOCAL).sample(300, 2).stream().allMatch(t -> t.localMemBytes() <= 16 << 10));
    }

    @Test
    void stageTwoKeepsTheTileAndTheWorkGroup() {
        var gpu = FakeDevices.nvidia();
        var best = (SgemmConfig.Tiled) SgemmConfig.defaultFor(gpu);
        var around = new GpuSgemmSpace(gpu).around(best, 12, 3);
        assertEquals(12, around.size());
        assertFalse(around.contains(best));
        for (var t : around) {
            assertEquals(List.of(best.mwg(), best.nwg(), best.mdimc(), best.ndimc()),
                    List.of(t.mwg(), t.nwg(), t.mdimc(), t.ndimc()), t.toString());
            assertNull(t.fits(gpu));
        }
    }

    @Test
    void invalidCombinationsAreRefusedWithTheRule() {
        assertRefused("sgemm config: VWM and VWN must be 1, 2, 4 or 8, in tiled MWG=64", 64, 16, 16, 16, 3, 1);
        assertRefused("MDIMA and NDIMB must divide MDIMC*NDIMC = 256", 64, 16, 24, 16, 1, 1);
        assertRefused("KWG of KDIMA*VWM = 64", 64, 16, 16, 16, 4, 1);
        assertRefused("NWG must be a multiple of NDIMB*VWN = 128", 64, 16, 16, 32, 1, 4);
        assertRefused("NWG/NDIMC must be a multiple of VWN", 32, 64, 16, 4, 1, 4);
        // Per-dimension and local-memory limits of the device, before any build.
        assertEquals("work-group 32 x 8 exceeds CL_DEVICE_MAX_WORK_ITEM_SIZES",
                SgemmConfig.Tiled.of(64, 64, 32, 8, 32).fits(new DeviceInfo(0, "p", "narrow", "v", "gpu",
                        "OpenCL 1.2", "1", 1, 1L << 30, 1L << 28, 64 << 10, 1024, new long[] {16, 1024, 1}, 1024, 1, 0)));
        assertEquals("local tiles need 37376 bytes, more than CL_DEVICE_LOCAL_MEM_SIZE 16384",
                SgemmConfig.Tiled.of(128, 128, 32, 16, 16).fits(SMALL_LOCAL));
    }

    /** A square tile of {@code tile} with 16 x 16 work-items and the rest as given is refused, naming the rule. */
    private static void assertRefused(String rule, int tile, int kwg, int mdima, int ndimb, int vwm, int vwn) {
        var e = assertThrows(IllegalArgumentException.class, () -> new SgemmConfig.Tiled(tile, tile, kwg, 16, 16,
                mdima, ndimb, vwm, vwn, true, true, true, true));
        assertTrue(e.getMessage().contains(rule), e.getMessage());
    }
}
