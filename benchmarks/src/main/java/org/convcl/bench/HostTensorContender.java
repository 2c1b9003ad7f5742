package org.convcl.bench;

import org.convcl.Backend;
import org.convcl.Tensor;

/**
 * ConvCL through host tensors: each run uploads its operands, computes and downloads the output, as a caller of
 * {@link Backend} does. The bench times several devices together this way ({@code MultiDeviceBackend} shares each
 * batch among them), and each of those devices alone, so the two are compared on the same terms.
 *
 * @param target  the backend that runs the cases, closed with this contender
 * @param backend the backend column: {@link #ALONE} or {@link #TOGETHER}
 * @param device  what the device column says: a device's name, or the devices sharing the batch
 */
record HostTensorContender(Backend target, String backend, String device) implements Contender {
    /** The backend column of one device alone through host tensors. */
    static final String ALONE = "convcl-host";
    /** The backend column of several devices sharing each batch. */
    static final String TOGETHER = "convcl-devices";

    @Override
    public String configuration(BenchCase c) {
        return backend.equals(TOGETHER) ? "batch shared by measured speed, host tensors" : "host tensors";
    }

    @Override
    public Run prepare(BenchCase c, Tensor input, Tensor weight) {
        return new Run() {
            @Override
            public Tensor result() {
                return switch (c.kind()) {
                    case CONV, SGEMM -> target.conv2d(input, weight, null, c.params());
                    case AVG_POOL -> target.avgPool2d(input, c.pool());
                    case MAX_POOL -> target.maxPool2dOutput(input, c.pool());
                };
            }

            @Override
            public void execute() {
                result();
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void close() {
        target.close();
    }
}
