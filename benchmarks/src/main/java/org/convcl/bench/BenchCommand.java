package org.convcl.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.convcl.Backend;
import org.convcl.cli.AbstractCommand;
import org.convcl.cli.Args;
import org.convcl.io.AtomicFile;
import org.convcl.opencl.BackendOptions;
import org.convcl.opencl.Devices;
import org.convcl.opencl.FindMode;
import org.convcl.opencl.MultiDeviceBackend;
import org.convcl.opencl.OpenClBackend;
import org.convcl.opencl.device.DeviceInfo;

/**
 * {@code convcl bench}: the suite on the chosen device, every other OpenCL device, the reference and, with
 * {@code --peers}, the CPU peers (DJL-PyTorch, ND4J) and CLBlast on the chosen device. Every contender is verified
 * against the reference before it is timed.
 */
public final class BenchCommand extends AbstractCommand {
    /**
     * The most images {@code --batch} takes: the stem's case then holds about 1 GB of input and output, and the plain
     * reference loops take minutes a case.
     */
    static final int MAX_BATCH = 256;

    public BenchCommand() {
        super("bench",
                "benchmark the suite: device against other devices, the reference, DJL-PyTorch, ND4J and CLBlast",
                new Args.Spec(Set.of("device", "suite", "layers", "batch", "csv", "chart", "find"),
                        Set.of("peers", "malloc-defaults")));
    }

    @Override
    public String usage() {
        return """
                usage: convcl bench [--device D] [--suite NAMES] [--layers SPECS] [--batch N] [--csv FILE]
                                    [--chart FILE.png] [--find MODE] [--peers] [--malloc-defaults]

                  --device D      the ConvCL device to measure (default: CONVCL_DEVICE, else GPU, accelerator, CPU);
                                  every other OpenCL device present is measured too; a spec naming several
                                  (all, 0,1, gpu*) also measures them sharing each batch (convcl-devices) beside
                                  each alone (convcl-host), both through host tensors, uploads and downloads timed
                  --suite NAMES   comma-separated case names (default: %s);
                                  heavier cases run only when named: %s
                  --layers SPECS  your own convolution layers, after the cases --suite names, or alone without
                                  it; layers separated by ';', each input=NxCxHxW,weight=KxC/GxKHxKW, then any
                                  of stride=S|SHxSW, padding=P|PHxPW, dilation=D|DHxDW, groups=G, name=NAME,
                                  count=N (the times the network runs it; the layers' total time per pass
                                  counts it N times); for example
                                  'input=8x832x7x7,weight=128x832x5x5,padding=2;
                                  input=1x3x224x224,weight=64x3x7x7,stride=2,padding=3'; @FILE reads them
                                  from FILE, one a line, '#' starting a comment
                  --batch N       run every convolution and pooling case on N images (1 to %d), named with _nN
                                  appended where that changes its batch; one image is what an inference server
                                  sees per request
                  --csv FILE      write case,backend,device,gflops,ms,verified,config,verification,faults_per_run;
                                  config says how the row ran: for ConvCL the conv2d path, its SGEMM
                                  configuration and whether that came from a 'convcl tune' entry or the device's
                                  untuned defaults; verification is full, or sampled (n of m) elements checked;
                                  faults_per_run the process's page faults per timed run
                  --chart FILE    write ConvCL on each device against the fastest CPU peer as a PNG bar chart
                  --find MODE     how ConvCL picks each case's conv2d algorithm: on (default) times every
                                  algorithm on a case's first, untimed call and stores the fastest beside the
                                  tuning cache, stored uses what earlier runs stored, off the device class's
                                  thresholds alone; the time finding took is printed
                  --peers         also run the CPU peers DJL-PyTorch and ND4J (one thread per core), and CLBlast
                                  (Sconvgemm for convolutions, Sgemm) on the chosen device; ./convcl fetches
                                  DJL-PyTorch and ND4J with Maven on first use (about 300 MB), and without them
                                  prints a note and runs CLBlast only; ./convcl then keeps freed memory in the
                                  process (GLIBC_TUNABLES), so that a peer allocating each output anew is not
                                  timed faulting it in; page faults per run are in the progress lines and the CSV
                  --malloc-defaults  with --peers, glibc's own malloc settings: what a DJL user gets untuned

                Each case runs once on the reference (plain Java loops), whose output is the expected answer; each
                contender is then verified against it, and only a verified contender is timed: warm-up for 0.25 s,
                then the median of at least 5 runs and 1 s, the device queue finished in each run, the contenders
                side by side in turns of 0.1 s, so that a slow spell of the machine falls on all. Cases above 0.2
                GFLOP are verified on a seeded sample: every element of 32 random output rows and of the first and
                last row and column of every plane; the reference computes only those, and its row's time is scaled
                to the whole output. The time verification took is printed.
                Pooling counts one operation per window element.
                """.formatted(names(BenchSuite.DEFAULT), names(BenchSuite.OPT_IN), MAX_BATCH);
    }

    /**
     * The cases a run measures, and how many times each of the layers {@code --layers} names counts in their total
     * time (empty without {@code --layers}).
     */
    record Selection(List<BenchCase> cases, Map<String, Integer> layerCounts) {
    }

    /**
     * The suite's cases {@code suite} names (all of the default suite when neither is given), then the layers
     * {@code layers} specifies, each on {@code batch} images (0 keeps each case's own): a layer given again runs
     * once and counts the sum of its counts, and two different cases may not share a name.
     */
    static Selection select(String suite, String layers, int batch) throws IOException {
        var cases = new ArrayList<BenchCase>(layers != null && suite == null ? List.of() : BenchSuite.select(suite));
        var counts = new LinkedHashMap<String, Integer>();
        for (var layer : layers == null ? List.<LayerSpecs.Layer>of() : LayerSpecs.parse(layers)) {
            var c = layer.benchCase();
            var same = cases.stream().filter(other -> other.name().equals(c.name())).findFirst();
            if (same.isEmpty()) {
                cases.add(c);
            } else if (!same.get().equals(c)) {
                throw new IllegalArgumentException("--layers: the name '" + c.name() + "' is taken by another "
                        + "case; name the layer with name=");
            }
            counts.merge(c.name(), layer.count(), Integer::sum);
        }
        var batched = new LinkedHashMap<String, Integer>();
        for (var c : cases) {
            if (counts.containsKey(c.name())) {
                batched.put(batchOf(c, batch).name(), counts.get(c.name()));
            }
        }
        return new Selection(cases.stream().map(c -> batchOf(c, batch)).toList(), batched);
    }

    private static BenchCase batchOf(BenchCase c, int batch) {
        return batch == 0 ? c : c.withBatch(batch);
    }

    private static String names(List<BenchCase> cases) {
        return String.join(",", cases.stream().map(BenchCase::name).toList());
    }

    @Override
    public void run(Args args, PrintStream out) throws IOException {
        int batch = args.intOr("batch", 0, 1);
        if (batch > MAX_BATCH) {
            throw new IllegalArgumentException("--batch: " + batch + ", must be <= " + MAX_BATCH);
        }
        var selection = select(args.value("suite"), args.value("layers"), batch);
        var cases = selection.cases();
        Path csv = args.value("csv") == null ? null : Path.of(args.value("csv"));
        Path chart = args.value("chart") == null ? null : Path.of(args.value("chart"));
        // Checked before the suite runs, which takes minutes; written together after it, both or neither.
        AtomicFile.checkTargets(Stream.of(csv, chart).filter(Objects::nonNull).toArray(Path[]::new));
        var find = args.value("find") == null ? FindMode.ON : FindMode.parse("--find", args.value("find"));
        var selected = Devices.chooseAll(args.value("device"));
        var chosen = selected.get(0);
        var contenders = new ArrayList<Contender>();
        var convcl = new ArrayList<ConvclContender>();
        try {
            for (var device : Devices.list()) {
                var contender = new ConvclContender(device, BackendOptions.defaultsFor(device).withFind(find),
                        label(device));
                convcl.add(contender);
                contenders.add(device.index() == chosen.index() ? 0 : contenders.size(), contender);
            }
            if (selected.size() > 1) {
                contenders.addAll(together(selected, find));
            }
            if (args.isSet("peers")) {
                contenders.addAll(CpuPeers.open(BenchCommand.class.getClassLoader(),
                        Runtime.getRuntime().availableProcessors(),
                        System.getProperty(CpuPeers.UNAVAILABLE_PROPERTY, CpuPeers.NOT_ON_CLASSPATH), out));
                contenders.add(new ClBlastContender(chosen));
            }
            out.println("device: " + chosen.describe());
            String affinity = System.getenv("POCL_AFFINITY");
            out.println("pocl: " + (affinity == null ? "worker threads left to the scheduler"
                    : "POCL_AFFINITY=" + affinity));
            if (args.isSet("peers")) {
                String tunables = System.getenv("GLIBC_TUNABLES");
                out.println("malloc: " + (tunables == null || tunables.isEmpty() ? "glibc's defaults"
                        : "GLIBC_TUNABLES=" + tunables));
            }
            var table = new ResultTable(new BenchRunner(contenders, out).run(cases));
            out.println();
            table.print(out);
            // By the cases run, whose names a batch has changed from the suite's.
            var kinds = cases.stream().collect(Collectors.toMap(BenchCase::name, BenchCommand::kindOf));
            printGeometricMeans(table, kinds, out);
            if (!selection.layerCounts().isEmpty()) {
                printLayerTotals(table, selection.layerCounts(), out);
            }
            if (selected.size() > 1) {
                printTogether(table, kinds, out);
            }
            for (var c : convcl) {
                out.printf(Locale.ROOT, "find (%s) on %s: %.1f s timing algorithms%n", find.name().toLowerCase(Locale.ROOT),
                        c.device(), c.openClBackend().findNanos() / 1e9);
            }
            var files = new ArrayList<AtomicFile.Output>();
            if (csv != null) {
                files.add(new AtomicFile.Output(csv, table::writeCsv));
            }
            if (chart != null) {
                files.add(new AtomicFile.Output(chart, stream -> BarChart.write(table, stream)));
            }
            AtomicFile.writeAll(files);
            if (csv != null) {
                out.println("csv: " + csv);
            }
            if (chart != null) {
                out.println("chart: " + chart);
            }
        } finally {
            closeAll(contenders);
        }
    }

    /**
     * The devices sharing each batch, then each of them alone, all through host tensors: the devices together
     * against each alone, on the same terms.
     */
    private static List<Contender> together(List<DeviceInfo> devices, FindMode find) {
        var opened = new ArrayList<Contender>();
        var shared = new ArrayList<Backend>();
        try {
            for (var device : devices) {
                shared.add(OpenClBackend.open(device, BackendOptions.defaultsFor(device).withFind(find)));
            }
            String names = String.join(" + ", devices.stream().map(BenchCommand::label).toList());
            opened.add(new HostTensorContender(MultiDeviceBackend.of(shared), HostTensorContender.TOGETHER, names));
            for (var device : devices) {
                opened.add(new HostTensorContender(OpenClBackend.open(device, BackendOptions.defaultsFor(device)
                        .withFind(find)), HostTensorContender.ALONE, label(device)));
            }
            return opened;
        } catch (RuntimeException e) {
            if (opened.isEmpty()) {
                shared.forEach(Backend::close);
            }
            closeAll(opened);
            throw e;
        }
    }

    /** A device's name, with its index where another device has that name: columns are keyed by it. */
    private static String label(DeviceInfo device) {
        boolean shared = Devices.list().stream().filter(d -> d.name().equals(device.name())).count() > 1;
        return shared ? device.index() + ":" + device.name() : device.name();
    }

    private static void printTogether(ResultTable table, Map<String, String> kinds, PrintStream out) {
        for (var kind : List.of("convolution", "pooling", "SGEMM")) {
            double g = table.geometricMeanTogether(name -> kind.equals(kinds.get(name)));
            if (!Double.isNaN(g)) {
                out.printf(Locale.ROOT, "geometric-mean speed-up of the devices together over the fastest alone"
                        + " (host tensors) on the %s cases: %.2fx%n", kind, g);
            }
        }
    }

    /** Convolutions, pooling and SGEMM apart: a mean over all of them would let one kind hide another. */
    private static void printGeometricMeans(ResultTable table, Map<String, String> kinds, PrintStream out) {
        for (String peer : List.of("djl-pytorch", "nd4j", "clblast", "reference")) {
            for (var kind : List.of("convolution", "pooling", "SGEMM")) {
                double g = table.geometricMeanSpeedup(peer, name -> kind.equals(kinds.get(name)));
                if (!Double.isNaN(g)) {
                    out.printf(Locale.ROOT, "geometric-mean speed-up of convcl over %s on the %s cases: %.2fx%n", peer,
                            kind, g);
                }
            }
        }
    }

    /**
     * The layers' total time per run on each contender that verified all of them, each layer counted as many times
     * as its network runs it: what a pass of the network's convolutions costs, where the geometric mean weighs every
     * layer alike.
     */
    private static void printLayerTotals(ResultTable table, Map<String, Integer> counts, PrintStream out) {
        var totals = table.weightedMillis(counts);
        int runs = counts.values().stream().mapToInt(Integer::intValue).sum();
        out.printf(Locale.ROOT, "the layers together (%d distinct, %d convolutions counting each count=), per pass:%n",
                counts.size(), runs);
        Double convcl = totals.entrySet().stream().filter(e -> e.getKey().startsWith("convcl @ ")).findFirst()
                .map(Map.Entry::getValue).orElse(null);
        totals.forEach((column, ms) -> out.printf(Locale.ROOT, "  %-60s %10.3f ms%s%n", column, ms,
                convcl == null || column.startsWith("convcl @ ") ? ""
                        : String.format(Locale.ROOT, "  (convcl %.2fx)", ms / convcl)));
        if (totals.isEmpty()) {
            out.println("  none: no contender verified every layer");
        }
    }

    private static String kindOf(BenchCase c) {
        return c.sgemm() ? "SGEMM" : c.pooling() ? "pooling" : "convolution";
    }

    private static void closeAll(List<Contender> contenders) {
        for (var c : contenders) {
            c.close();
        }
    }
}
