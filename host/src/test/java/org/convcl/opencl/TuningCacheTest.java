package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.convcl.opencl.device.DeviceInfo;
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
    void aStoredConfigurationBecomesTheDefault() throws IOException {
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

    private static final DeviceInfo CPU = FakeDevices.cpu(16);

    /** A cache entry line for {@code device}, its key escaped as a properties file needs. */
    private static String line(DeviceInfo device, String value) {
        return TuningCache.key(device).replace(" ", "\\ ").replace(":", "\\:") + "=" + value + "\n";
    }

    /**
     * What {@code action} returns and the warnings it logged on the tuning cache's logger, each as the command line
     * prints it ({@code convcl: warning: MESSAGE}).
     */
    private static <T> Object[] withStderr(Callable<T> action) throws Exception {
        var warnings = new StringBuilder();
        var logger = java.util.logging.Logger.getLogger(org.convcl.opencl.tuning.TuningCache.LOGGER_NAME);
        var handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                synchronized (warnings) {
                    warnings.append("convcl: warning: ").append(record.getMessage()).append('\n');
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            T result = action.call();
            synchronized (warnings) {
                return new Object[] {result, warnings.toString()};
            }
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void configurationsOutsideTheTunersSpaceAreRefusedWithAWarningNamingFileAndKey() throws Exception {
        var inSpace = new SgemmConfig.Blocked(6, 16, 3, 2, 4, 64);
        for (String bad : List.of(
                // JVM crash and division by zero in the issue: overflowing or absurd register blocks.
                "sgemm_blocked -DWPTM=65536 -DVW=16 -DWPTN=1 -DLOCAL_N=1 -DLOCAL_M=1 -DKC=1",
                "sgemm_blocked -DWPTM=1073741824 -DVW=16 -DWPTN=1 -DLOCAL_N=1 -DLOCAL_M=4 -DKC=1",
                // Legal but minutes to compile.
                "sgemm_blocked -DWPTM=64 -DVW=16 -DWPTN=3 -DLOCAL_N=1 -DLOCAL_M=8 -DKC=128",
                "sgemm_blocked -DWPTM=256 -DVW=16 -DWPTN=3 -DLOCAL_N=1 -DLOCAL_M=8 -DKC=128",
                "sgemm_blocked -DWPTM=4 -DVW=16 -DWPTN=3 -DLOCAL_N=1 -DLOCAL_M=8 -DKC=99999999999",
                "sgemm -DMWG=64 -DNWG=64 -DKWG=16 -DMDIMC=65536 -DNDIMC=65536 -DMDIMA=16 -DNDIMB=16 -DVWM=1 -DVWN=1"
                        + " -DSA=1 -DSB=1 -DSTRM=1 -DSTRN=1")) {
            Files.writeString(tuningCache(), line(CPU, bad));
            var result = withStderr(() -> TuningCache.lookup(CPU));
            assertEquals(Optional.empty(), result[0], bad);
            String warning = (String) result[1];
            assertEquals(1, warning.lines().count(), warning);
            assertTrue(warning.startsWith("convcl: warning: tuning cache " + tuningCache() + ": line 1, entry '"
                    + TuningCache.key(CPU) + "' skipped: "), warning);
            assertEquals(SgemmConfig.defaultFor(CPU), BackendOptions.defaultsFor(CPU).sgemm());
        }
        Files.writeString(tuningCache(), line(CPU, inSpace.encode()));
        assertEquals(Optional.of(inSpace), TuningCache.lookup(CPU), "what the tuner could store is used");
    }

    @Test
    void everyConfigurationTheTunerCanProduceIsAccepted() throws IOException {
        var space = new org.convcl.opencl.tuning.BlockedSgemmSpace(CPU);
        for (var block : space.blocks()) {
            for (var config : space.around(block)) {
                Files.writeString(tuningCache(), line(CPU, config.encode()));
                assertEquals(Optional.of(config), TuningCache.lookup(CPU), config.toString());
            }
        }
        var gpu = FakeDevices.nvidia();
        for (var config : new org.convcl.opencl.tuning.GpuSgemmSpace(gpu).sample(20, 1)) {
            Files.writeString(tuningCache(), line(gpu, config.encode()));
            assertEquals(Optional.of(config), TuningCache.lookup(gpu), config.toString());
        }
    }

    @Test
    void aDamagedLineCostsOnlyItselfAndABadDuplicateKeepsTheGoodValue() throws Exception {
        var good = new SgemmConfig.Blocked(6, 16, 3, 1, 8, 128);
        var policy = ConvPolicy.parse("FEW_FILTERS=7", ConvPolicy.defaultFor(DeviceClass.of(CPU)));
        byte[] notUtf8 = {'k', (byte) 0xff, '=', 'v', '\n'};
        var text = line(CPU, good.encode()) + "broken\\u12zz=x\n" + line(CPU, "sgemm_blocked -DWPTM=banana")
                + line(CPU, "sgemm_blocked -DWPTM=\\uZZZZ") + "#a comment\n";
        var bytes = new ByteArrayOutputStream();
        bytes.write(text.getBytes(StandardCharsets.UTF_8));
        bytes.write(notUtf8);
        bytes.write(line(FakeDevices.nvidia(), "x").getBytes(StandardCharsets.UTF_8));
        Files.write(tuningCache(), bytes.toByteArray());
        var result = withStderr(() -> TuningCache.lookup(CPU));
        assertEquals(Optional.of(good), result[0]);
        String warnings = (String) result[1];
        for (String expected : List.of(": line 2, entry 'brokenu12zz' skipped: Malformed \\uxxxx encoding.",
                ": line 3, entry '" + TuningCache.key(CPU) + "' skipped: sgemm config: '-DWPTM=banana'",
                ": line 4, entry '" + TuningCache.key(CPU) + "' skipped: Malformed \\uxxxx encoding.",
                ": line 6, entry 'k\ufffd' skipped: not UTF-8")) {
            assertTrue(warnings.contains("convcl: warning: tuning cache " + tuningCache() + expected), warnings);
        }
        assertEquals(4, warnings.lines().count(), warnings);
        TuningCache.store(CPU, policy);
        assertEquals(Optional.of(good), TuningCache.lookup(CPU), "the rewrite keeps the good value");
        assertEquals(Optional.of(policy), TuningCache.lookupPolicy(CPU), "stored beside the damage");
        assertTrue(Files.readString(tuningCache()).contains(TuningCache.key(FakeDevices.nvidia()).replace(" ", "\\ ")),
                "other devices' entries are kept");
    }

    @Test
    void anOversizedFileIsIgnoredQuicklyWithOneWarning() throws Exception {
        String entry = line(CPU, new SgemmConfig.Blocked(6, 16, 3, 1, 8, 128).encode());
        Files.writeString(tuningCache(), "#" + "x".repeat(5 << 20) + "\n" + entry);
        var result = withStderr(() -> TuningCache.lookup(CPU));
        assertEquals(Optional.empty(), result[0]);
        assertEquals("convcl: warning: tuning cache " + tuningCache() + ": is larger than " + (4 << 20)
                + " bytes, more than any tuning cache needs; ignored\n", result[1]);
    }

    @Test
    void storeRefusesLinksDirectoriesDevicesAndUnwritablePlacesNamingTheFile() throws Exception {
        Path target = dir.resolve("precious");
        Files.writeString(target, "precious\n");
        Files.createSymbolicLink(tuningCache(), target);
        assertStoreRefused(tuningCache() + ": is a symbolic link");
        assertTrue(Files.isSymbolicLink(tuningCache()));
        assertEquals("precious\n", Files.readString(target));
        Files.delete(tuningCache());
        Files.createDirectory(tuningCache());
        assertStoreRefused(tuningCache() + ": is a directory");
        Files.delete(tuningCache());
        Files.writeString(dir.resolve("file"), "");
        System.setProperty("convcl.tuning.cache", dir.resolve("file/tuning.properties").toString());
        assertStoreRefused("tuning cache " + dir.resolve("file/tuning.properties") + ": cannot write in its directory");
        assumeTrue(new ProcessBuilder("mknod", dir.resolve("fakenull").toString(), "c", "1", "3").start()
                .waitFor() == 0, "mknod needs root");
        System.setProperty("convcl.tuning.cache", dir.resolve("fakenull").toString());
        assertStoreRefused(dir.resolve("fakenull") + ": is not a regular file; not replacing it");
        assertFalse(Files.isRegularFile(dir.resolve("fakenull")), "still a device");
        try (var files = Files.list(dir)) {
            assertEquals(List.of("fakenull", "file", "precious"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
        }
    }

    private static void assertStoreRefused(String message) {
        var e = assertThrows(IllegalArgumentException.class, TuningCache::checkWritable);
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        var again = assertThrows(IllegalArgumentException.class,
                () -> TuningCache.store(CPU, SgemmConfig.defaultFor(CPU)));
        assertEquals(e.getMessage(), again.getMessage());
    }
}
