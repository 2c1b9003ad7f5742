package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.convcl.opencl.DeviceInfo;
import org.convcl.opencl.Devices;
import org.convcl.opencl.tuning.SgemmConfig;
import org.junit.jupiter.api.Test;

/** The search space follows the device, every trial is verified before it is timed, and the budget holds. */
class TunerTest {

    /** The default device as if its SIMD vectors held {@code width} floats. */
    private static DeviceInfo withSimdWidth(DeviceInfo d, int width) {
        return new DeviceInfo(d.index(), d.platform(), d.device(), d.platformName(), d.name(), d.vendor(), "cpu",
                d.version(), d.driverVersion(), d.computeUnits(), d.globalMemBytes(), d.maxAllocBytes(),
                d.localMemBytes(), d.maxWorkGroupSize(), d.maxWorkItemSizes(), d.maxParameterBytes(), width,
                d.globalCacheBytes());
    }

    @Test
    void registerBlocksFitTheRegisterFileOfTheSimdWidth() {
        var device = Devices.choose(null);
        for (int width : new int[] {8, 16}) {
            var d = withSimdWidth(device, width);
            var blocks = TuningSpace.blocks(d);
            assertEquals(SgemmConfig.defaultFor(d), blocks.get(0));
            assertTrue(blocks.size() >= 6 && blocks.size() <= 30, blocks.size() + " blocks");
            int registers = SgemmConfig.Blocked.vectorRegisters(width);
            for (var c : blocks) {
                var b = (SgemmConfig.Blocked) c;
                int perVector = b.vw() / width;
                assertTrue(perVector * (b.wptm() * b.wptn() + b.wptn()) + 1 <= registers, c + " spills");
                assertNull(c.fits(d), c.toString());
            }
        }
    }

    @Test
    void stageTwoVariesOnlyTheWorkGroupAndStepDepth() {
        var d = withSimdWidth(Devices.choose(null), 8);
        var best = new SgemmConfig.Blocked(6, 8, 2, 1, 8, 128);
        var around = TuningSpace.around(best, d, 8, 1);
        assertEquals(8, around.size());
        assertFalse(around.contains(best));
        for (var c : around) {
            var b = (SgemmConfig.Blocked) c;
            assertEquals(List.of(6, 8, 2), List.of(b.wptm(), b.vw(), b.wptn()), c.toString());
        }
        assertEquals(around, TuningSpace.around(best, d, 8, 1), "the same seed draws the same variants");
    }

    @Test
    void aConfigurationTheDeviceCannotRunIsRejectedNotFatal() {
        var device = Devices.choose(null);
        var tuner = new Tuner(device, List.of(BenchSuite.byName("sgemm_256")), new PrintStream(new ByteArrayOutputStream()));
        var trial = tuner.trial(new SgemmConfig.Blocked(1, 4, 1, 4096, 4096, 8), 0.01);
        assertFalse(trial.verified());
        assertTrue(trial.rejection().contains("CL_DEVICE_MAX_WORK_GROUP_SIZE"), trial.rejection());
    }

    @Test
    void theSearchKeepsToItsBudgetAndReportsEachTrial() {
        var device = Devices.choose(null);
        var log = new ByteArrayOutputStream();
        var tuner = new Tuner(device, List.of(BenchSuite.byName("sgemm_256")), new PrintStream(log, true));
        long start = System.nanoTime();
        var best = tuner.search(Duration.ofSeconds(2));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertNull(best.fits(device));
        var lines = log.toString().lines().toList();
        assertTrue(lines.get(0).contains("blocks") && lines.get(0).contains(SgemmConfig.defaultFor(device).toString()),
                lines.get(0));
        assertTrue(lines.get(lines.size() - 1).startsWith("searched "), log.toString());
        // The final stage re-times up to three leaders after the budget; on a small workload that is a few seconds.
        assertTrue(seconds < 30, seconds + " s");
    }
}
