package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.convcl.opencl.Devices;
import org.convcl.opencl.tuning.SgemmConfig;
import org.junit.jupiter.api.Test;

class SgemmTunerTest {

    @Test
    void candidatesFitTheDeviceAndStartWithTheDefault() {
        var device = Devices.choose(null);
        var candidates = SgemmTuner.candidates(device);
        assertEquals(SgemmConfig.defaultFor(device), candidates.get(0));
        assertTrue(candidates.size() > 5);
        for (var c : candidates) {
            assertEquals(null, c.fits(device), c.toString());
        }
    }

    @Test
    void everyTrialIsVerifiedBeforeItIsTimedAndTheFastestWins() {
        var device = Devices.choose(null);
        var candidates = SgemmTuner.candidates(device).subList(0, 2);
        var log = new ByteArrayOutputStream();
        var trials = SgemmTuner.run(device, candidates, List.of(BenchSuite.byName("sgemm_256")),
                new PrintStream(log, true));
        assertEquals(2, trials.size());
        for (var t : trials) {
            assertTrue(t.verified(), t.toString());
            assertFalse(Double.isNaN(t.ms()));
        }
        var best = SgemmTuner.best(trials);
        assertTrue(trials.stream().allMatch(t -> best.ms() <= t.ms()));
        assertEquals(2, log.toString().lines().count());
    }
}
