package org.convcl.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.convcl.Tensor;

/**
 * Runs each case on the reference once (its time is the reference row, its result the expected answer, in full or
 * on a sample: {@link ReferenceCheck}), then on every contender: verified first, timed only when it matches.
 */
final class BenchRunner {
    static final String REFERENCE_DEVICE = "CPU, plain Java loops";

    private final List<Contender> contenders;
    private final PrintStream progress;

    BenchRunner(List<Contender> contenders, PrintStream progress) {
        this.contenders = contenders;
        this.progress = progress;
    }

    List<Measurement> run(List<BenchCase> cases) {
        var rows = new ArrayList<Measurement>();
        int i = 0;
        long verifying = 0;
        for (var c : cases) {
            i++;
            progress.printf("[%d/%d] %s (%s, %.2f GFLOP): reference...%n", i, cases.size(), c.name(), c.describe(),
                    c.flops() / 1e9);
            Tensor x = c.input(), w = c.weight();
            long start = System.nanoTime();
            var expected = ReferenceCheck.of(c, x, w);
            verifying += System.nanoTime() - start;
            var reference = Measurement.timed(c, "reference", REFERENCE_DEVICE, expected.fullReferenceMillis())
                    .withVerification(expected.describe());
            rows.add(reference);
            for (var contender : contenders) {
                String why = contender.unsupported(c);
                if (why == null) {
                    var m = measure(contender, c, x, w, expected).withVerification(expected.describe());
                    rows.add(m);
                    progress.printf("      %-11s %-40s %s%s%n", m.backend(), m.device(), summary(m),
                            m.config().isEmpty() ? "" : "  [" + m.config() + "]");
                } else {
                    progress.printf("      %-11s %-40s n/a: %s%n", contender.backend(), contender.device(), why);
                }
            }
            progress.printf("      %-11s %-40s %s%n", "reference", REFERENCE_DEVICE, summary(reference));
        }
        long full = rows.stream().filter(m -> m.backend().equals("reference") && m.verification().equals("full")).count();
        progress.printf(Locale.ROOT, "verification: %.1f s on the reference (%d cases in full, %d sampled)%n",
                verifying / 1e9, full, cases.size() - full);
        return rows;
    }

    /** The run, then how it ran: find mode settles a case's algorithm on its first call. */
    private static Measurement measure(Contender contender, BenchCase c, Tensor x, Tensor w, ReferenceCheck expected) {
        var m = run(contender, c, x, w, expected);
        try {
            return m.withConfig(contender.configuration(c));
        } catch (RuntimeException e) {
            return Measurement.rejected(c, contender.backend(), contender.device(), "failed: " + e.getMessage());
        }
    }

    private static Measurement run(Contender contender, BenchCase c, Tensor x, Tensor w, ReferenceCheck expected) {
        try (var run = contender.prepare(c, x, w)) {
            var mismatch = expected.firstMismatch(run.result());
            if (mismatch != null) {
                return Measurement.rejected(c, contender.backend(), contender.device(), "differs from the reference: " + mismatch);
            }
            return Measurement.timed(c, contender.backend(), contender.device(), Timing.measure(run::execute));
        } catch (RuntimeException e) {
            return Measurement.rejected(c, contender.backend(), contender.device(), "failed: " + e.getMessage());
        }
    }

    static String summary(Measurement m) {
        if (!m.verified()) {
            return "NOT VERIFIED: " + m.note();
        }
        return String.format(Locale.ROOT, "%8.2f GFLOP/s %10.3f ms  verified", m.gflops(), m.ms())
                + (Double.isNaN(m.faultsPerRun()) ? "" : String.format(Locale.ROOT, ", %.0f page faults a run",
                m.faultsPerRun()));
    }
}
