package org.convcl.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import org.convcl.cli.AbstractCommand;
import org.convcl.cli.Args;
import org.convcl.opencl.Devices;
import org.convcl.opencl.tuning.TuningCache;

/** {@code convcl tune}: finds the fastest verified SGEMM configuration for a device and stores it for later runs. */
public final class TuneCommand extends AbstractCommand {
    private static final String SECONDS = "seconds";
    /** The search's budget: with start-up and the reference outputs, the command takes about a minute. */
    private static final int DEFAULT_SECONDS = 55;

    public TuneCommand() {
        super("tune", "search kernel parameters on a device and store the fastest verified ones",
                new Args.Spec(Set.of("device", SECONDS), Set.of()));
    }

    @Override
    public String usage() {
        return """
                usage: convcl tune [--device D] [--seconds S]

                Searches SGEMM configurations that fit the device (register blocks sized to its SIMD registers on
                CPUs, local-memory tiles on GPUs): first the block shapes, then work-groups and step depths around
                the best, then the leaders again. Each candidate is checked against the reference on odd shapes on
                every GEMM path before it is timed on a 3x3 stride-1 layer (Winograd on CPUs), a 3x3 stride-2 layer
                (implicit GEMM), a 1x1 layer and SGEMM 1024; it replaces the default only if at least 5%% faster
                in the final side-by-side round. The search keeps to about S seconds (default %d). The fastest
                verified configuration is stored in the per-user tuning cache (%s), keyed by device and driver
                version; later runs on that device use it.
                """.formatted(DEFAULT_SECONDS, TuningCache.location());
    }

    @Override
    public void run(Args args, PrintStream out) throws IOException {
        var device = Devices.choose(args.value("device"));
        var budget = Duration.ofSeconds(args.intOr(SECONDS, DEFAULT_SECONDS, 1));
        // A destination that cannot take the result is reported now, not after the search.
        TuningCache.checkWritable();
        out.println("tuning SGEMM on " + device.describe());
        out.println("score: time on " + String.join(", ", Tuner.WORKLOAD.stream().map(BenchCase::name).toList())
                + ", each relative to the default's (the default scores " + Tuner.WORKLOAD.size() + ")");
        var tuner = new Tuner(device, Tuner.WORKLOAD, out);
        var best = tuner.search(budget);
        TuningCache.store(device, best);
        out.println("best: " + best + "; stored in " + TuningCache.location()
                + "; later runs on this device and driver use it");
    }
}
