package org.convcl.bench;

import org.convcl.Backend;
import org.convcl.Tensor;

/**
 * ConvCL through host tensors: each run uploads its operands, computes and downloads the output, as a caller of
 * {@link Backend} does. The bench times several devices together this way ({@code MultiDeviceBackend} shares each
 * batch among them), and each of those devices alone, so the two are compared on the same terms.
 */
final class HostTensorContender implements Contender {
    /** The backend column of one device alone through host tensors. */
    static final String ALONE = "convcl-host";
    /** The backend column of several devices sharing each batch. */
    static final String TOGETHER = "convcl-devices";

    private final Backend backend;
    private final String column;
    private final String device;

    /**
     * @param column {@link #ALONE} or {@link #TOGETHER}
     * @param device what the device column says: a device's name, or the devices sharing the batch
     */
    HostTensorContender(Backend backend, String column, String device) {
        this.backend = backend;
        this.column = column;
        this.device = device;
    }

    @Override
    public String backend() {
        return column;
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public String configuration(BenchCase c) {
        return column.equals(TOGETHER) ? "batch shared by measured speed, host tensors" : "host tensors";
    }

    @Override
    public Run prepare(BenchCase c, Tensor input, Tensor weight) {
        return new Run() {
            @Override
            public Tensor result() {
                return switch (c.kind()) {
                    case CONV, SGEMM -> backend.conv2d(input, weight, null, c.params());
                    case AVG_POOL -> backend.avgPool2d(input, c.pool());
                    case MAX_POOL -> backend.maxPool2dOutput(input, c.pool());
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
        backend.close();
    }
}
