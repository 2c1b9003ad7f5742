package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.convcl.io.AtomicFile;
import org.convcl.opencl.BackendOptions;
import org.convcl.opencl.Devices;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.tuning.DeviceClass;
import org.convcl.opencl.tuning.SgemmConfig;
import org.convcl.opencl.tuning.TuningCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner verifies before it times, and the table, CSV and chart report what was measured. */
class BenchRunnerTest {

    @Test
    void aWrongResultIsReportedAndNotTimed(@TempDir Path dir) throws IOException {
        var progress = new ByteArrayOutputStream();
        var rows = new BenchRunner(List.of(new FakeContender("convcl", "fake device", false),
                new FakeContender("convcl", "broken device", true)),
                new PrintStream(progress, true, StandardCharsets.UTF_8)).run(BenchSuite.select("seed_s2x1"));
        assertEquals(3, rows.size());
        var good = rows.get(1);
        var bad = rows.get(2);
        assertTrue(good.verified() && good.ms() >= 0 && good.gflops() > 0, good.toString());
        assertFalse(bad.verified(), bad.toString());
        assertTrue(Double.isNaN(bad.ms()) && bad.note().contains("differs from the reference: index [5, 4, 1, 3]"), bad.note());
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("[1/1] seed_s2x1"));

        var table = new ResultTable(rows);
        var csv = dir.resolve("out.csv");
        AtomicFile.write(csv, table::writeCsv);
        var lines = Files.readAllLines(csv);
        assertEquals(ResultTable.CSV_HEADER, lines.get(0));
        assertEquals(4, lines.size());
        assertTrue(lines.get(3).startsWith("seed_s2x1,convcl,broken device,NaN,NaN,false"), lines.get(3));
        // A case this small is verified in full; the reference's row says so too.
        assertTrue(lines.get(1).startsWith("seed_s2x1,reference,") && lines.get(1).endsWith(",full,"), lines.get(1));
        assertTrue(lines.get(3).endsWith(",full,"), lines.get(3));
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("verification: "), progress.toString());
        var chart = dir.resolve("chart.png");
        AtomicFile.write(chart, out -> BarChart.write(table, out));
        assertTrue(Files.size(chart) > 1000);
    }

    @Test
    void convclAndClBlastAreVerifiedOnTheDevice() {
        var device = Devices.choose(null);
        var cases = BenchSuite.select("seed_s2x1,sgemm_256");
        try (var convcl = new ConvclContender(device); var clblast = new ClBlastContender(device)) {
            var rows = new BenchRunner(List.of(convcl, clblast), new PrintStream(new ByteArrayOutputStream()))
                    .run(cases);
            for (var m : rows) {
                assertTrue(m.verified(), m.toString());
                // Each timed row counts the page faults of its runs; the reference's time is computed, not run.
                assertEquals(!m.backend().equals("reference"), m.faultsPerRun() >= 0, m.toString());
            }
            assertEquals(6, rows.size());
            // Each row says how it ran: ConvCL its planner's path and SGEMM configuration and their origin.
            var byCase = new HashMap<String, String>();
            rows.forEach(m -> byCase.put(m.caseName() + " " + m.backend(), m.config()));
            var configuration = Map.of("seed_s2x1 convcl", convcl.configuration(cases.get(0)),
                    "sgemm_256 convcl", convcl.configuration(cases.get(1)),
                    "seed_s2x1 clblast", "Sconvgemm", "sgemm_256 clblast", "Sgemm",
                    "seed_s2x1 reference", "", "sgemm_256 reference", "");
            assertEquals(configuration, byCase);
            // The SGEMM case is the 1x1 convolution that is one matrix product: the pointwise GEMM, or the channel lanes
            // on a CPU whose 32 vector registers hold their sums.
            boolean lanes = DeviceClass.of(device) == DeviceClass.CPU
                    && device.vectorRegisters() >= DeviceInfo.WIDE_REGISTERS;
            assertTrue(byCase.get("sgemm_256 convcl").startsWith(lanes ? "CHANNEL_LANES, " : "POINTWISE, sgemm "),
                    byCase.toString());
            assertTrue(byCase.get("sgemm_256 convcl").endsWith("; untuned device default"), byCase.toString());
        }
    }

    @Test
    void theConfigurationTellsATuningEntryFromTheDefault(@TempDir Path dir) throws IOException {
        var device = Devices.choose(null);
        var c = BenchSuite.byName("sgemm_1024");
        var tuned = BackendOptions.defaultsFor(device).sgemm();
        // The default with another KC: a configuration only a tuning entry would give.
        var other = tuned instanceof SgemmConfig.Blocked b
                ? new SgemmConfig.Blocked(b.wptm(), b.vw(), b.wptn(), b.localN(), b.localM(), b.kc() / 2)
                : SgemmConfig.Tiled.of(16, 16, 8, 8, 8);
        String previous = System.getProperty("convcl.tuning.cache");
        System.setProperty("convcl.tuning.cache", dir.resolve("tuning.properties").toString());
        try {
            TuningCache.store(device, other);
            try (var convcl = new ConvclContender(device)) {
                // The plan fits a blocked configuration's work-group height to the layer: compared without it. Its
                // 1024 rows are at least 8 row-groups of a blocked kernel's work-groups, so it packs B; 1024 filters
                // are more than the channel lanes take.
                String packed = other instanceof SgemmConfig.Blocked ? ", B packed" : "";
                assertEquals(withoutHeight("POINTWISE, sgemm " + other + packed + "; tuned: the entry in "
                        + dir.resolve("tuning.properties")), withoutHeight(convcl.configuration(c)));
            }
            var options = BackendOptions.defaultsFor(device)
                    .withSgemm(SgemmConfig.defaultFor(device));
            try (var convcl = new ConvclContender(device, options)) {
                assertTrue(convcl.configuration(c).endsWith("; untuned device default"), convcl.configuration(c));
            }
        } finally {
            if (previous == null) {
                System.clearProperty("convcl.tuning.cache");
            } else {
                System.setProperty("convcl.tuning.cache", previous);
            }
        }
    }

    @Test
    void theTableAndTheCsvSayHowEachRowRan() throws IOException {
        var c = BenchSuite.byName("seed_s2x1");
        var rows = List.of(Measurement.timed(c, "convcl", "gpu", new Timing.Result(1, 2.5))
                        .withConfig("IM2COL_GEMM, sgemm x; tuned").withVerification("sampled (10 of 180)"),
                Measurement.timed(c, "reference", BenchRunner.REFERENCE_DEVICE, 10).withVerification("full"));
        var table = new ByteArrayOutputStream();
        new ResultTable(rows).print(new PrintStream(table, true, StandardCharsets.UTF_8));
        var lines = table.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.get(0).endsWith(" | convcl plan"), lines.get(0));
        assertTrue(lines.get(2).startsWith("seed_s2x1 ") && lines.get(2).endsWith(" | IM2COL_GEMM, sgemm x; tuned"),
                lines.get(2));
        var csv = new ByteArrayOutputStream();
        new ResultTable(rows).writeCsv(csv);
        var csvLines = csv.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals("case,backend,device,gflops,ms,verified,config,verification,faults_per_run", csvLines.get(0));
        assertTrue(csvLines.get(1).endsWith(",true,\"IM2COL_GEMM, sgemm x; tuned\",sampled (10 of 180),2.5"),
                csvLines.get(1));
        // The reference's time is computed, not run: no faults measured.
        assertTrue(csvLines.get(2).endsWith(",true,,full,"), csvLines.get(2));
    }

    private static String withoutHeight(String configuration) {
        return configuration.replaceAll(" local \\d+x\\d+", "");
    }
}
