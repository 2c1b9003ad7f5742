package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import org.convcl.opencl.tuning.ConvPolicy;
import org.convcl.opencl.tuning.DeviceClass;
import org.convcl.opencl.tuning.SgemmConfig;
import org.convcl.opencl.tuning.TuningCache;
import org.junit.jupiter.api.Test;

/** What {@code convcl tune} stores is what later backends on the same device and driver use. */
class TuningCacheTest extends TemporaryCaches {

    @Test
    void encodedConfigurationsParseBack() {
        for (SgemmConfig c : new SgemmConfig[] {
            new SgemmConfig.Tiled(64, 128, 32, 16, 16, 32, 32, 4, 2, false, true, false, true),
            new SgemmConfig.Blocked(6, 16, 4, 1, 8, 64)}) {
            assertEquals(c, SgemmConfig.parse(c.encode()));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> SgemmConfig.parse("sgemm -DMWG=8 -DNWG=8"));
        assertTrue(e.getMessage().contains("lacks KWG"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SgemmConfig.parse("gemm9 -DMWG=8"));
    }

    @Test
    void storedPlannerThresholdsBecomeTheDefaultAndDamagedOnesAreIgnored() throws IOException {
        var device = Devices.choose(null);
        var classDefault = ConvPolicy.defaultFor(DeviceClass.of(device));
        assertEquals(classDefault, BackendOptions.defaultsFor(device).policy());
        var tuned = ConvPolicy.parse("FEW_FILTERS=7", classDefault);
        TuningCache.store(device, tuned);
        assertEquals(Optional.of(tuned), TuningCache.lookupPolicy(device));
        assertEquals(tuned, BackendOptions.defaultsFor(device).policy());
        var file = tuningCache();
        // Properties files escape '=' in values.
        Files.writeString(file, Files.readString(file).replace("FEW_FILTERS\\=7", "FEW_FILTERS\\=x"));
        assertEquals(Optional.empty(), TuningCache.lookupPolicy(device));
        assertEquals(classDefault, BackendOptions.defaultsFor(device).policy());
    }

    @Test
    void aStoredConfigurationBecomesTheDefault() {
        var device = Devices.choose(null);
        var tuned = SgemmConfig.Tiled.of(32, 32, 8, 8, 8);
        assertEquals(Optional.empty(), TuningCache.lookup(device));
        TuningCache.store(device, tuned);
        assertEquals(Optional.of(tuned), TuningCache.lookup(device));
        assertEquals(tuned, BackendOptions.defaultsFor(device).sgemm());
        try (var backend = OpenClBackend.open(device)) {
            Conv2dDeviceTest.assertMatchesReference(backend, DeviceCase.random(7), org.convcl.Tolerance.FLOAT32);
        }
    }

    @Test
    void damagedOrUnfitEntriesAreIgnored() throws IOException {
        var device = Devices.choose(null);
        var file = TuningCache.location();
        Files.writeString(file, TuningCache.key(device).replace(" ", "\\ ").replace(":", "\\:") + "=sgemm -DMWG=banana\n");
        assertEquals(Optional.empty(), TuningCache.lookup(device));
        TuningCache.store(device, SgemmConfig.Tiled.of(128, 128, 128, 128, 128));
        assertEquals(Optional.empty(), TuningCache.lookup(device), "a configuration the device cannot run");
        assertEquals(SgemmConfig.defaultFor(device), BackendOptions.defaultsFor(device).sgemm());
    }
}
