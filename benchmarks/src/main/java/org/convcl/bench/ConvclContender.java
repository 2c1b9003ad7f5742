package org.convcl.bench;

import org.convcl.Tensor;
import org.convcl.opencl.BackendOptions;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.DeviceTensor;
import org.convcl.opencl.OpenClBackend;

/** ConvCL on one OpenCL device, timed with its data already on the device. */
final class ConvclContender extends NamedContender {
    private final OpenClBackend backend;

    ConvclContender(DeviceInfo device) {
        this(device, BackendOptions.defaultsFor(device));
    }

    ConvclContender(DeviceInfo device, BackendOptions options) {
        this(device, options, device.name());
    }

    /** @param label the device column: the device's name, with its index where another device has that name */
    ConvclContender(DeviceInfo device, BackendOptions options, String label) {
        super("convcl", label);
        this.backend = OpenClBackend.open(device, options);
    }

    OpenClBackend openClBackend() {
        return backend;
    }

    /** The conv2d plan ({@link OpenClBackend#describeConv2d}) of a convolution case; the kernel of a pooling one. */
    @Override
    public String configuration(BenchCase c) {
        return switch (c.kind()) {
            case CONV, SGEMM -> backend.describeConv2d(c.shape());
            case MAX_POOL -> "max-pooling kernel";
            case AVG_POOL -> "average-pooling kernel";
        };
    }

    @Override
    public Run prepare(BenchCase c, Tensor input, Tensor weight) {
        var x = backend.upload(input);
        try {
            var w = weight == null ? null : backend.upload(weight);
            return new Run() {
                @Override
                public Tensor result() {
                    try (var y = compute(c, x, w)) {
                        return backend.download(y);
                    }
                }

                @Override
                public void execute() {
                    try (var y = compute(c, x, w)) {
                        backend.finish();
                    }
                }

                @Override
                public void close() {
                    x.close();
                    if (w != null) {
                        w.close();
                    }
                }
            };
        } catch (RuntimeException e) {
            x.close();
            throw e;
        }
    }

    /** The case's output on the device; max pooling without its indices, as the peers' max pooling. */
    private DeviceTensor compute(BenchCase c, DeviceTensor x, DeviceTensor w) {
        return switch (c.kind()) {
            case CONV, SGEMM -> backend.conv2d(x, w, null, c.params());
            case AVG_POOL -> backend.avgPool2d(x, c.pool());
            case MAX_POOL -> backend.maxPool2dOutput(x, c.pool());
        };
    }

    @Override
    public void close() {
        backend.close();
    }
}
