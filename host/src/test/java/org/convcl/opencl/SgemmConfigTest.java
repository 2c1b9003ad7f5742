package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Stream;
import org.convcl.Conv2dParams;
import org.convcl.Tolerance;
import org.convcl.kernels.Program;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.tuning.SgemmConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The SGEMM tunables: every legal configuration gives the reference's answer; illegal ones fail before a build. */
class SgemmConfigTest {

    static Stream<SgemmConfig> configs() {
        // GPU tilings beyond these: GpuSgemmFamilyTest.
        return Stream.of(SgemmConfig.Tiled.of(16, 16, 8, 8, 8), SgemmConfig.Tiled.of(8, 8, 1, 1, 1),
                new SgemmConfig.Tiled(24, 40, 15, 3, 5, 3, 5, 1, 1, true, true, false, false),
                new SgemmConfig.Blocked(8, 16, 3, 1, 8, 128), new SgemmConfig.Blocked(3, 4, 3, 2, 3, 5),
                new SgemmConfig.Blocked(1, 2, 1, 1, 1, 1), new SgemmConfig.Blocked(5, 8, 1, 4, 2, 7));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void everyConfigurationMatchesTheReference(SgemmConfig config) {
        var device = Devices.choose(null);
        try (var backend = OpenClBackend.open(device, BackendOptions.defaultsFor(device).withSgemm(config).withColumnBudget(1 << 20)
                .withPath(Conv2dPath.IM2COL_GEMM))) {
            var p = Conv2dParams.DEFAULT;
            for (var c : new DeviceCase[] {
                    DeviceCase.named("tile edges").input(3, 7, 13, 11).filters(37, 3, 3)
                            .params(p.withPadding(1, 1)).withBias().seed(51),
                    DeviceCase.named("pointwise").input(2, 45, 7, 9).filters(70, 1, 1).withBias().seed(52),
                    DeviceCase.named("grouped").input(2, 6, 9, 10).filters(9, 2, 2)
                            .params(p.withGroups(3).withStride(2, 2)).seed(53)}) {
                Conv2dDeviceTest.assertMatchesReference(backend, c, Tolerance.FLOAT32);
            }
        }
    }

    /** The untuned register block follows the SIMD width, so it fits AVX2's 16 vector registers and AVX-512's 32. */
    @Test
    void cpuDefaultsFollowTheVectorRegisters() {
        assertEquals(new SgemmConfig.Blocked(6, 8, 2, 1, 8, 128), SgemmConfig.defaultFor(FakeDevices.cpu(8)));
        assertEquals(new SgemmConfig.Blocked(8, 16, 3, 1, 8, 128), SgemmConfig.defaultFor(FakeDevices.cpu(16)));
        assertEquals(new SgemmConfig.Blocked(6, 4, 2, 1, 8, 128), SgemmConfig.defaultFor(FakeDevices.cpu(4)));
        assertEquals(SgemmConfig.Tiled.of(64, 64, 16, 16, 16), SgemmConfig.defaultFor(FakeDevices.gpu()));
    }

    /** Each GPU vendor family has its own default (reasons in GpuDefaults), and each fits its devices. */
    @Test
    void gpuDefaultsFollowTheVendorFamily() {
        var nvidia = new SgemmConfig.Tiled(128, 128, 16, 16, 16, 64, 32, 4, 4, true, true, true, true);
        var amd = new SgemmConfig.Tiled(64, 128, 32, 16, 16, 32, 32, 4, 4, true, true, true, true);
        var intel = new SgemmConfig.Tiled(64, 64, 16, 16, 16, 64, 16, 4, 4, true, true, true, true);
        assertEquals(nvidia, SgemmConfig.defaultFor(FakeDevices.nvidia()));
        assertEquals(amd, SgemmConfig.defaultFor(FakeDevices.amd()));
        assertEquals(intel, SgemmConfig.defaultFor(FakeDevices.intelGpu()));
        // A device too small for its family's default (here 128 work-items) gets the small tiling.
        var small = FakeDevices.nvidia();
        small = new DeviceInfo(0, "p", "small", small.vendor(), "gpu", "OpenCL 1.2", "1", 1, 1L << 30,
                1L << 28, 16 << 10, 128, new long[] {128, 128, 128}, 1024, 1, 0);
        assertEquals(SgemmConfig.Tiled.of(16, 16, 8, 8, 8), SgemmConfig.defaultFor(small));
    }

    @Test
    void divisibilityIsCheckedOnTheHost() {
        var e = assertThrows(IllegalArgumentException.class, () -> SgemmConfig.Tiled.of(30, 32, 8, 4, 4));
        assertTrue(e.getMessage().contains("MWG must be a multiple of MDIMC"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SgemmConfig.Blocked(8, 3, 2, 1, 8, 128));
        assertTrue(e.getMessage().contains("VW must be 2, 4, 8 or 16"), e.getMessage());
    }

    @Test
    void deviceLimitsAreCheckedBeforeAnyEnqueue() {
        var device = Devices.choose(null);
        for (var tooWide : new SgemmConfig[] {SgemmConfig.Tiled.of(128, 128, 128, 128, 128),
                new SgemmConfig.Blocked(1, 4, 1, 4096, 4096, 8)}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> OpenClBackend.open(device, BackendOptions.defaultsFor(device).withSgemm(tooWide)));
            assertTrue(e.getMessage().contains("CL_DEVICE_MAX_WORK_GROUP_SIZE"), e.getMessage());
        }
    }

    /** In a process of its own, so that the compiler's count of errors on native stderr stays off the terminal. */
    @Test
    void aFailedBuildReportsTheBuildLog() throws Exception {
        var r = ForkedJvm.run(Map.of(), FailingBuilds.class);
        assertEquals(0, r.status(), r.err());
        var sgemm = r.out().substring(0, r.out().indexOf("---", 4));
        var blocked = r.out().substring(sgemm.length());
        assertTrue(sgemm.contains("clBuildProgram(" + Program.SGEMM.files()), r.out());
        assertTrue(sgemm.contains("MWG must be a multiple of MDIMC"), r.out());
        assertTrue(blocked.contains("VW must be 2, 4, 8 or 16"), r.out());
        // The #line markers between parts make the log name the part that raised the error.
        assertTrue(blocked.contains("vectors.cl:"), r.out());
    }
}
