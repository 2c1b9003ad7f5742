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
 * try (var gpu = OpenClBackend.open(Devices.choose("gpu"));
 *      var dx = gpu.upload(x); var dw = gpu.upload(w);
 *      var dy = gpu.conv2d(dx, dw, null, Conv2dParams.DEFAULT.withPadding(1, 1))) {
 *     Tensor y = gpu.download(dy);   // one copy back, however many operations were chained
 * }
 * }</pre>
 */
public final class OpenClBackend implements Backend {
    private final ClContext cl;
    private final Conv2d conv2d;
    private long transfers;

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
        params.shapeOf(input, weight, bias);
        try (var x = upload(input);
             var w = upload(weight);
             var b = bias == null ? null : upload(bias);
             var y = conv2d(x, w, b, params)) {
            return download(y);
        }
    }

    /**
     * conv2d on device tensors; the result stays on the device.
     *
     * @param input  (N, C, H, W)
     * @param weight (K, C/groups, KH, KW)
     * @param bias   (K) or null
     * @return (N, K, OH, OW), owned by the caller
     */
    public synchronized DeviceTensor conv2d(DeviceTensor input, DeviceTensor weight, DeviceTensor bias,
                                            Conv2dParams params) {
        requireNonNull("input", input);
        requireNonNull("weight", weight);
        var s = params.shapeOf(input.shape(), weight.shape(), bias == null ? null : bias.shape());
        var y = allocate("output", s.outputShape());
        if (y.size() > 0) {
            try {
                conv2d.enqueue(input.buffer(this, "input"), weight.buffer(this, "weight"),
                        bias == null ? null : bias.buffer(this, "bias"), y.buffer(this, "output"), s);
            } catch (RuntimeException e) {
                y.close();
                throw e;
            }
        }
        return y;
    }

    /** Runs conv2d on buffers the caller owns; for tests that surround the output with a canary. */
    void conv2d(DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, DeviceBuffer y, Conv2dShape s) {
        conv2d.enqueue(x, w, bias, y, s);
        cl.finish();
    }

    /** Copies a host tensor to the device. */
    public synchronized DeviceTensor upload(Tensor t) {
        requireNonNull("tensor", t);
        var d = allocate("tensor " + t.shapeString(), t.shape());
        try {
            if (t.size() > 0) {
                d.buffer(this, "tensor").write(t.data());
                transfers++;
            }
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** Copies a device tensor back to the host, after every operation enqueued before. */
    public synchronized Tensor download(DeviceTensor t) {
        requireNonNull("tensor", t);
        var host = Tensor.zeros(t.shape());
        if (host.size() > 0) {
            t.buffer(this, "tensor").read(host.data());
            transfers++;
        }
        return host;
    }

    /** Waits until every operation enqueued on this backend has finished; for timing. */
    public void finish() {
        cl.finish();
    }

    /** How many host-device copies this backend has made: each upload and each download counts one. */
    public synchronized long transferCount() {
        return transfers;
    }

    ClContext context() {
        return cl;
    }

    private DeviceTensor allocate(String what, int... shape) {
        cl.requireOpen();
        // A zero-element tensor still holds a one-element buffer, since OpenCL has no empty buffers.
        long size = Math.max(1, Tensor.elementCount(shape));
        return new DeviceTensor(this, new DeviceBuffer(cl, what, size), shape);
    }

    private static void requireNonNull(String name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(name + ": must not be null");
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
