package org.convcl.bench;

import org.convcl.Tensor;
import org.convcl.opencl.BackendOptions;
import org.convcl.opencl.DeviceInfo;
import org.convcl.opencl.DeviceTensor;
import org.convcl.opencl.OpenClBackend;

/** ConvCL on one OpenCL device, timed with its data already on the device. */
final class ConvclContender implements Contender {
    private final OpenClBackend backend;

    ConvclContender(DeviceInfo device) {
        this(device, BackendOptions.defaultsFor(device));
    }

    ConvclContender(DeviceInfo device, BackendOptions options) {
        this.backend = OpenClBackend.open(device, options);
    }

    OpenClBackend openClBackend() {
        return backend;
    }

    @Override
    public String backend() {
        return "convcl";
    }

    @Override
    public String device() {
        return backend.name();
    }

    @Override
    public String unsupported(BenchCase c) {
        return null;
    }

    @Override
    public Run prepare(BenchCase c, Tensor input, Tensor weight) {
        var x = backend.upload(input);
        try {
            var w = backend.upload(weight);
            return new Run() {
                @Override
                public Tensor result() {
                    try (var y = backend.conv2d(x, w, null, c.params())) {
                        return backend.download(y);
                    }
                }

                @Override
                public void execute() {
                    try (DeviceTensor y = backend.conv2d(x, w, null, c.params())) {
                        backend.finish();
                    }
                }

                @Override
                public void close() {
                    x.close();
                    w.close();
                }
            };
        } catch (RuntimeException e) {
            x.close();
            throw e;
        }
    }

    @Override
    public void close() {
        backend.close();
    }
}
