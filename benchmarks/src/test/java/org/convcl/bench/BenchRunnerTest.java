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
import java.util.List;
import org.convcl.Tensor;
import org.convcl.io.AtomicFile;
import org.convcl.opencl.Devices;
import org.convcl.reference.Conv2dReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner verifies before it times, and the table, CSV and chart report what was measured. */
class BenchRunnerTest {

    /** Returns the reference's answer, or a corrupted copy of it. */
    private record FakeContender(boolean corrupt) implements Contender {
        @Override
        public String backend() {
            return "convcl";
        }

        @Override
        public String device() {
            return corrupt ? "broken device" : "fake device";
        }

        @Override
        public String unsupported(BenchCase c) {
            return null;
        }

        @Override
        public Run prepare(BenchCase c, Tensor input, Tensor weight) {
            return new Run() {
                @Override
                public Tensor result() {
                    var y = Conv2dReference.conv2d(input, weight, null, c.params());
                    if (corrupt) {
                        y.data()[y.size() - 1] += 1;
                    }
                    return y;
                }

                @Override
                public void execute() {
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aWrongResultIsReportedAndNotTimed(@TempDir Path dir) throws IOException {
        var progress = new ByteArrayOutputStream();
        var rows = new BenchRunner(List.of(new FakeContender(false), new FakeContender(true)),
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
            }
            assertEquals(6, rows.size());
        }
    }
}
