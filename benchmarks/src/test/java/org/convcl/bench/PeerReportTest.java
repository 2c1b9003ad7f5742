package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the CPU peers appear in the CSV, the table and the chart; the measurements are made up, nothing is timed. */
class PeerReportTest {
    private static final BenchCase CONV = BenchSuite.byName("resnet_3x3_c64_56");
    private static final BenchCase GROUPED = BenchSuite.byName("depthwise_3x3_c256_28");
    private static final String REFERENCE = BenchRunner.REFERENCE_DEVICE;

    private static Measurement at(BenchCase c, String backend, String device, double ms) {
        return Measurement.timed(c, backend, device, ms);
    }

    /** A run with ConvCL on two devices, both CPU peers, CLBlast and the reference. */
    private static List<Measurement> run() {
        var rows = new ArrayList<Measurement>();
        rows.add(at(CONV, "convcl", "gpu", 1));
        rows.add(at(CONV, "convcl", "pthread", 10));
        rows.add(at(CONV, "djl-pytorch", "CPU, PyTorch, 2 threads", 20));
        rows.add(at(CONV, "nd4j", "CPU, ND4J, 2 threads", 40));
        // CLBlast and the reference are never the chart's peer, even when faster.
        rows.add(at(CONV, "clblast", "gpu", 2));
        rows.add(at(CONV, "reference", REFERENCE, 1000));
        rows.add(at(GROUPED, "convcl", "gpu", 1));
        rows.add(at(GROUPED, "convcl", "pthread", 3));
        // A wrong answer is never the fastest peer; ND4J has no row here, as it has no grouped convolution.
        rows.add(Measurement.rejected(GROUPED, "djl-pytorch", "CPU, PyTorch, 2 threads", "differs"));
        rows.add(at(GROUPED, "reference", REFERENCE, 100));
        return rows;
    }

    @Test
    void theCsvNamesEachPeerAndMarksAWrongAnswer() throws IOException {
        var bytes = new ByteArrayOutputStream();
        new ResultTable(run()).writeCsv(bytes);
        var lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(ResultTable.CSV_HEADER, lines.get(0));
        assertEquals(11, lines.size());
        double gflops = CONV.flops() / 20e6;
        assertEquals(String.format(Locale.ROOT,
                "resnet_3x3_c64_56,djl-pytorch,\"CPU, PyTorch, 2 threads\",%.4f,20.0000,true,,,", gflops), lines.get(3));
        assertTrue(lines.get(4).startsWith("resnet_3x3_c64_56,nd4j,\"CPU, ND4J, 2 threads\","), lines.get(4));
        assertEquals("depthwise_3x3_c256_28,djl-pytorch,\"CPU, PyTorch, 2 threads\",NaN,NaN,false,,,", lines.get(9));
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("depthwise_3x3_c256_28,nd4j")));
    }

    @Test
    void theChartSetsEveryConvclDeviceAgainstTheFastestVerifiedCpuPeer() {
        var table = new ResultTable(run());
        var conv = BarChart.bars(table, table.byCase().get(CONV.name()));
        assertEquals(List.of("convcl @ gpu", "convcl @ pthread", BarChart.PEER_LEGEND),
                conv.stream().map(BarChart.Bar::legend).toList());
        assertEquals("djl-pytorch", conv.get(2).measurement().backend());
        var grouped = BarChart.bars(table, table.byCase().get(GROUPED.name()));
        assertEquals(3, grouped.size());
        assertNull(grouped.get(2).measurement(), "no verified peer: the chart says n/a");
    }

    @Test
    void withoutCpuPeersTheChartFallsBackToTheReference() {
        var rows = run().stream().filter(m -> !CpuPeers.BACKENDS.contains(m.backend())).toList();
        var table = new ResultTable(rows);
        var bars = BarChart.bars(table, table.byCase().get(CONV.name()));
        assertEquals(BarChart.REFERENCE_LEGEND, bars.get(2).legend());
        assertEquals("reference", bars.get(2).measurement().backend());
        // Issue 24, stumble 10: the title said "against the fastest CPU peer" when none ran.
        assertEquals("ConvCL on each device against the reference (plain Java loops): GFLOP/s (log scale), all"
                + " verified", BarChart.title(table));
        assertEquals("ConvCL on each device against the fastest CPU peer: GFLOP/s (log scale), all verified",
                BarChart.title(new ResultTable(run())));
    }

    /** Issue 24, stumble 10: without --peers the table had "n/a" columns for CLBlast and the CPU peers. */
    @Test
    void theTableShowsSpeedUpsOnlyOverWhatRan() {
        var rows = run().stream().filter(m -> m.backend().equals("convcl") || m.backend().equals("reference"))
                .toList();
        var out = new ByteArrayOutputStream();
        new ResultTable(rows).print(new PrintStream(out, true, StandardCharsets.UTF_8));
        var lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.get(0).endsWith(" | convcl/reference | convcl plan"), lines.get(0));
        assertTrue(lines.get(2).matches(".*\\| 1000\\.00x +\\| "), lines.get(2));
        assertTrue(lines.stream().noneMatch(l -> l.contains("clblast") || l.contains("CPU peer")), out.toString());
    }

    @Test
    void theTableListsPeersAfterConvclAndNamesTheFastestInItsSpeedUp() {
        var table = new ResultTable(run());
        assertEquals(List.of("convcl @ gpu", "convcl @ pthread", "djl-pytorch @ CPU, PyTorch, 2 threads",
                "nd4j @ CPU, ND4J, 2 threads", "clblast @ gpu", "reference @ " + REFERENCE), table.columns());
        var out = new ByteArrayOutputStream();
        table.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        var lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        // The last column, how ConvCL ran the case, is empty for these made-up rows.
        assertTrue(lines.get(2).matches(".*\\| 20\\.00x \\(djl-pytorch\\) +\\| "), lines.get(2));
        assertTrue(lines.get(3).matches(".*\\| n/a +\\| "), lines.get(3));
        assertEquals(20.0, table.geometricMeanSpeedup("djl-pytorch", name -> true), 1e-9);
    }

    @Test
    void theLayersTotalCountsEachLayerItsTimesAndLeavesOutAColumnMissingOne() {
        var totals = new ResultTable(run()).weightedMillis(Map.of(CONV.name(), 3, GROUPED.name(), 2));
        // 3 x CONV + 2 x GROUPED: DJL-PyTorch's grouped answer was wrong and ND4J has none, so both are left out.
        assertEquals(Map.of("convcl @ gpu", 3 * 1 + 2 * 1.0, "convcl @ pthread", 3 * 10 + 2 * 3.0,
                "reference @ " + REFERENCE, 3 * 1000 + 2 * 100.0), totals);
        assertEquals(List.of("convcl @ gpu", "convcl @ pthread", "reference @ " + REFERENCE),
                List.copyOf(totals.keySet()), "in the table's order");
        var one = new ResultTable(run()).weightedMillis(Map.of(CONV.name(), 1));
        assertEquals(20.0, one.get("djl-pytorch @ CPU, PyTorch, 2 threads"));
        assertEquals(2.0, one.get("clblast @ gpu"));
    }
}
