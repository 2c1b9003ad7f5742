package org.convcl.opencl;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.convcl.Backend;
import org.convcl.Conv2dGradients;
import org.convcl.Conv2dParams;
import org.convcl.MaxPool2dResult;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.opencl.ops.AvgPool2d;
import org.convcl.opencl.ops.Conv2d;
import org.convcl.opencl.ops.Conv2dBackward;
import org.convcl.opencl.ops.Conv2dPlanner;
import org.convcl.opencl.ops.MaxPool2d;
import org.convcl.opencl.ops.TensorOps;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;

/**
 * The OpenCL implementation of {@link Backend} on one device. Device-tensor calls validate their arguments, allocate
 * the result and enqueue the operation; host-tensor calls upload, compute and download in slices of images.
 * Calls are serialised: one backend may be shared by threads, but each kernel object is used by one call at a time.
 * The device buffers alive together may take at most the memory budget ({@link BackendOptions#memoryBudgetBytes},
 * never more than the device's global memory). Close it to release every OpenCL object, device tensors included;
 * after that every call throws {@link IllegalStateException}, whichever thread makes it.
 *
 * <pre>{@code
 * try (var gpu = OpenClBackend.open();   // the default device; open("gpu"), open("cpu"), an index, a name
 *      var dx = gpu.upload(x); var dw = gpu.upload(w);
 *      var dy = gpu.conv2d(dx, dw, null, Conv2dParams.DEFAULT.withPadding(1, 1))) {
 *     Tensor y = gpu.download(dy);   // one copy back, however many operations were chained
 * }
 * }</pre>
 */
public final class OpenClBackend implements Backend {
    private final ClContext cl;
    private final Conv2dPlanner planner;
    private final Conv2d conv2d;
    private final Conv2dBackward conv2dBackward;
    private final MaxPool2d maxPool;
    private final AvgPool2d avgPool;
    private final TensorOps tensorOps;
    private final long transferBudgetBytes;

    private OpenClBackend(ClContext cl, BackendOptions options) {
        if (cl.device().maxWorkGroupSize() < Launch.LOCAL_1D) {
            throw new IllegalArgumentException("device " + cl.device().name() + ": max work-group size "
                    + cl.device().maxWorkGroupSize() + " is below the " + Launch.LOCAL_1D + " ConvCL's kernels use");
        }
        this.cl = cl;
        this.transferBudgetBytes = Math.min(options.transferBudgetBytes(), cl.device().maxAllocBytes());
        this.planner = new Conv2dPlanner(cl.device(), options.sgemm(), options.columnBudgetBytes(), options.path());
        this.conv2d = new Conv2d(cl, options.sgemm());
        this.conv2dBackward = new Conv2dBackward(cl, options.sgemm());
        this.maxPool = new MaxPool2d(cl);
        this.avgPool = new AvgPool2d(cl);
        this.tensorOps = new TensorOps(cl);
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

    @Override
    public String name() {
        return cl.device().name();
    }

    @Override
    public synchronized Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params) {
        requireNonNull("params", params);
        var s = params.shapeOf(input, weight, bias);
        var out = Tensor.zeros("output", s.outputShape());
        try (var w = upload(weight); var b = bias == null ? null : upload(bias)) {
            slices(s.n()).upload(input).download(out)
                    .run((images, in) -> List.of(conv2d(in.get(0), w, b, params)));
        }
        return out;
    }

    /**
     * conv2d on device tensors; the result stays on the device.
     *
     * @param input  (N, C, H, W)
     * @param weight (K, C/groups, KH, KW)
     * @param bias   (K) or null
     * @param params stride, padding, dilation and groups
     * @return (N, K, OH, OW), owned by the caller
     * @throws IllegalArgumentException when a shape does not fit the parameters, a tensor is closed or belongs to
     *                                  another backend, or the result would pass the memory budget
     * @throws IllegalStateException    when this backend is closed
     */
    public synchronized DeviceTensor conv2d(DeviceTensor input, DeviceTensor weight, DeviceTensor bias,
                                            Conv2dParams params) {
        requireNonNull("input", input);
        requireNonNull("weight", weight);
        var s = params.shapeOf(input.shape(), weight.shape(), bias == null ? null : bias.shape());
        return produce("output", s.outputShape(), y -> conv2d.enqueue(planner.forward(s),
                input.buffer(this, "input", false), weight.buffer(this, "weight", false),
                bias == null ? null : bias.buffer(this, "bias", false), y));
    }

    @Override
    public synchronized Conv2dGradients conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight,
                                                       Conv2dParams params) {
        requireNonNull("params", params);
        var s = params.shapeOf(input, weight, null);
        Tensor.requireShape("gradOutput", gradOutput, s.outputShape());
        var grads = new Conv2dGradients(Tensor.zeros("input gradient", input.shape()),
                Tensor.zeros("weight gradient", weight.shape()), Tensor.zeros("bias gradient", s.k()));
        try (var w = upload(weight)) {
            slices(s.n()).upload(gradOutput).upload(input).download(grads.input()).sum(grads.weight())
                    .sum(grads.bias()).run((images, in) -> {
                        var g = conv2dBackward(in.get(0), in.get(1), w, params);
                        return List.of(g.input(), g.weight(), g.bias());
                    });
        }
        return grads;
    }

    /**
     * The gradients of conv2d on the device.
     *
     * @param gradOutput (N, K, OH, OW)
     * @param input      (N, C, H, W), the forward input
     * @param weight     (K, C/groups, KH, KW), the forward weight
     * @param params     the forward parameters
     * @return gradients shaped like input, weight and a (K) bias, owned by the caller
     * @throws IllegalArgumentException when a shape does not fit the parameters, a tensor is closed or belongs to
     *                                  another backend, or the result would pass the memory budget
     * @throws IllegalStateException    when this backend is closed
     */
    public synchronized DeviceConv2dGradients conv2dBackward(DeviceTensor gradOutput, DeviceTensor input,
                                                             DeviceTensor weight, Conv2dParams params) {
        requireNonNull("input", input);
        requireNonNull("weight", weight);
        var s = params.shapeOf(input.shape(), weight.shape(), null);
        requireShape("gradOutput", gradOutput, s.outputShape());
        DeviceTensor gx = null;
        DeviceTensor gw = null;
        DeviceTensor gb = null;
        try {
            gx = allocate("input gradient", false, input.shape());
            gw = allocate("weight gradient", false, weight.shape());
            gb = allocate("bias gradient", false, s.k());
            if (s.n() == 0) {
                // No images: the weight and bias gradients are sums over nothing.
                gw.buffer(this, "weight gradient", false).write(new float[(int) gw.size()]);
                gb.buffer(this, "bias gradient", false).write(new float[(int) gb.size()]);
            } else {
                conv2dBackward.enqueue(planner.backward(s), gradOutput.buffer(this, "gradOutput", false),
                        input.buffer(this, "input", false), weight.buffer(this, "weight", false),
                        gx.buffer(this, "input gradient", false), gw.buffer(this, "weight gradient", false),
                        gb.buffer(this, "bias gradient", false));
            }
            return new DeviceConv2dGradients(gx, gw, gb);
        } catch (RuntimeException e) {
            for (var t : new DeviceTensor[] {gx, gw, gb}) {
                if (t != null) {
                    t.close();
                }
            }
            throw e;
        }
    }

    @Override
    public synchronized MaxPool2dResult maxPool2d(Tensor input, Pool2dParams params) {
        requireNonNull("params", params);
        var s = params.shapeOf(input);
        var result = new MaxPool2dResult(Tensor.zeros("output", s.outputShape()),
                new long[(int) Tensor.elementCount(s.outputShape())]);
        slices(s.n()).upload(input).download(result.output()).downloadIndices(result.indices(), s.outputShape())
                .run((images, in) -> {
                    var r = maxPool2d(in.get(0), params);
                    return List.of(r.output(), r.indices());
                });
        return result;
    }

    /**
     * Max pooling on the device.
     *
     * @param input  (N, C, H, W)
     * @param params kernel, stride, padding, dilation and ceil mode
     * @return output (float32) and indices (int64), each (N, C, OH, OW), owned by the caller
     * @throws IllegalArgumentException when a shape does not fit the parameters, a tensor is closed or belongs to
     *                                  another backend, or the result would pass the memory budget
     * @throws IllegalStateException    when this backend is closed
     */
    public synchronized DeviceMaxPool maxPool2d(DeviceTensor input, Pool2dParams params) {
        requireNonNull("input", input);
        var s = params.shapeOf(input.shape());
        var y = allocate("max pooling output", false, s.outputShape());
        try {
            var indices = allocate("max pooling indices", true, s.outputShape());
            if (y.size() > 0) {
                maxPool.forward(input.buffer(this, "input", false), y.buffer(this, "output", false),
                        indices.buffer(this, "indices", true), s);
            }
            return new DeviceMaxPool(y, indices);
        } catch (RuntimeException e) {
            y.close();
            throw e;
        }
    }

    @Override
    public synchronized Tensor avgPool2d(Tensor input, Pool2dParams params) {
        requireNonNull("params", params);
        var out = Tensor.zeros("output", params.shapeOf(input).outputShape());
        slices(input.dim(0)).upload(input).download(out).run((images, in) -> List.of(avgPool2d(in.get(0), params)));
        return out;
    }

    /**
     * Average pooling on the device.
     *
     * @param input  (N, C, H, W)
     * @param params kernel, stride, padding, ceil mode, {@code count_include_pad} and divisor override
     * @return (N, C, OH, OW), owned by the caller
     * @throws IllegalArgumentException when a shape does not fit the parameters, a tensor is closed or belongs to
     *                                  another backend, or the result would pass the memory budget
     * @throws IllegalStateException    when this backend is closed
     */
    public synchronized DeviceTensor avgPool2d(DeviceTensor input, Pool2dParams params) {
        requireNonNull("input", input);
        var s = params.shapeOf(input.shape());
        return produce("average pooling output", s.outputShape(),
                y -> avgPool.forward(input.buffer(this, "input", false), y, s));
    }

    @Override
    public synchronized Tensor maxPool2dBackward(Tensor gradOutput, long[] indices, int[] inputShape,
                                                 Pool2dParams params) {
        requireNonNull("params", params);
        var s = params.shapeOf(inputShape);
        Tensor.requireShape("gradOutput", gradOutput, s.outputShape());
        if (indices == null || indices.length != gradOutput.size()) {
            throw new IllegalArgumentException("indices: must hold one value per output element (" + gradOutput.size() + ")");
        }
        // The gathering kernel would silently drop or misplace an index outside its window; refuse it here instead.
        s.requireIndices(indices);
        var grad = Tensor.zeros("gradient", s.inputShape());
        slices(s.n()).upload(gradOutput).uploadIndices(indices, gradOutput.shape()).download(grad)
                .run((images, in) -> List.of(maxPool2dBackward(in.get(0), in.get(1), withBatch(inputShape, images),
                        params)));
        return grad;
    }

    /**
     * The gradient of max pooling on the device.
     *
     * @param gradOutput (N, C, OH, OW)
     * @param indices    the forward pass's indices, (N, C, OH, OW); checked on the device to lie in their windows
     * @param inputShape the forward input's shape (N, C, H, W)
     * @param params     the forward parameters
     * @return (N, C, H, W) for {@code inputShape}, owned by the caller
     * @throws IllegalArgumentException when a shape does not fit the parameters, a tensor is closed or belongs to
     *                                  another backend, or the result would pass the memory budget
     * @throws IllegalStateException    when this backend is closed
     */
    public synchronized DeviceTensor maxPool2dBackward(DeviceTensor gradOutput, DeviceTensor indices, int[] inputShape,
                                                       Pool2dParams params) {
        var s = params.shapeOf(inputShape);
        requireShape("gradOutput", gradOutput, s.outputShape());
        requireShape("indices", indices, s.outputShape());
        if (indices.size() > 0 && !maxPool.indicesInWindows(indices.buffer(this, "indices", true), s)) {
            throw new IllegalArgumentException("indices: some value is not in the pooling window of its output element"
                    + " for input shape " + Arrays.toString(inputShape) + " with " + params);
        }
        return produce("max pooling gradient", s.inputShape(), dx -> maxPool.backward(
                gradOutput.buffer(this, "gradOutput", false), indices.buffer(this, "indices", true), dx, s));
    }

    @Override
    public synchronized Tensor avgPool2dBackward(Tensor gradOutput, int[] inputShape, Pool2dParams params) {
        requireNonNull("params", params);
        var s = params.shapeOf(inputShape);
        Tensor.requireShape("gradOutput", gradOutput, s.outputShape());
        var grad = Tensor.zeros("gradient", s.inputShape());
        slices(s.n()).upload(gradOutput).download(grad).run((images, in) ->
                List.of(avgPool2dBackward(in.get(0), withBatch(inputShape, images), params)));
        return grad;
    }

    /**
     * The gradient of average pooling on the device.
     *
     * @param gradOutput (N, C, OH, OW)
     * @param inputShape the forward input's shape (N, C, H, W)
     * @param params     the forward parameters
     * @return (N, C, H, W), owned by the caller
     * @throws IllegalArgumentException when a shape does not fit the parameters, a tensor is closed or belongs to
     *                                  another backend, or the result would pass the memory budget
     * @throws IllegalStateException    when this backend is closed
     */
    public synchronized DeviceTensor avgPool2dBackward(DeviceTensor gradOutput, int[] inputShape, Pool2dParams params) {
        var s = params.shapeOf(inputShape);
        requireShape("gradOutput", gradOutput, s.outputShape());
        return produce("average pooling gradient", s.inputShape(),
                dx -> avgPool.backward(gradOutput.buffer(this, "gradOutput", false), dx, s));
    }

    /**
     * Copies max pooling indices to the device.
     *
     * @param indices {@code ih * W + iw} per plane, row-major
     * @param shape   their extents, (N, C, OH, OW); the product must equal {@code indices.length}
     * @return an int64 device tensor, owned by the caller
     * @throws IllegalArgumentException when the length does not match the shape or the memory budget is passed
     * @throws IllegalStateException    when this backend is closed
     */
    public synchronized DeviceTensor uploadIndices(long[] indices, int... shape) {
        requireNonNull("indices", indices);
        if (indices.length != Tensor.elementCount(shape)) {
            throw new IllegalArgumentException("indices: " + indices.length + " values do not fill shape "
                    + Arrays.toString(shape));
        }
        var d = allocate("indices", true, shape);
        try {
            if (indices.length > 0) {
                d.buffer(this, "indices", true).write(indices);
            }
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /**
     * Copies max pooling indices back to the host, after every operation enqueued before.
     *
     * @param t an int64 device tensor of this backend
     * @return the indices, row-major
     * @throws IllegalArgumentException when {@code t} holds float32 values, is closed or belongs to another backend
     * @throws IllegalStateException    when this backend is closed
     */
    public synchronized long[] downloadIndices(DeviceTensor t) {
        requireNonNull("indices", t);
        long[] host = new long[Math.toIntExact(t.size())];
        var buffer = t.buffer(this, "indices", true);
        if (host.length > 0) {
            buffer.read(host);
        }
        return host;
    }

    /**
     * Copies a host tensor to the device.
     *
     * @param t any shape, row-major
     * @return a float32 device tensor of the same shape, owned by the caller
     * @throws IllegalArgumentException when {@code t} is null or the memory budget is passed
     * @throws IllegalStateException    when this backend is closed
     */
    public synchronized DeviceTensor upload(Tensor t) {
        requireNonNull("tensor", t);
        var d = allocate("tensor " + t.shapeString(), false, t.shape());
        try {
            if (t.size() > 0) {
                d.buffer(this, "tensor", false).write(t.data());
            }
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /**
     * Copies a device tensor back to the host, after every operation enqueued before.
     *
     * @param t a float32 device tensor of this backend
     * @return a new host tensor of the same shape
     * @throws IllegalArgumentException when {@code t} holds indices, is closed or belongs to another backend
     * @throws IllegalStateException    when this backend is closed
     */
    public synchronized Tensor download(DeviceTensor t) {
        requireNonNull("tensor", t);
        var host = Tensor.zeros(t.shape());
        var buffer = t.buffer(this, "tensor", false);
        if (host.size() > 0) {
            buffer.read(host.data());
        }
        return host;
    }

    /** Waits until every operation enqueued on this backend has finished; for timing. */
    public void finish() {
        cl.finish();
    }

    /**
     * How many host-device copies this backend has made, to check that a chain of operations stays on the device.
     *
     * @return uploads plus downloads since the backend opened
     */
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

    /**
     * Frees a tensor's buffer once no call of this backend uses it: calls hold this backend's lock while they use
     * buffers, so another thread's close cannot free one under them.
     */
    synchronized void release(DeviceBuffer buffer) {
        buffer.close();
    }

    /** A new tensor of {@code shape}; a zero-element tensor still holds one element, as OpenCL has no empty buffers. */
    DeviceTensor allocate(String what, boolean int64, int... shape) {
        requireOpen();
        long size = Math.max(1, Tensor.elementCount(shape));
        return new DeviceTensor(this, new DeviceBuffer(cl, what, size, int64 ? Long.BYTES : Float.BYTES), int64, shape);
    }

    /** Host-tensor calls start here, so even one with no images to compute refuses to run once closed. */
    private ImageSlices slices(int images) {
        requireOpen();
        return new ImageSlices(this, tensorOps, transferBudgetBytes, images);
    }

    /** A new float32 device tensor of {@code shape}, filled by {@code kernel} unless it is empty. */
    private DeviceTensor produce(String what, int[] shape, Consumer<DeviceBuffer> kernel) {
        var t = allocate(what, false, shape);
        try {
            if (t.size() > 0) {
                kernel.accept(t.buffer(this, what, false));
            }
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private void requireOpen() {
        if (cl.isClosed()) {
            throw new IllegalStateException("the OpenCL backend on " + name() + " is closed");
        }
    }

    private static int[] withBatch(int[] shape, int images) {
        int[] s = shape.clone();
        s[0] = images;
        return s;
    }

    private static void requireShape(String name, DeviceTensor t, int[] shape) {
        requireNonNull(name, t);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(t.shape()) + ", must be "
                    + Arrays.toString(shape));
        }
    }

    private static void requireNonNull(String name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(name + ": must not be null");
        }
    }

    @Override
    public synchronized void close() {
        try {
            conv2d.close();
        } finally {
            cl.close();
        }
    }
}
