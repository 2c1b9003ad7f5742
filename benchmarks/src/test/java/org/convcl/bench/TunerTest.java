package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.Devices;
import org.convcl.opencl.tuning.SgemmConfig;
import org.junit.jupiter.api.Test;

/** The search space follows the device, every trial is verified before it is timed, and the budget holds. */
class TunerTest {

    /** The default device as if its SIMD vectors held {@code width} floats. */
    private static DeviceInfo withSimdWidth(DeviceInfo d, int width) {
        return new DeviceInfo(d.index(), d.platformName(), d.name(), d.vendor(), "cpu",
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

    /** The GPU stages for an NVIDIA-like, an AMD-like and an Intel-like GPU hold only configurations that fit it. */
    @Test
    void gpuStagesHoldOnlyConfigurationsTheDeviceAccepts() {
        for (var gpu : new DeviceInfo[] {
            fakeGpu("NVIDIA Corporation", 1024, 48 << 10, 1), fakeGpu("Advanced Micro Devices, Inc.", 256, 64 << 10, 4),
            fakeGpu("Intel(R) Corporation", 256, 64 << 10, 1)}) {
            var blocks = TuningSpace.blocks(gpu);
            assertEquals(SgemmConfig.defaultFor(gpu), blocks.get(0));
            assertEquals(TuningSpace.GPU_DRAWS + 1, blocks.size(), gpu.vendor());
            for (var c : blocks) {
                assertNull(c.fits(gpu), c + " on " + gpu.vendor());
                assertEquals(c, SgemmConfig.parse(c.encode()));
            }
            var around = TuningSpace.around(blocks.get(1), gpu, 8, 5);
            assertEquals(8, around.size());
            for (var c : around) {
                assertNull(c.fits(gpu), c + " on " + gpu.vendor());
            }
        }
    }

    private static DeviceInfo fakeGpu(String vendor, long maxGroup, long localBytes, int floatVectorWidth) {
        return new DeviceInfo(0, "fake", vendor + " GPU", vendor, "gpu", "OpenCL 3.0", "1", 40, 8L << 30,
                2L << 30, localBytes, maxGroup, new long[] {maxGroup, maxGroup, 64}, 4096, floatVectorWidth, 4 << 20);
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

    @Test
    void onlyAClearWinnerReplacesTheDefault() {
        var standard = new SgemmConfig.Blocked(6, 8, 2, 1, 8, 128);
        var other = new SgemmConfig.Blocked(4, 8, 3, 1, 8, 128);
        var third = new SgemmConfig.Blocked(5, 8, 2, 1, 8, 128);
        // Scores are the one time each trial holds.
        ToDoubleFunction<Tuner.Trial> score = t -> t.ms()[0];
        var slightly = List.of(trial(standard, 1.0), trial(other, 0.97));
        assertEquals(standard, Tuner.winner(slightly, standard, score));
        var clearly = List.of(trial(standard, 1.0), trial(other, 0.9), trial(third, 0.93));
        assertEquals(other, Tuner.winner(clearly, standard, score));
        // A rejected candidate never wins, however fast.
        var rejected = List.of(trial(standard, 1.0), new Tuner.Trial(other, null, "differs"));
        assertEquals(standard, Tuner.winner(rejected, standard, score));
    }

    @Test
    void theFinalRoundComparesEachContenderWithTheDefaultOfTheSameRound() {
        var standard = new SgemmConfig.Blocked(6, 8, 2, 1, 8, 128);
        var other = new SgemmConfig.Blocked(4, 8, 3, 1, 8, 128);
        var third = new SgemmConfig.Blocked(5, 8, 2, 1, 8, 128);
        // Round two ran on a machine twice as slow; in round three `other` was disturbed. Against its round's default
        // `other` took 0.9, 0.9 and 1.2 of its time, so 0.9 in the median; the baseline is 10 ms.
        var rounds = List.of(
                List.of(trial(standard, 10), trial(other, 9), trial(third, 9.5)),
                List.of(trial(standard, 20), trial(other, 18), new Tuner.Trial(third, null, "differs")),
                List.of(trial(standard, 10), trial(other, 12), trial(third, 9.5)));
        var finals = Tuner.againstDefault(rounds, 0, new double[] {10});
        assertEquals(10.0, finals.get(0).ms()[0], 1e-9);
        assertEquals(9.0, finals.get(1).ms()[0], 1e-9);
        // Rejected in one round: rejected.
        assertFalse(finals.get(2).verified());
        assertEquals(other, Tuner.winner(finals, standard, t -> t.ms()[0]));
    }

    private static Tuner.Trial trial(SgemmConfig config, double ms) {
        return new Tuner.Trial(config, new double[] {ms}, null);
    }
}
