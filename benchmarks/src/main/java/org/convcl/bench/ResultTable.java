package org.convcl.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The measurements of one run as a table (one row per case, one column per backend and device, plus speed-ups of
 * the chosen ConvCL device over the reference, CLBlast and the fastest CPU peer, each where it ran, and how that
 * device ran the case)
 * and as CSV (one line per measurement, with how each contender ran the case).
 */
final class ResultTable {
    /** New columns go at the end, so that scripts reading the earlier ones by position keep working. */
    static final String CSV_HEADER = "case,backend,device,gflops,ms,verified,config,verification,faults_per_run";

    private final List<Measurement> rows;
    private final List<String> columns = new ArrayList<>();
    private final Map<String, Map<String, Measurement>> byCase = new LinkedHashMap<>();

    ResultTable(List<Measurement> rows) {
        this.rows = rows;
        for (var m : rows) {
            String column = column(m);
            if (!columns.contains(column)) {
                columns.add(column);
            }
            byCase.computeIfAbsent(m.caseName(), k -> new LinkedHashMap<>()).put(column, m);
        }
        // The chosen ConvCL device first, then other devices, devices sharing a batch and each alone through host
        // tensors, the CPU peers, CLBlast, and the reference last.
        columns.sort((a, b) -> rank(a) - rank(b));
    }

    private static String column(Measurement m) {
        return m.backend() + " @ " + m.device();
    }

    private static int rank(String column) {
        String backend = column.substring(0, column.indexOf(" @ "));
        if (backend.equals("convcl")) {
            return 0;
        }
        if (backend.equals(HostTensorContender.TOGETHER) || backend.equals(HostTensorContender.ALONE)) {
            return 1;
        }
        return CpuPeers.BACKENDS.contains(backend) ? 2 : backend.equals("clblast") ? 3 : 4;
    }

    void print(PrintStream out) {
        var header = new StringBuilder(String.format("%-28s", "case"));
        for (var c : columns) {
            header.append(" | ").append(String.format("%-24s", abbreviate(c)));
        }
        // Speed-ups only over what ran: a column of "n/a" for a peer never asked for reads as a failure.
        boolean reference = ran("reference"), clblast = ran("clblast"), peers = hasCpuPeers();
        header.append(reference ? " | convcl/reference" : "").append(clblast ? " | convcl/clblast" : "")
                .append(peers ? " | convcl/fastest CPU peer" : "").append(" | convcl plan");
        out.println(header);
        out.println("-".repeat(header.length()));
        for (var e : byCase.entrySet()) {
            var line = new StringBuilder(String.format("%-28s", e.getKey()));
            for (var c : columns) {
                var m = e.getValue().get(c);
                line.append(" | ").append(String.format("%-24s", cell(m)));
            }
            var convcl = first(e.getValue(), "convcl");
            if (reference) {
                line.append(" | ").append(String.format("%-16s", speedup(convcl, first(e.getValue(), "reference"))));
            }
            if (clblast) {
                line.append(" | ").append(String.format("%-14s", speedup(convcl, first(e.getValue(), "clblast"))));
            }
            if (peers) {
                var peer = fastestCpuPeer(e.getValue());
                line.append(" | ").append(String.format("%-23s",
                        speedup(convcl, peer) + (peer == null ? "" : " (" + peer.backend() + ")")));
            }
            line.append(" | ").append(convcl == null ? "n/a" : convcl.config());
            out.println(line);
        }
    }

    private static String abbreviate(String column) {
        return column.length() <= 24 ? column : column.substring(0, 23) + "~";
    }

    private static String cell(Measurement m) {
        if (m == null) {
            return "n/a";
        }
        return m.verified() ? String.format(Locale.ROOT, "%.3g GF/s %.3g ms", m.gflops(), m.ms()) : "NOT VERIFIED";
    }

    private static Measurement first(Map<String, Measurement> row, String backend) {
        return row.values().stream().filter(m -> m.backend().equals(backend)).findFirst().orElse(null);
    }

    /** The verified CPU peer with the most GFLOP/s in one row of {@link #byCase()}, or null when none verified. */
    static Measurement fastestCpuPeer(Map<String, Measurement> row) {
        return row.values().stream().filter(m -> m.verified() && CpuPeers.BACKENDS.contains(m.backend()))
                .max((a, b) -> Double.compare(a.gflops(), b.gflops())).orElse(null);
    }

    /** Whether any CPU peer ran, verified or not: without one, the chart compares with the reference instead. */
    boolean hasCpuPeers() {
        return CpuPeers.BACKENDS.stream().anyMatch(this::ran);
    }

    /** Whether {@code backend} ran any case, verified or not. */
    private boolean ran(String backend) {
        return rows.stream().anyMatch(m -> m.backend().equals(backend));
    }

    static String speedup(Measurement a, Measurement b) {
        if (a == null || b == null || !a.verified() || !b.verified()) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2fx", b.ms() / a.ms());
    }

    /**
     * For each column that verified every case {@code counts} names, in the table's order: the sum over those cases
     * of the count times the case's median time, in milliseconds.
     */
    Map<String, Double> weightedMillis(Map<String, Integer> counts) {
        var totals = new LinkedHashMap<String, Double>();
        for (var column : columns) {
            double sum = 0;
            boolean all = true;
            for (var e : counts.entrySet()) {
                var m = byCase.getOrDefault(e.getKey(), Map.of()).get(column);
                all &= m != null && m.verified();
                sum += all ? e.getValue() * m.ms() : 0;
            }
            if (all) {
                totals.put(column, sum);
            }
        }
        return totals;
    }

    /** Geometric mean of convcl's speed-up over {@code backend} on the chosen cases both ran and verified. */
    double geometricMeanSpeedup(String backend, Predicate<String> caseName) {
        return geometricMean(row -> first(row, "convcl"), row -> first(row, backend), caseName);
    }

    /**
     * Geometric mean of the speed-up of the devices sharing each batch over the fastest of them alone, both through
     * host tensors, on the chosen cases where all of them verified.
     */
    double geometricMeanTogether(Predicate<String> caseName) {
        return geometricMean(row -> first(row, HostTensorContender.TOGETHER), row -> {
            var alone = row.values().stream().filter(m -> m.backend().equals(HostTensorContender.ALONE)).toList();
            return alone.stream().allMatch(Measurement::verified)
                    ? alone.stream().min((x, y) -> Double.compare(x.ms(), y.ms())).orElse(null) : null;
        }, caseName);
    }

    private double geometricMean(Function<Map<String, Measurement>, Measurement> numerator,
                                 Function<Map<String, Measurement>, Measurement> denominator,
                                 Predicate<String> caseName) {
        double logSum = 0;
        int count = 0;
        for (var entry : byCase.entrySet()) {
            if (!caseName.test(entry.getKey())) {
                continue;
            }
            var row = entry.getValue();
            var a = numerator.apply(row);
            var b = denominator.apply(row);
            if (a != null && b != null && a.verified() && b.verified()) {
                logSum += Math.log(b.ms() / a.ms());
                count++;
            }
        }
        return count == 0 ? Double.NaN : Math.exp(logSum / count);
    }

    /** The rows as CSV, UTF-8, one line each after {@link #CSV_HEADER}. */
    void writeCsv(OutputStream out) throws IOException {
        var lines = new ArrayList<String>();
        lines.add(CSV_HEADER);
        for (var m : rows) {
            lines.add(String.join(",", m.caseName(), m.backend(), quote(m.device()),
                    String.format(Locale.ROOT, "%.4f", m.gflops()), String.format(Locale.ROOT, "%.4f", m.ms()),
                    Boolean.toString(m.verified()), quote(m.config()), quote(m.verification()),
                    Double.isNaN(m.faultsPerRun()) ? "" : String.format(Locale.ROOT, "%.1f", m.faultsPerRun())));
        }
        out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static String quote(String field) {
        return field.contains(",") || field.contains("\"") ? "\"" + field.replace("\"", "\"\"") + "\"" : field;
    }

    List<String> columns() {
        return columns;
    }

    Map<String, Map<String, Measurement>> byCase() {
        return byCase;
    }
}
