package org.convcl.bench;

/**
 * One row of the CSV: a case on one backend and device. A contender whose result differs from the reference is
 * reported with {@code verified = false} and is not timed (gflops and ms are NaN).
 *
 * @param backend      {@code convcl}, {@code clblast} or {@code reference}
 * @param config       how the contender ran the case ({@link Contender#configuration}); empty where it does not say
 * @param verification what the check covered ({@link ReferenceCheck#describe}): {@code full} or
 *                     {@code sampled (n of m)}; on the reference's row, whose time is then scaled to the whole
 *                     output, what it computed
 * @param faultsPerRun page faults of the whole process per timed run; NaN where not measured or not counted
 */
public record Measurement(String caseName, String backend, String device, double gflops, double ms, boolean verified,
                          String note, String config, String verification, double faultsPerRun) {

    static Measurement timed(BenchCase c, String backend, String device, double ms) {
        return timed(c, backend, device, new Timing.Result(ms, Double.NaN));
    }

    static Measurement timed(BenchCase c, String backend, String device, Timing.Result timing) {
        double ms = timing.medianMillis();
        return new Measurement(c.name(), backend, device, c.flops() / (ms * 1e6), ms, true, "", "", "",
                timing.faultsPerRun());
    }

    static Measurement rejected(BenchCase c, String backend, String device, String why) {
        return new Measurement(c.name(), backend, device, Double.NaN, Double.NaN, false, why, "", "", Double.NaN);
    }

    /** This row with {@code config} saying how it ran. */
    Measurement withConfig(String config) {
        return new Measurement(caseName, backend, device, gflops, ms, verified, note, config, verification,
                faultsPerRun);
    }

    /** This row with {@code verification} saying what its check covered. */
    Measurement withVerification(String verification) {
        return new Measurement(caseName, backend, device, gflops, ms, verified, note, config, verification,
                faultsPerRun);
    }
}
