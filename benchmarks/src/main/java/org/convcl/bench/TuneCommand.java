package org.convcl.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;
import org.convcl.cli.Args;
import org.convcl.cli.Command;
import org.convcl.opencl.Devices;
import org.convcl.opencl.tuning.TuningCache;

/** {@code convcl tune}: finds the fastest verified SGEMM configuration for a device and stores it for later runs. */
public final class TuneCommand implements Command {
    private static final Args.Spec SPEC = new Args.Spec(Set.of("device"), Set.of());

    @Override
    public String name() {
        return "tune";
    }

    @Override
    public String summary() {
        return "search kernel parameters on a device and store the fastest verified ones";
    }

    @Override
    public String usage() {
        return """
                usage: convcl tune [--device D]

                Tries SGEMM configurations that fit the device (tiled ones on GPUs, register-blocked direct ones on
                CPUs). Each is first checked against the reference on odd shapes, then timed on SGEMM 1024^3 and a
                3x3 128-channel layer. The fastest verified one is stored in the per-user tuning cache (%s), keyed
                by device and driver version. Later runs on that device use it automatically.
                """.formatted(TuningCache.location());
    }

    @Override
    public Args.Spec spec() {
        return SPEC;
    }

    @Override
    public void run(Args args, PrintStream out) {
        var device = Devices.choose(args.value("device"));
        var candidates = SgemmTuner.candidates(device);
        out.println("tuning SGEMM on " + device.describe());
        out.println(candidates.size() + " candidates; time is the sum of the medians on " + String.join(" and ",
                SgemmTuner.WORKLOAD.stream().map(BenchCase::name).toList()));
        var trials = SgemmTuner.run(device, candidates, SgemmTuner.WORKLOAD, out);
        var best = SgemmTuner.best(trials);
        if (best == null) {
            throw new IllegalStateException("no candidate matched the reference on " + device.name());
        }
        var fallback = trials.get(0);
        out.printf(Locale.ROOT, "best: %s, %.2f ms (the default %s: %s)%n", best.config(), best.ms(), fallback.config(),
                fallback.verified() ? String.format(Locale.ROOT, "%.2f ms", fallback.ms()) : "rejected");
        TuningCache.store(device, best.config());
        out.println("stored in " + TuningCache.location() + "; later runs on this device and driver use it");
    }
}
