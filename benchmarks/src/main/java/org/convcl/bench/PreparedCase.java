package org.convcl.bench;

import org.convcl.Tensor;
import org.convcl.opencl.Devices;

/**
 * A suite case set up for JMH: data on the device and, before any timing, the device result checked against the
 * reference; a mismatch fails the trial.
 */
final class PreparedCase implements AutoCloseable {
    final BenchCase benchCase;
    final Tensor input;
    final Tensor weight;
    private final ConvclContender contender;
    private final Contender.Run run;

    PreparedCase(String caseName, String device) {
        this.benchCase = BenchSuite.byName(caseName);
        if (benchCase.pooling()) {
            throw new IllegalArgumentException(caseName + ": the JMH benchmarks time convolutions; pooling runs in convcl bench");
        }
        this.input = benchCase.input();
        this.weight = benchCase.weight();
        this.contender = new ConvclContender(Devices.choose(device));
        this.run = contender.prepare(benchCase, input, weight);
        var mismatch = ReferenceCheck.of(benchCase, input, weight).firstMismatch(run.result());
        if (mismatch != null) {
            close();
            throw new IllegalStateException(caseName + " on " + contender.device() + " differs from the reference: " + mismatch);
        }
    }

    /** conv2d with the data already on the device, queue finished. */
    void onDevice() {
        run.execute();
    }

    /** conv2d from host arrays to a host array: upload, compute, download. */
    Tensor withTransfers() {
        return contender.openClBackend().conv2d(input, weight, null, benchCase.params());
    }

    @Override
    public void close() {
        run.close();
        contender.close();
    }
}
