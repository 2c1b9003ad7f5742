package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.convcl.cli.Main;
import org.convcl.opencl.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convcl bench --device all} over two POCL devices: each device alone on the device and through host tensors,
 * and the two sharing the batch, every row verified against the reference, in columns of their own although the
 * devices have one name.
 */
class BenchSeveralDevicesTest {
    @Test
    void twoDevicesAreMeasuredTogetherBesideEachAlone(@TempDir Path dir) throws IOException, InterruptedException {
        Path csv = dir.resolve("bench.csv");
        var r = ForkedJvm.run(Map.of("POCL_DEVICES", "pthread pthread", "CONVCL_DEVICE", ""), Main.class, "bench",
                "--device", "all", "--suite", "seed_s2x1", "--find", "off", "--csv", csv.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        var lines = Files.readAllLines(csv);
        assertEquals(ResultTable.CSV_HEADER, lines.get(0));
        // case,backend,device,... -> how many verified rows each backend and device has.
        var rows = lines.stream().skip(1).filter(l -> l.contains(",true,")).map(l -> l.split(",")[1] + " @ "
                + l.split(",")[2]).sorted().toList();
        String device = "pthread-";
        assertEquals(6, rows.size(), lines.toString());
        assertTrue(rows.get(0).startsWith("convcl @ 0:" + device) && rows.get(1).startsWith("convcl @ 1:" + device),
                rows.toString());
        assertTrue(rows.get(2).startsWith("convcl-devices @ 0:" + device) && rows.get(2).contains(" + 1:" + device),
                rows.toString());
        assertTrue(rows.get(3).startsWith("convcl-host @ 0:" + device) && rows.get(4).startsWith("convcl-host @ 1:"
                + device), rows.toString());
        assertEquals("reference @ \"CPU", rows.get(5), rows.toString());
        assertTrue(r.out().contains("geometric-mean speed-up of the devices together over the fastest alone (host"
                + " tensors) on the convolution cases: "), r.out());
    }
}
