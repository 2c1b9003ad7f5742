package org.convcl.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.convcl.Tensor;

/**
 * Runs each case on the reference once (its time is the reference row, its result the expected answer, in full or
 * on a sample: {@link ReferenceCheck}), then on every contender: verified first, timed only when it matches, the
 * contenders that match timed side by side.
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
            for (var m : measureAll(c, x, w, expected)) {
                rows.add(m.withVerification(expected.describe()));
                progress.printf("      %-11s %-40s %s%s%n", m.backend(), m.device(), summary(m),
                        m.config().isEmpty() ? "" : "  [" + m.config() + "]");
            }
            progress.printf("      %-11s %-40s %s%n", "reference", REFERENCE_DEVICE, summary(reference));
        }
        long full = rows.stream().filter(m -> m.backend().equals("reference") && m.verification().equals("full")).count();
        progress.printf(Locale.ROOT, "verification: %.1f s on the reference (%d cases in full, %d sampled)%n",
                verifying / 1e9, full, cases.size() - full);
        return rows;
    }

    /** A contender's place in a case: its prepared run where it matches the reference, else its row. */
    private record Entry(Contender contender, Contender.Run run, Measurement row) {
    }

    /**
     * The row of every contender that runs the case, in order (those that do not are printed as n/a): each is
     * verified, and those that match the reference are timed side by side ({@link Timing#interleaved}). Then how
     * each ran: find mode settles a case's algorithm on its first call.
     */
    private List<Measurement> measureAll(BenchCase c, Tensor x, Tensor w, ReferenceCheck expected) {
        var entries = new ArrayList<Entry>();
        try {
            for (var contender : contenders) {
                String why = contender.unsupported(c);
                if (why == null) {
                    entries.add(prepared(contender, c, x, w, expected));
                } else {
                    progress.printf("      %-11s %-40s n/a: %s%n", contender.backend(), contender.device(), why);
                }
            }
            var outcomes = Timing.interleaved(entries.stream().filter(e -> e.run() != null)
                    .map(e -> (Runnable) e.run()::execute).toList()).iterator();
            var rows = new ArrayList<Measurement>();
            for (var e : entries) {
                rows.add(e.run() == null ? e.row() : timed(e.contender(), c, outcomes.next()));
            }
            return rows;
        } finally {
            entries.stream().filter(e -> e.run() != null).forEach(e -> e.run().close());
        }
    }

    /** The contender's case prepared and checked: its run where it matches the reference, else the rejected row. */
    private static Entry prepared(Contender contender, BenchCase c, Tensor x, Tensor w, ReferenceCheck expected) {
        Contender.Run run = null;
        try {
            run = contender.prepare(c, x, w);
            var mismatch = expected.firstMismatch(run.result());
            if (mismatch == null) {
                return new Entry(contender, run, null);
            }
            run.close();
            return new Entry(contender, null, Measurement.rejected(c, contender.backend(), contender.device(),
                    "differs from the reference: " + mismatch));
        } catch (RuntimeException e) {
            if (run != null) {
                run.close();
            }
            return new Entry(contender, null, Measurement.rejected(c, contender.backend(), contender.device(),
                    "failed: " + e.getMessage()));
        }
    }

    private static Measurement timed(Contender contender, BenchCase c, Timing.Outcome outcome) {
        if (outcome.failure() != null) {
            return Measurement.rejected(c, contender.backend(), contender.device(),
                    "failed: " + outcome.failure().getMessage());
        }
        return configured(contender, c, Measurement.timed(c, contender.backend(), contender.device(),
                outcome.result()));
    }

    private static Measurement configured(Contender contender, BenchCase c, Measurement m) {
        try {
            return m.withConfig(contender.configuration(c));
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
