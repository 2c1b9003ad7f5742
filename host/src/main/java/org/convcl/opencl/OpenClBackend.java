package org.convcl.opencl;

import org.convcl.Backend;
import org.convcl.Conv2dGradients;
import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.MaxPool2dResult;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.opencl.ops.AvgPool2d;
import org.convcl.opencl.ops.Conv2d;
import org.convcl.opencl.ops.Conv2dBackward;
import org.convcl.opencl.ops.DirectConv2d;
import org.convcl.opencl.ops.Im2col;
import org.convcl.opencl.ops.ImplicitConv2d;
import org.convcl.opencl.ops.MaxPool2d;
import org.convcl.opencl.ops.Sgemm;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;
import org.convcl.opencl.tuning.SgemmConfig;
import org.convcl.opencl.tuning.TuningCache;

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
    private final Conv2dBackward conv2dBackward;
    private final long transferBudgetBytes;
    private final MaxPool2d maxPool;
    private final AvgPool2d avgPool;
    private long transfers;

    /** Which conv2d path runs: the direct kernel, or im2col (or the 1x1 shortcut) and SGEMM. */
    public enum Path {
        /** Direct for depthwise and for convolutions too small to pay for two launches, GEMM otherwise. */
        AUTO,
        /** Always the direct kernel. */
        DIRECT,
        /** Always im2col (or the 1x1 shortcut) and SGEMM. */
        GEMM,
        /** Always the implicit GEMM, which gathers the column matrix inside the SGEMM; CPU (register-blocked SGEMM) only. */
        IMPLICIT
    }

    /**
     * @param columnBudgetBytes   the most bytes one im2col column buffer may take; larger work is chunked
     * @param path                which conv2d kernels run; tests pin each to check both on the same shapes
     * @param transferBudgetBytes the most bytes one buffer of a host-tensor call may take (never more than the
     *                            device's CL_DEVICE_MAX_MEM_ALLOC_SIZE): larger batches are uploaded, computed and
     *                            downloaded a slice of images at a time
     */
    public record Options(SgemmConfig sgemm, long columnBudgetBytes, Path path, long transferBudgetBytes) {
        public Options {
            if (columnBudgetBytes < Float.BYTES) {
                throw new IllegalArgumentException("columnBudgetBytes: " + columnBudgetBytes + ", must be >= 4");
            }
            if (transferBudgetBytes < Float.BYTES) {
                throw new IllegalArgumentException("transferBudgetBytes: " + transferBudgetBytes + ", must be >= 4");
            }
            java.util.Objects.requireNonNull(path, "path");
        }

        /** Automatic path choice; transfers limited by the device's allocation limit alone. */
        public Options(SgemmConfig sgemm, long columnBudgetBytes) {
            this(sgemm, columnBudgetBytes, Path.AUTO);
        }

        public Options(SgemmConfig sgemm, long columnBudgetBytes, Path path) {
            this(sgemm, columnBudgetBytes, path, Long.MAX_VALUE);
        }

        public Options withPath(Path p) {
            return new Options(sgemm, columnBudgetBytes, p, transferBudgetBytes);
        }

        public Options withTransferBudget(long bytes) {
            return new Options(sgemm, columnBudgetBytes, path, bytes);
        }

        /**
         * Defaults for the device: the SGEMM configuration {@code convcl tune} stored for it, else one chosen from
         * device queries; the column budget is a quarter of global memory, at most one allocation.
         */
        public static Options defaultsFor(DeviceInfo device) {
            return new Options(TuningCache.lookup(device).orElseGet(() -> SgemmConfig.defaultFor(device)),
                    Math.min(device.maxAllocBytes(), device.globalMemBytes() / 4));
        }
    }

    private OpenClBackend(ClContext cl, Options options) {
        if (cl.device().maxWorkGroupSize() < Launch.LOCAL_1D) {
            throw new IllegalArgumentException("device " + cl.device().name() + ": max work-group size "
                    + cl.device().maxWorkGroupSize() + " is below the " + Launch.LOCAL_1D + " ConvCL's kernels use");
        }
        this.cl = cl;
        this.transferBudgetBytes = Math.min(options.transferBudgetBytes(), cl.device().maxAllocBytes());
        long budget = Math.min(options.columnBudgetBytes(), cl.device().maxAllocBytes());
        var sgemm = new Sgemm(cl, options.sgemm());
        var im2col = new Im2col(cl);
        var direct = new DirectConv2d(cl);
        this.conv2d = new Conv2d(cl, im2col, direct, sgemm, new ImplicitConv2d(cl, options.sgemm()), budget,
                options.path());
        this.conv2dBackward = new Conv2dBackward(cl, im2col, sgemm, budget);
        this.maxPool = new MaxPool2d(cl);
        this.avgPool = new AvgPool2d(cl);
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
        var s = params.shapeOf(input, weight, bias);
        var out = Tensor.zeros("output", s.outputShape());
        try (var w = upload(weight); var b = bias == null ? null : upload(bias)) {
            forEachImageSlice(s.n(), (n0, images) -> {
                try (var x = uploadImages(input, n0, images); var y = conv2d(x, w, b, params)) {
                    downloadImages(y, out, n0);
                }
            }, perImage(input), perImage(out));
        }
        return out;
    }

    /** Work on images [n0, n0 + images) of a batch. */
    private interface ImageSlice {
        void run(int n0, int images);
    }

    /**
     * Calls {@code slice} on consecutive runs of a batch of {@code n} images, as many at a time as keep each
     * per-image buffer (sizes in floats) within the transfer budget, so a host call whose tensors exceed one
     * allocation still runs.
     */
    private void forEachImageSlice(int n, ImageSlice slice, long... floatsPerImage) {
        long largest = Float.BYTES * java.util.Arrays.stream(floatsPerImage).max().orElse(1);
        if (largest > transferBudgetBytes) {
            throw new IllegalArgumentException("input: one image needs a " + largest + "-byte buffer, more than the "
                    + transferBudgetBytes + " bytes one transfer may take on " + cl.device().name()
                    + " (CL_DEVICE_MAX_MEM_ALLOC_SIZE " + cl.device().maxAllocBytes() + ")");
        }
        int step = (int) Math.min(n, transferBudgetBytes / largest);
        for (int n0 = 0; n0 < n; n0 += step) {
            slice.run(n0, Math.min(step, n - n0));
        }
    }

    private static void addInto(Tensor sum, Tensor part) {
        for (int i = 0; i < sum.size(); i++) {
            sum.data()[i] += part.data()[i];
        }
    }

    /** Elements of one image (everything after the batch axis). */
    private static long perImage(Tensor t) {
        return Tensor.elementCount(java.util.Arrays.copyOfRange(t.shape(), 1, t.rank()));
    }

    /** Images [n0, n0 + images) of a host tensor, copied to a new device tensor. */
    private DeviceTensor uploadImages(Tensor t, int n0, int images) {
        int[] shape = t.shape();
        shape[0] = images;
        var d = allocate("input slice", shape);
        try {
            long per = perImage(t);
            d.buffer(this, "input slice", false).write(t.data(), (int) (n0 * per), (int) (images * per));
            transfers++;
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** Copies a device tensor holding images from {@code n0} on into the same images of {@code into}. */
    private void downloadImages(DeviceTensor d, Tensor into, int n0) {
        long per = perImage(into);
        d.buffer(this, "output slice", false).read(into.data(), (int) (n0 * per), (int) (d.size()));
        transfers++;
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
        return produce("output", s.outputShape(), y -> conv2d.enqueue(input.buffer(this, "input", false),
                weight.buffer(this, "weight", false), bias == null ? null : bias.buffer(this, "bias", false), y, s));
    }

    @Override
    public synchronized Conv2dGradients conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight,
                                                       Conv2dParams params) {
        var s = params.shapeOf(input, weight, null);
        Tensor.requireShape("gradOutput", gradOutput, s.outputShape());
        var gradInput = Tensor.zeros("input gradient", input.shape());
        var gradWeight = Tensor.zeros("weight gradient", weight.shape());
        var gradBias = Tensor.zeros("bias gradient", s.k());
        try (var w = upload(weight)) {
            forEachImageSlice(s.n(), (n0, images) -> {
                try (var dy = uploadImages(gradOutput, n0, images); var x = uploadImages(input, n0, images);
                     var grads = conv2dBackward(dy, x, w, params)) {
                    downloadImages(grads.input(), gradInput, n0);
                    // Weight and bias gradients are sums over the batch: each slice adds its share.
                    addInto(gradWeight, download(grads.weight()));
                    addInto(gradBias, download(grads.bias()));
                }
            }, perImage(gradOutput), perImage(input));
        }
        return new Conv2dGradients(gradInput, gradWeight, gradBias);
    }

    /**
     * The gradients of conv2d on the device.
     *
     * @param gradOutput (N, K, OH, OW)
     * @param input      (N, C, H, W), the forward input
     * @param weight     (K, C/groups, KH, KW), the forward weight
     * @return gradients shaped like input, weight and a (K) bias, owned by the caller
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
            gx = allocate("input gradient", input.shape());
            gw = allocate("weight gradient", weight.shape());
            gb = allocate("bias gradient", s.k());
            if (s.n() == 0) {
                // No images: the weight and bias gradients are sums over nothing.
                gw.buffer(this, "weight gradient", false).write(new float[(int) gw.size()]);
                gb.buffer(this, "bias gradient", false).write(new float[(int) gb.size()]);
            } else {
                conv2dBackward.enqueue(gradOutput.buffer(this, "gradOutput", false), input.buffer(this, "input", false),
                        weight.buffer(this, "weight", false), gx.buffer(this, "input gradient", false),
                        gw.buffer(this, "weight gradient", false), gb.buffer(this, "bias gradient", false), s);
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

    /** Runs conv2d on buffers the caller owns; for tests that surround the output with a canary. */
    void conv2d(DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, DeviceBuffer y, Conv2dShape s) {
        conv2d.enqueue(x, w, bias, y, s);
        cl.finish();
    }

    @Override
    public synchronized MaxPool2dResult maxPool2d(Tensor input, Pool2dParams params) {
        var s = params.shapeOf(input);
        var out = Tensor.zeros("output", s.outputShape());
        long[] indices = new long[out.size()];
        long per = perImage(out);
        forEachImageSlice(s.n(), (n0, images) -> {
            try (var x = uploadImages(input, n0, images); var r = maxPool2d(x, params)) {
                downloadImages(r.output(), out, n0);
                r.indices().buffer(this, "indices", true).read(indices, (int) (n0 * per), (int) (images * per));
                transfers++;
            }
        }, perImage(input), 2 * per);
        return new MaxPool2dResult(out, indices);
    }

    /**
     * Max pooling on the device.
     *
     * @param input (N, C, H, W)
     * @return output (float32) and indices (int64), each (N, C, OH, OW), owned by the caller
     */
    public synchronized DeviceMaxPool maxPool2d(DeviceTensor input, Pool2dParams params) {
        requireNonNull("input", input);
        var s = params.shapeOf(input.shape());
        var y = allocate("max pooling output", s.outputShape());
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
        var out = Tensor.zeros("output", params.shapeOf(input).outputShape());
        forEachImageSlice(input.dim(0), (n0, images) -> {
            try (var x = uploadImages(input, n0, images); var y = avgPool2d(x, params)) {
                downloadImages(y, out, n0);
            }
        }, perImage(input), perImage(out));
        return out;
    }

    /** Average pooling on the device: (N, C, H, W) to (N, C, OH, OW), owned by the caller. */
    public synchronized DeviceTensor avgPool2d(DeviceTensor input, Pool2dParams params) {
        requireNonNull("input", input);
        var s = params.shapeOf(input.shape());
        return produce("average pooling output", s.outputShape(),
                y -> avgPool.forward(input.buffer(this, "input", false), y, s));
    }

    @Override
    public synchronized Tensor maxPool2dBackward(Tensor gradOutput, long[] indices, int[] inputShape,
                                                 Pool2dParams params) {
        var s = params.shapeOf(inputShape);
        Tensor.requireShape("gradOutput", gradOutput, s.outputShape());
        if (indices == null || indices.length != gradOutput.size()) {
            throw new IllegalArgumentException("indices: must hold one value per output element (" + gradOutput.size() + ")");
        }
        long plane = (long) s.h() * s.w();
        for (int i = 0; i < indices.length; i++) {
            // The gathering kernel would silently drop an index outside the plane; refuse it here instead.
            if (indices[i] < 0 || indices[i] >= plane) {
                throw new IllegalArgumentException("indices: value " + indices[i] + " at " + i + " is outside the "
                        + s.h() + "x" + s.w() + " input plane");
            }
        }
        var grad = Tensor.zeros("gradient", s.inputShape());
        long per = perImage(gradOutput);
        forEachImageSlice(s.n(), (n0, images) -> {
            int[] sliceShape = gradOutput.shape();
            sliceShape[0] = images;
            try (var dy = uploadImages(gradOutput, n0, images); var idx = allocate("indices slice", true, sliceShape)) {
                idx.buffer(this, "indices", true).write(indices, (int) (n0 * per), (int) (images * per));
                transfers++;
                int[] inShape = inputShape.clone();
                inShape[0] = images;
                try (var dx = maxPool2dBackward(dy, idx, inShape, params)) {
                    downloadImages(dx, grad, n0);
                }
            }
        }, 2 * per, perImage(grad));
        return grad;
    }

    /**
     * The gradient of max pooling on the device.
     *
     * @param gradOutput (N, C, OH, OW)
     * @param indices    the forward pass's indices, (N, C, OH, OW)
     * @return (N, C, H, W) for {@code inputShape}, owned by the caller
     */
    public synchronized DeviceTensor maxPool2dBackward(DeviceTensor gradOutput, DeviceTensor indices, int[] inputShape,
                                                       Pool2dParams params) {
        var s = params.shapeOf(inputShape);
        requireShape("gradOutput", gradOutput, s.outputShape());
        requireShape("indices", indices, s.outputShape());
        return produce("max pooling gradient", s.inputShape(), dx -> maxPool.backward(
                gradOutput.buffer(this, "gradOutput", false), indices.buffer(this, "indices", true), dx, s));
    }

    @Override
    public synchronized Tensor avgPool2dBackward(Tensor gradOutput, int[] inputShape, Pool2dParams params) {
        var s = params.shapeOf(inputShape);
        Tensor.requireShape("gradOutput", gradOutput, s.outputShape());
        var grad = Tensor.zeros("gradient", s.inputShape());
        forEachImageSlice(s.n(), (n0, images) -> {
            int[] inShape = inputShape.clone();
            inShape[0] = images;
            try (var dy = uploadImages(gradOutput, n0, images); var dx = avgPool2dBackward(dy, inShape, params)) {
                downloadImages(dx, grad, n0);
            }
        }, perImage(gradOutput), perImage(grad));
        return grad;
    }

    /** The gradient of average pooling on the device: (N, C, OH, OW) to {@code inputShape}, owned by the caller. */
    public synchronized DeviceTensor avgPool2dBackward(DeviceTensor gradOutput, int[] inputShape, Pool2dParams params) {
        var s = params.shapeOf(inputShape);
        requireShape("gradOutput", gradOutput, s.outputShape());
        return produce("average pooling gradient", s.inputShape(),
                dx -> avgPool.backward(gradOutput.buffer(this, "gradOutput", false), dx, s));
    }

    /** A new float32 device tensor of {@code shape}, filled by {@code kernel} unless it is empty. */
    private DeviceTensor produce(String what, int[] shape, java.util.function.Consumer<DeviceBuffer> kernel) {
        var t = allocate(what, shape);
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

    private static void requireShape(String name, DeviceTensor t, int[] shape) {
        requireNonNull(name, t);
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(name + ": shape " + java.util.Arrays.toString(t.shape()) + ", must be "
                    + java.util.Arrays.toString(shape));
        }
    }

    /** Copies max pooling indices ({@code ih * W + iw} per plane) to the device. */
    public synchronized DeviceTensor uploadIndices(long[] indices, int... shape) {
        requireNonNull("indices", indices);
        if (indices.length != Tensor.elementCount(shape)) {
            throw new IllegalArgumentException("indices: " + indices.length + " values do not fill shape "
                    + java.util.Arrays.toString(shape));
        }
        var d = allocate("indices", true, shape);
        try {
            if (indices.length > 0) {
                d.buffer(this, "indices", true).write(indices);
                transfers++;
            }
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** Copies max pooling indices back to the host. */
    public synchronized long[] downloadIndices(DeviceTensor t) {
        requireNonNull("indices", t);
        long[] host = new long[Math.toIntExact(t.size())];
        if (host.length > 0) {
            t.buffer(this, "indices", true).read(host);
            transfers++;
        }
        return host;
    }

    /** Copies a host tensor to the device. */
    public synchronized DeviceTensor upload(Tensor t) {
        requireNonNull("tensor", t);
        var d = allocate("tensor " + t.shapeString(), t.shape());
        try {
            if (t.size() > 0) {
                d.buffer(this, "tensor", false).write(t.data());
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
            t.buffer(this, "tensor", false).read(host.data());
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
        return allocate(what, false, shape);
    }

    private DeviceTensor allocate(String what, boolean int64, int... shape) {
        cl.requireOpen();
        // A zero-element tensor still holds a one-element buffer, since OpenCL has no empty buffers.
        long size = Math.max(1, Tensor.elementCount(shape));
        return new DeviceTensor(this, new DeviceBuffer(cl, what, size, int64 ? Long.BYTES : Float.BYTES), int64, shape);
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
