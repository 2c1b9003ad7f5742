package org.convcl.opencl;

import java.lang.ref.Cleaner;
import org.convcl.Activation;
import org.convcl.Backend;
import org.convcl.Conv2dGradients;
import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.ConvTranspose2dParams;
import org.convcl.MaxPool2dResult;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.opencl.conv.Conv2dPlan;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.device.ConvclException;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.tuning.TuningCache;

/**
 * The OpenCL implementation of {@link Backend} on one device. Device-tensor calls validate their arguments, allocate
 * the result and enqueue the operation; host-tensor calls upload, compute and download in slices of images that fit
 * the transfer budget and the memory budget (only one image that cannot fit is refused).
 * Calls are serialised: one backend may be shared by threads, but each kernel object is used by one call at a time.
 * The device buffers alive together may take at most the memory budget ({@link BackendOptions#memoryBudgetBytes},
 * never more than the device's global memory). Close it to release every OpenCL object, device tensors included;
 * after that every call throws {@link IllegalStateException}, whichever thread makes it. One that is never closed
 * releases them once garbage-collected, with a warning, as until then it holds native and device memory the garbage
 * collector does not see.
 *
 * <pre>{@code
 * try (var gpu = OpenClBackend.open();   // the default device; open("gpu"), open("cpu"), an index, a name
 *      var dx = gpu.upload(x); var dw = gpu.upload(w);
 *      var dy = gpu.conv2d(dx, dw, null, Conv2dParams.DEFAULT.withPadding(1, 1))) {
 *     Tensor y = gpu.download(dy);   // one copy back, however many operations were chained
 * }
 * }</pre>
 */
public final class OpenClBackend implements Backend, DeviceBackend {
    private final ClContext cl;
    private final TensorStore store;
    private final DeviceOps ops;
    private final HostOps host;
    private final Cleaner.Cleanable cleanable;

    private OpenClBackend(ClContext cl, BackendOptions options) {
        this.cl = cl;
        this.store = new TensorStore(this, cl);
        this.ops = new DeviceOps(cl, options, store);
        this.host = new HostOps(store, ops, Math.min(options.transferBudgetBytes(), cl.device().maxAllocBytes()));
        this.cleanable = Unclosed.CLEANER.register(this, new Forgotten(cl));
    }

    /**
     * A backend on the default device: {@code CONVCL_DEVICE} if set, else the first GPU, accelerator or CPU device.
     *
     * @return a backend to close after use
     * @throws IllegalArgumentException when {@code CONVCL_DEVICE} matches no OpenCL device
     * @throws ConvclException          when there is no OpenCL device at all; the message names the package to install
     * @see #open(String)
     */
    public static OpenClBackend open() {
        return open((String) null);
    }

    /**
     * A backend on the device {@code spec} names, with defaults from its limits: the entry point for device
     * tensors. The spec is read as by {@link org.convcl.Backends#open}: an index from {@link Devices#list()},
     * {@code gpu}, {@code cpu}, {@code accelerator}, or part of a device or platform name; null or blank reads
     * {@code CONVCL_DEVICE}, and without that takes the first GPU, else accelerator, else CPU device. Unlike
     * {@code Backends.open(null)} it never falls back to the reference, which has no device tensors.
     *
     * @param spec device spec, or null for the default device
     * @return a backend to close after use
     * @throws IllegalArgumentException when no OpenCL device matches the spec, or it is {@code reference}
     * @throws ConvclException          when there is no OpenCL device at all (no driver or no {@code libOpenCL.so.1});
     *                                  the message names the package to install
     */
    public static OpenClBackend open(String spec) {
        if (org.convcl.Backends.effectiveSpec(spec).equals("reference")) {
            throw new IllegalArgumentException("device: 'reference' has no device tensors; use Backends.open"
                    + " for it, or name an OpenCL device");
        }
        return open(Devices.choose(spec));
    }

    /**
     * A backend on {@code device} with defaults from its limits.
     *
     * @param device one of {@link Devices#list()}
     * @return a backend to close after use
     * @throws IllegalArgumentException when the device cannot run ConvCL's kernels (work-group size below 64)
     * @throws ConvclException          when OpenCL fails to make the context or queue
     */
    public static OpenClBackend open(DeviceInfo device) {
        return open(device, BackendOptions.defaultsFor(device));
    }

    /**
     * A backend on {@code device} with the given options.
     *
     * @param device  one of {@link Devices#list()}
     * @param options budgets, SGEMM configuration and path; see {@link BackendOptions#defaultsFor}
     * @return a backend to close after use
     * @throws IllegalArgumentException when the options do not fit the device, or pin a path their SGEMM kernel
     *                                  cannot run
     * @throws ConvclException          when OpenCL fails to make the context or queue
     */
    public static OpenClBackend open(DeviceInfo device, BackendOptions options) {
        var cl = new ClContext(device, Math.min(options.memoryBudgetBytes(), device.globalMemBytes()));
        try {
            return new OpenClBackend(cl, options);
        } catch (RuntimeException e) {
            cl.close();
            throw e;
        }
    }

    /**
     * The device this backend runs on.
     *
     * @return its description and limits
     */
    public DeviceInfo device() {
        return cl.device();
    }

    /**
     * How conv2d of this shape runs here, for reports such as {@code convcl bench}'s: the path, the SGEMM
     * configuration and chunks ({@link Conv2dPlan#describe()}), and where the configuration comes from
     * ({@link TuningCache#origin}). Nothing is built or enqueued.
     *
     * @param shape a validated convolution, from {@link Conv2dParams#shapeOf}
     * @return one line: the plan, then {@code "; "} and the configuration's origin
     * @throws IllegalArgumentException when this backend cannot run the shape
     */
    public String describeConv2d(Conv2dShape shape) {
        return ops.describeConv2d(shape);
    }

    /**
     * The time find mode ({@link FindMode#ON}) has spent timing conv2d algorithms on this backend, for reports.
     *
     * @return nanoseconds since the backend opened; 0 in the other modes
     */
    public synchronized long findNanos() {
        return ops.findNanos();
    }

    @Override
    public String name() {
        return cl.device().name();
    }

    @Override
    public synchronized Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Tensor residual,
                                      Activation activation) {
        return host.conv2d(input, weight, bias, params, residual, activation);
    }

    @Override
    public synchronized DeviceTensor conv2d(DeviceTensor input, DeviceTensor weight, DeviceTensor bias,
                                            Conv2dParams params) {
        return ops.conv2d(input, weight, bias, params, null, Activation.identity());
    }

    @Override
    public synchronized DeviceTensor conv2d(DeviceTensor input, DeviceTensor weight, DeviceTensor bias,
                                            Conv2dParams params, Activation activation) {
        return ops.conv2d(input, weight, bias, params, null, activation);
    }

    @Override
    public synchronized DeviceTensor conv2d(DeviceTensor input, DeviceTensor weight, DeviceTensor bias,
                                            Conv2dParams params, DeviceTensor residual, Activation activation) {
        return ops.conv2d(input, weight, bias, params, residual, activation);
    }

    @Override
    public synchronized Conv2dGradients conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight,
                                                       Conv2dParams params) {
        return host.conv2dBackward(gradOutput, input, weight, params);
    }

    /** As {@link Backend}'s, with the activation's gradient taken on the device, in the same slices. */
    @Override
    public synchronized Conv2dGradients conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight,
                                                       Conv2dParams params, Activation activation, Tensor output) {
        return host.conv2dBackward(gradOutput, input, weight, params, activation, output);
    }

    @Override
    public synchronized DeviceConv2dGradients conv2dBackward(DeviceTensor gradOutput, DeviceTensor input,
                                                             DeviceTensor weight, Conv2dParams params) {
        return ops.conv2dBackward(gradOutput, input, weight, params);
    }

    @Override
    public synchronized DeviceConv2dGradients conv2dBackward(DeviceTensor gradOutput, DeviceTensor input,
                                                             DeviceTensor weight, Conv2dParams params,
                                                             Activation activation, DeviceTensor output) {
        return ops.conv2dBackward(gradOutput, input, weight, params, activation, output);
    }

    @Override
    public synchronized Tensor activation(Tensor input, Activation activation) {
        return host.activation(input, activation);
    }

    @Override
    public synchronized Tensor activationBackward(Tensor gradOutput, Tensor output, Activation activation) {
        return host.activationBackward(gradOutput, output, activation);
    }

    @Override
    public synchronized DeviceTensor activation(DeviceTensor input, Activation activation) {
        return ops.activation(input, activation);
    }

    @Override
    public synchronized DeviceTensor activation(DeviceTensor input, Activation activation, DeviceTensor into) {
        return ops.activation(input, activation, into);
    }

    @Override
    public synchronized DeviceTensor activationBackward(DeviceTensor gradOutput, DeviceTensor output,
                                                        Activation activation) {
        return ops.activationBackward(gradOutput, output, activation);
    }

    @Override
    public synchronized DeviceTensor activationBackward(DeviceTensor gradOutput, DeviceTensor output,
                                                        Activation activation, DeviceTensor into) {
        return ops.activationBackward(gradOutput, output, activation, into);
    }

    @Override
    public synchronized Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias,
                                               ConvTranspose2dParams params) {
        return host.convTranspose2d(input, weight, bias, params);
    }

    @Override
    public synchronized DeviceTensor convTranspose2d(DeviceTensor input, DeviceTensor weight, DeviceTensor bias,
                                                     ConvTranspose2dParams params) {
        return ops.convTranspose2d(input, weight, bias, params);
    }

    @Override
    public synchronized Conv2dGradients convTranspose2dBackward(Tensor gradOutput, Tensor input, Tensor weight,
                                                                ConvTranspose2dParams params) {
        return host.convTranspose2dBackward(gradOutput, input, weight, params);
    }

    @Override
    public synchronized DeviceConv2dGradients convTranspose2dBackward(DeviceTensor gradOutput, DeviceTensor input,
                                                                      DeviceTensor weight,
                                                                      ConvTranspose2dParams params) {
        return ops.convTranspose2dBackward(gradOutput, input, weight, params);
    }

    @Override
    public synchronized MaxPool2dResult maxPool2d(Tensor input, Pool2dParams params) {
        return host.maxPool2d(input, params);
    }

    @Override
    public synchronized DeviceMaxPool maxPool2d(DeviceTensor input, Pool2dParams params) {
        return ops.maxPool2d(input, params);
    }

    @Override
    public synchronized Tensor maxPool2dOutput(Tensor input, Pool2dParams params) {
        return host.maxPool2dOutput(input, params);
    }

    @Override
    public synchronized DeviceTensor maxPool2dOutput(DeviceTensor input, Pool2dParams params) {
        return ops.maxPool2dOutput(input, params);
    }

    @Override
    public synchronized Tensor avgPool2d(Tensor input, Pool2dParams params) {
        return host.avgPool2d(input, params);
    }

    @Override
    public synchronized DeviceTensor avgPool2d(DeviceTensor input, Pool2dParams params) {
        return ops.avgPool2d(input, params);
    }

    @Override
    public synchronized Tensor maxPool2dBackward(Tensor gradOutput, long[] indices, int[] inputShape,
                                                 Pool2dParams params) {
        return host.maxPool2dBackward(gradOutput, indices, inputShape, params);
    }

    @Override
    public synchronized DeviceTensor maxPool2dBackward(DeviceTensor gradOutput, DeviceTensor indices, int[] inputShape,
                                                       Pool2dParams params) {
        return ops.maxPool2dBackward(gradOutput, indices, inputShape, params);
    }

    @Override
    public synchronized Tensor avgPool2dBackward(Tensor gradOutput, int[] inputShape, Pool2dParams params) {
        return host.avgPool2dBackward(gradOutput, inputShape, params);
    }

    @Override
    public synchronized DeviceTensor avgPool2dBackward(DeviceTensor gradOutput, int[] inputShape, Pool2dParams params) {
        return ops.avgPool2dBackward(gradOutput, inputShape, params);
    }

    @Override
    public synchronized DeviceTensor uploadIndices(long[] indices, int... shape) {
        return store.uploadIndices(indices, shape);
    }

    @Override
    public synchronized long[] downloadIndices(DeviceTensor indices) {
        return store.downloadIndices(indices);
    }

    @Override
    public synchronized DeviceTensor upload(Tensor tensor) {
        return store.upload(tensor);
    }

    @Override
    public synchronized DeviceTensor upload(Tensor tensor, DeviceTensor into) {
        return store.upload(tensor, into);
    }

    @Override
    public synchronized Tensor download(DeviceTensor tensor) {
        return store.download(tensor);
    }

    /** Waits until every operation enqueued on this backend has finished; for timing. */
    public void finish() {
        cl.finish();
    }

    @Override
    public long transferCount() {
        return cl.transferCount();
    }

    /** Device buffers alive in this backend: tensors, workspaces and scratch buffers. */
    int liveBuffers() {
        return cl.liveBuffers();
    }

    boolean isClosed() {
        return cl.isClosed();
    }

    /** Frees a tensor's buffer under this backend's lock ({@link TensorStore#release}). */
    void release(DeviceBuffer buffer) {
        store.release(buffer);
    }

    /** A new tensor of {@code shape}; a zero-element tensor still holds one element, as OpenCL has no empty buffers. */
    DeviceTensor allocate(String what, boolean int64, int... shape) {
        return store.allocate(what, int64, shape);
    }

    @Override
    public synchronized void close() {
        try {
            ops.close();
        } finally {
            cl.close();
            // Unregisters the cleaning action, which finds the context closed and does nothing.
            cleanable.clean();
        }
    }

    /**
     * The cleaning action of an unreachable backend. It holds the context alone: the operations lead back to the
     * backend through its tensor store, which would keep it reachable. Closing the context releases everything the
     * operations allocated in it (buffers, kernels, programs), then the queue and the context.
     */
    private record Forgotten(ClContext cl) implements Runnable {
        @Override
        public void run() {
            if (!cl.isClosed()) {
                Unclosed.warnOnce(System.getLogger(org.convcl.Backends.LOGGER_NAME), "an OpenCL backend",
                        "close backends (try-with-resources) to release their OpenCL context, queue, programs and"
                                + " buffers when they are done");
                cl.close();
            }
        }
    }
}
