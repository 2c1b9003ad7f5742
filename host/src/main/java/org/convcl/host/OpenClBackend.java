package org.convcl.host;

import org.convcl.reference.Backend;
import org.convcl.reference.Conv2dParams;
import org.convcl.reference.Conv2dShape;
import org.convcl.reference.Tensor;

/**
 * The OpenCL implementation of {@link Backend} on one device. Calls are serialised: one backend may be shared by
 * threads, but each kernel object is used by one call at a time. Close it to release every OpenCL object.
 *
 * <pre>{@code
 * try (Backend gpu = Devices.open("gpu")) {
 *     Tensor y = gpu.conv2d(x, w, b, Conv2dParams.DEFAULT.withPadding(1, 1));
 * }
 * }</pre>
 */
public final class OpenClBackend implements Backend {
    private final ClContext cl;
    private final Conv2d conv2d;

    /**
     * @param columnBudgetBytes the most bytes one im2col column buffer may take; larger work is chunked
     */
    public record Options(SgemmConfig sgemm, long columnBudgetBytes) {
        public Options {
            if (columnBudgetBytes < Float.BYTES) {
                throw new IllegalArgumentException("columnBudgetBytes: " + columnBudgetBytes + ", must be >= 4");
            }
        }

        /** Defaults from device queries: the column budget is a quarter of global memory, at most one allocation. */
        public static Options defaultsFor(DeviceInfo device) {
            return new Options(SgemmConfig.defaultFor(device),
                    Math.min(device.maxAllocBytes(), device.globalMemBytes() / 4));
        }
    }

    private OpenClBackend(ClContext cl, Options options) {
        this.cl = cl;
        long budget = Math.min(options.columnBudgetBytes(), cl.device().maxAllocBytes());
        this.conv2d = new Conv2d(cl, new Im2col(cl), new Sgemm(cl, options.sgemm()), budget);
    }

    /** A backend on {@code device} with defaults from its limits. */
    public static OpenClBackend open(DeviceInfo device) {
        return open(device, Options.defaultsFor(device));
    }

    public static OpenClBackend open(DeviceInfo device, Options options) {
        var cl = new ClContext(device);
        try {
            return new OpenClBackend(cl, options);
        } catch (RuntimeException e) {
            cl.close();
            throw e;
        }
    }

    public DeviceInfo device() {
        return cl.device();
    }

    @Override
    public String name() {
        return cl.device().name();
    }

    @Override
    public synchronized Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        cl.requireOpen();
        var s = params.shapeOf(input, weight, bias);
        var out = Tensor.zeros(s.outputShape());
        if (out.size() == 0) {
            return out;
        }
        try (var x = upload("input", input);
             var w = upload("weight", weight);
             var b = bias == null ? null : upload("bias", bias);
             var y = new DeviceBuffer(cl, "output", out.size())) {
            conv2d.enqueue(x, w, b, y, s);
            y.read(out.data());
        }
        return out;
    }

    /** Runs conv2d on buffers the caller owns; for tests that surround the output with a canary. */
    void conv2d(DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, DeviceBuffer y, Conv2dShape s) {
        conv2d.enqueue(x, w, bias, y, s);
        cl.finish();
    }

    ClContext context() {
        return cl;
    }

    private DeviceBuffer upload(String what, Tensor t) {
        var buffer = new DeviceBuffer(cl, what, t.size());
        try {
            buffer.write(t.data());
            return buffer;
        } catch (RuntimeException e) {
            buffer.close();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        try {
            conv2d.release();
        } finally {
            cl.close();
        }
    }
}
