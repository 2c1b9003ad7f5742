package org.convcl.opencl;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
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
import org.convcl.opencl.conv.Convolutions;
import org.convcl.opencl.ops.AvgPool2d;
import org.convcl.opencl.ops.Epilogue;
import org.convcl.opencl.ops.MaxPool2d;
import org.convcl.opencl.ops.TensorOps;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.ConvclException;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.DeviceInfo;
import org.convcl.opencl.runtime.Launch;
import org.convcl.opencl.tuning.TuningCache;

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
    private final Convolutions convolutions;
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
        this.convolutions = new Convolutions(cl, options.planner(cl.device()));
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
        requireNonNull("shape", shape);
        var planner = convolutions.planner();
        return planner.forward(shape).describe() + "; " + TuningCache.origin(cl.device(), planner.context().sgemm());
    }

    @Override
    public String name() {
        return cl.device().name();
    }

    @Override
    public synchronized Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Tensor residual,
                                      Activation activation) {
        requireNonNull("params", params);
        requireNonNull("activation", activation);
        var s = params.shapeOf(input, weight, bias);
        if (residual != null) {
            Tensor.requireShape("residual", residual, s.outputShape());
        }
        return forwardInSlices(input, weight, bias, residual, s.outputShape(),
                (x, w, b, r) -> conv2d(x, w, b, params, r, activation));
    }

    /** A forward pass on device tensors: (input, weight, bias or null, residual or null) to the output. */
    private interface DeviceForward {
        DeviceTensor run(DeviceTensor input, DeviceTensor weight, DeviceTensor bias, DeviceTensor residual);
    }

    /**
     * A forward pass on host tensors: the weight and bias uploaded once, the images and the residual (null for
     * none, shaped like the output) in slices.
     */
    private Tensor forwardInSlices(Tensor input, Tensor weight, Tensor bias, Tensor residual, int[] outputShape,
                                   DeviceForward forward) {
        var out = Tensor.zeros("output", outputShape);
        try (var w = upload(weight); var b = bias == null ? null : upload(bias)) {
            var slices = slices(input.dim(0)).upload(input);
            if (residual != null) {
                slices.upload(residual);
            }
            slices.download(out).run((images, in) -> List.of(forward.run(in.get(0), w, b,
                    residual == null ? null : in.get(1))));
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
     * @throws IllegalArgumentException when a shape does not fit the parameters, a tensor belongs to another backend,
     *                                  or the result would pass the memory budget
     * @throws IllegalStateException    when this backend or a tensor is closed
     */
    public synchronized DeviceTensor conv2d(DeviceTensor input, DeviceTensor weight, DeviceTensor bias,
                                            Conv2dParams params) {
        return conv2d(input, weight, bias, params, null, Activation.identity());
    }

    /**
     * conv2d and an activation on device tensors, fused into one pass: {@code activation(conv2d(input, weight) +
     * bias)}; the result stays on the device.
     *
     * @param input      (N, C, H, W)
     * @param weight     (K, C/groups, KH, KW)
     * @param bias       (K) or null
     * @param params     stride, padding, dilation and groups
     * @param activation applied last; {@link Activation#identity()} for none
     * @return (N, K, OH, OW), owned by the caller
     * @throws IllegalArgumentException when a shape does not fit the parameters, the activation is null, a tensor
     *                                  belongs to another backend, or the result would pass the memory budget
     * @throws IllegalStateException    when this backend or a tensor is closed
     * @see #conv2d(DeviceTensor, DeviceTensor, DeviceTensor, Conv2dParams, DeviceTensor, Activation)
     */
    public synchronized DeviceTensor conv2d(DeviceTensor input, DeviceTensor weight, DeviceTensor bias,
                                            Conv2dParams params, Activation activation) {
        return conv2d(input, weight, bias, params, null, activation);
    }

    /**
     * conv2d with its epilogue fused into the kernel that writes the output, on every path:
     * {@code y = activation(conv2d(input, weight) + bias + residual)}; the result stays on the device.
     *
     * @param input      (N, C, H, W)
     * @param weight     (K, C/groups, KH, KW)
     * @param bias       (K) or null
     * @param params     stride, padding, dilation and groups
     * @param residual   (N, K, OH, OW) or null
     * @param activation {@link Activation#identity()} for none
     * @return (N, K, OH, OW), owned by the caller
     * @throws IllegalArgumentException when a shape does not fit, or the residual is the output of no such shape
     */
    public synchronized DeviceTensor conv2d(DeviceTensor input, DeviceTensor weight, DeviceTensor bias,
                                            Conv2dParams params, DeviceTensor residual, Activation activation) {
        requireNonNull("input", input);
        requireNonNull("weight", weight);
        requireNonNull("params", params);
        requireNonNull("activation", activation);
        var s = params.shapeOf(input.shape(), weight.shape(), bias == null ? null : bias.shape());
        if (residual != null) {
            requireShape("residual", residual, s.outputShape());
        }
        var epilogue = new Epilogue(activation, residual == null ? null : residual.buffer(this, "residual", false));
        return produce("output", s.outputShape(), y -> convolutions.conv2d(s, input.buffer(this, "input", false),
                weight.buffer(this, "weight", false), bias == null ? null : bias.buffer(this, "bias", false), epilogue,
                y));
    }

    @Override
    public synchronized Conv2dGradients conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight,
                                                       Conv2dParams params) {
        return conv2dBackwardInSlices(gradOutput, input, weight, params, null, null);
    }

    /** As {@link Backend}'s, with the activation's gradient taken on the device, in the same slices. */
    @Override
    public synchronized Conv2dGradients conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight,
                                                       Conv2dParams params, Activation activation, Tensor output) {
        requireNonNull("activation", activation);
        requireNonNull("output", output);
        return conv2dBackwardInSlices(gradOutput, input, weight, params, activation, output);
    }

    /** The host-tensor backward pass, with the activation's gradient where {@code activation} is not null. */
    private Conv2dGradients conv2dBackwardInSlices(Tensor gradOutput, Tensor input, Tensor weight,
                                                   Conv2dParams params, Activation activation, Tensor output) {
        requireNonNull("params", params);
        var s = params.shapeOf(input, weight, null);
        Tensor.requireShape("gradOutput", gradOutput, s.outputShape());
        if (activation != null) {
            Tensor.requireShape("output", output, s.outputShape());
        }
        return gradientsInSlices(gradOutput, input, weight, s.k(), activation == null ? null : output,
                (dy, x, w, y) -> y == null ? conv2dBackward(dy, x, w, params)
                        : conv2dBackward(dy, x, w, params, activation, y));
    }

    /**
     * A backward pass on device tensors: (gradOutput, input, weight, and the forward output where an activation's
     * gradient is taken, else null) to the gradients.
     */
    private interface DeviceBackward {
        DeviceConv2dGradients run(DeviceTensor gradOutput, DeviceTensor input, DeviceTensor weight,
                                  DeviceTensor output);
    }

    /**
     * A backward pass on host tensors, in slices of images whose weight and bias gradients are summed; with an
     * activation's forward {@code output} (null for none) the residual's gradient comes back too.
     */
    private Conv2dGradients gradientsInSlices(Tensor gradOutput, Tensor input, Tensor weight, int biasSize,
                                              Tensor output, DeviceBackward backward) {
        boolean activated = output != null;
        var grads = new Conv2dGradients(Tensor.zeros("input gradient", input.shape()),
                Tensor.zeros("weight gradient", weight.shape()), Tensor.zeros("bias gradient", biasSize),
                activated ? Tensor.zeros("residual gradient", gradOutput.shape()) : null);
        try (var w = upload(weight)) {
            var slices = slices(input.dim(0)).upload(gradOutput).upload(input).download(grads.input());
            if (activated) {
                slices.upload(output).download(grads.residual());
            }
            slices.sum(grads.weight()).sum(grads.bias()).run((images, in) -> {
                var g = backward.run(in.get(0), in.get(1), w, activated ? in.get(2) : null);
                return activated ? List.of(g.input(), g.residual(), g.weight(), g.bias())
                        : List.of(g.input(), g.weight(), g.bias());
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
     * @throws IllegalArgumentException when a shape does not fit the parameters, a tensor belongs to another backend,
     *                                  or the result would pass the memory budget
     * @throws IllegalStateException    when this backend or a tensor is closed
     */
    public synchronized DeviceConv2dGradients conv2dBackward(DeviceTensor gradOutput, DeviceTensor input,
                                                             DeviceTensor weight, Conv2dParams params) {
        requireNonNull("input", input);
        requireNonNull("weight", weight);
        var s = params.shapeOf(input.shape(), weight.shape(), null);
        requireShape("gradOutput", gradOutput, s.outputShape());
        return gradients(gradOutput, input, weight, s.k(), (dy, x, w, gx, gw, gb) ->
                convolutions.conv2dBackward(s, dy, x, w, gx, gw, gb));
    }

    /** The kernels of a backward pass: gradOutput, input and weight buffers to the three gradient buffers. */
    private interface BackwardKernels {
        void enqueue(DeviceBuffer dy, DeviceBuffer x, DeviceBuffer w, DeviceBuffer gradX, DeviceBuffer gradW,
                     DeviceBuffer gradB);
    }

    /** New gradient tensors filled by {@code kernels}, or zero weight and bias gradients when there are no images. */
    private DeviceConv2dGradients gradients(DeviceTensor gradOutput, DeviceTensor input, DeviceTensor weight,
                                            int biasSize, BackwardKernels kernels) {
        DeviceTensor gx = null;
        DeviceTensor gw = null;
        DeviceTensor gb = null;
        try {
            gx = allocate("input gradient", false, input.shape());
            gw = allocate("weight gradient", false, weight.shape());
            gb = allocate("bias gradient", false, biasSize);
            if (input.shape()[0] == 0) {
                // No images: the weight and bias gradients are sums over nothing.
                gw.buffer(this, "weight gradient", false).write(new float[(int) gw.size()]);
                gb.buffer(this, "bias gradient", false).write(new float[(int) gb.size()]);
            } else {
                kernels.enqueue(gradOutput.buffer(this, "gradOutput", false), input.buffer(this, "input", false),
                        weight.buffer(this, "weight", false), gx.buffer(this, "input gradient", false),
                        gw.buffer(this, "weight gradient", false), gb.buffer(this, "bias gradient", false));
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

    /**
     * The gradients of {@code y = activation(conv2d(input, weight) + bias + residual)} on the device: the gradient
     * through the activation, computed from y ({@link Activation#gradient}), then conv2d's gradients of it.
     *
     * @param gradOutput (N, K, OH, OW), the gradient with respect to y
     * @param input      (N, C, H, W), the forward input
     * @param weight     (K, C/groups, KH, KW), the forward weight
     * @param params     the forward parameters
     * @param activation the forward pass's activation
     * @param output     (N, K, OH, OW), the forward result y
     * @return gradients shaped like input, weight, a (K) bias and the residual (the gradient through the
     *         activation), owned by the caller
     * @throws IllegalArgumentException when a shape does not fit the parameters, the activation is null, or a
     *                                  tensor belongs to another backend
     * @throws IllegalStateException    when this backend or a tensor is closed
     */
    public synchronized DeviceConv2dGradients conv2dBackward(DeviceTensor gradOutput, DeviceTensor input,
                                                             DeviceTensor weight, Conv2dParams params,
                                                             Activation activation, DeviceTensor output) {
        requireNonNull("input", input);
        requireNonNull("weight", weight);
        requireNonNull("params", params);
        requireShape("gradOutput", gradOutput, params.shapeOf(input.shape(), weight.shape(), null).outputShape());
        return closedOnFailure(activationBackward(gradOutput, output, activation), sum -> {
            var g = conv2dBackward(sum, input, weight, params);
            return new DeviceConv2dGradients(g.input(), g.weight(), g.bias(), sum);
        });
    }

    @Override
    public synchronized Tensor activation(Tensor input, Activation activation) {
        requireNonNull("input", input);
        requireNonNull("activation", activation);
        var out = Tensor.zeros("output", input.shape());
        // Flat, so any rank slices into runs of elements.
        slices(input.size()).upload(flat(input)).download(flat(out))
                .run((images, in) -> List.of(activation(in.get(0), activation)));
        return out;
    }

    @Override
    public synchronized Tensor activationBackward(Tensor gradOutput, Tensor output, Activation activation) {
        requireNonNull("gradOutput", gradOutput);
        requireNonNull("activation", activation);
        Tensor.requireShape("output", output, gradOutput.shape());
        var grad = Tensor.zeros("gradient", gradOutput.shape());
        slices(grad.size()).upload(flat(gradOutput)).upload(flat(output)).download(flat(grad))
                .run((images, in) -> List.of(activationBackward(in.get(0), in.get(1), activation)));
        return grad;
    }

    /**
     * An activation on a device tensor, element by element.
     *
     * @param input      any shape
     * @param activation the function applied to each element
     * @return {@code activation(input)}, shaped like it, owned by the caller
     * @throws IllegalArgumentException when input is null, the activation is null (checked for a non-empty input),
     *                                  or input belongs to another backend
     * @throws IllegalStateException    when this backend or input is closed
     */
    public synchronized DeviceTensor activation(DeviceTensor input, Activation activation) {
        requireNonNull("input", input);
        return produce("activation output", input.shape(), y -> activate(input, activation, y));
    }

    /**
     * An activation written into an existing device tensor, which saves an allocation; {@code into} may be
     * {@code input} itself (in place).
     *
     * @param input      any shape
     * @param activation the function applied to each element
     * @param into       shaped like input; overwritten
     * @return {@code into}
     * @throws IllegalArgumentException when input is null, into is not shaped like it, the activation is null
     *                                  (checked for a non-empty input), or a tensor belongs to another backend
     * @throws IllegalStateException    when this backend or a tensor is closed
     */
    public synchronized DeviceTensor activation(DeviceTensor input, Activation activation, DeviceTensor into) {
        requireNonNull("input", input);
        requireShape("into", into, input.shape());
        if (into.size() > 0) {
            activate(input, activation, into.buffer(this, "into", false));
        }
        return into;
    }

    private void activate(DeviceTensor input, Activation activation, DeviceBuffer y) {
        requireNonNull("activation", activation);
        tensorOps.activation(input.buffer(this, "input", false), y, input.size(), activation);
    }

    /**
     * The gradient of an activation on the device, from its output ({@link Activation#gradient}).
     *
     * @param gradOutput the gradient with respect to {@code output}
     * @param output     the forward result, shaped like gradOutput
     * @param activation the forward pass's activation
     * @return the gradient with respect to the activation's input, shaped like gradOutput, owned by the caller
     * @throws IllegalArgumentException when gradOutput is null, the shapes differ, the activation is null (checked
     *                                  for non-empty tensors), or a tensor belongs to another backend
     * @throws IllegalStateException    when this backend or a tensor is closed
     */
    public synchronized DeviceTensor activationBackward(DeviceTensor gradOutput, DeviceTensor output,
                                                        Activation activation) {
        requireNonNull("gradOutput", gradOutput);
        requireShape("output", output, gradOutput.shape());
        return produce("activation gradient", gradOutput.shape(),
                dz -> activationGradient(gradOutput, output, activation, dz));
    }

    /**
     * As {@link #activationBackward(DeviceTensor, DeviceTensor, Activation)}, written into an existing tensor, which
     * may be {@code gradOutput} or {@code output} itself.
     *
     * @param gradOutput the gradient with respect to {@code output}
     * @param output     the forward result, shaped like gradOutput
     * @param activation the forward pass's activation
     * @param into       shaped like gradOutput; overwritten
     * @return {@code into}
     * @throws IllegalArgumentException when gradOutput is null, the shapes differ, the activation is null (checked
     *                                  for non-empty tensors), or a tensor belongs to another backend
     * @throws IllegalStateException    when this backend or a tensor is closed
     */
    public synchronized DeviceTensor activationBackward(DeviceTensor gradOutput, DeviceTensor output,
                                                        Activation activation, DeviceTensor into) {
        requireNonNull("gradOutput", gradOutput);
        requireShape("output", output, gradOutput.shape());
        requireShape("into", into, gradOutput.shape());
        if (into.size() > 0) {
            activationGradient(gradOutput, output, activation, into.buffer(this, "into", false));
        }
        return into;
    }

    private void activationGradient(DeviceTensor gradOutput, DeviceTensor output, Activation activation,
                                    DeviceBuffer dz) {
        requireNonNull("activation", activation);
        tensorOps.activationBackward(gradOutput.buffer(this, "gradOutput", false),
                output.buffer(this, "output", false), dz, gradOutput.size(), activation);
    }

    @Override
    public synchronized Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias,
                                               ConvTranspose2dParams params) {
        requireNonNull("params", params);
        var s = params.shapeOf(input, weight, bias);
        return forwardInSlices(input, weight, bias, null, s.outputShape(),
                (x, w, b, r) -> convTranspose2d(x, w, b, params));
    }

    /**
     * convTranspose2d on device tensors; the result stays on the device.
     *
     * @param input  (N, Cin, H, W)
     * @param weight (Cin, Cout/groups, KH, KW)
     * @param bias   (Cout) or null
     * @param params stride, padding, output padding, dilation and groups
     * @return (N, Cout, OH, OW), owned by the caller
     * @throws IllegalArgumentException as {@link Backend#convTranspose2d}, or when one input row's column matrix
     *                                  exceeds the column budget
     */
    public synchronized DeviceTensor convTranspose2d(DeviceTensor input, DeviceTensor weight, DeviceTensor bias,
                                                     ConvTranspose2dParams params) {
        requireNonNull("input", input);
        requireNonNull("weight", weight);
        requireNonNull("params", params);
        var s = params.shapeOf(input.shape(), weight.shape(), bias == null ? null : bias.shape());
        return produce("output", s.outputShape(), y -> convolutions.convTranspose2d(s, input.buffer(this, "input", false),
                weight.buffer(this, "weight", false), bias == null ? null : bias.buffer(this, "bias", false), y));
    }

    @Override
    public synchronized Conv2dGradients convTranspose2dBackward(Tensor gradOutput, Tensor input, Tensor weight,
                                                                ConvTranspose2dParams params) {
        requireNonNull("params", params);
        var s = params.shapeOf(input, weight, null);
        Tensor.requireShape("gradOutput", gradOutput, s.outputShape());
        return gradientsInSlices(gradOutput, input, weight, s.cOut(), null,
                (dy, x, w, y) -> convTranspose2dBackward(dy, x, w, params));
    }

    /**
     * The gradients of convTranspose2d on the device.
     *
     * @param gradOutput (N, Cout, OH, OW)
     * @param input      (N, Cin, H, W), the forward input
     * @param weight     (Cin, Cout/groups, KH, KW), the forward weight
     * @param params     the forward parameters
     * @return gradients shaped like input, weight and a (Cout) bias, owned by the caller
     * @throws IllegalArgumentException when a shape does not fit the parameters or a tensor belongs to another
     *                                  backend
     * @throws IllegalStateException    when this backend or a tensor is closed
     */
    public synchronized DeviceConv2dGradients convTranspose2dBackward(DeviceTensor gradOutput, DeviceTensor input,
                                                                      DeviceTensor weight,
                                                                      ConvTranspose2dParams params) {
        requireNonNull("input", input);
        requireNonNull("weight", weight);
        requireNonNull("params", params);
        var s = params.shapeOf(input.shape(), weight.shape(), null);
        requireShape("gradOutput", gradOutput, s.outputShape());
        return gradients(gradOutput, input, weight, s.cOut(), (dy, x, w, gx, gw, gb) ->
                convolutions.convTranspose2dBackward(s, dy, x, w, gx, gw, gb));
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
     * @throws IllegalArgumentException when a shape does not fit the parameters, a tensor belongs to another backend,
     *                                  or the result would pass the memory budget
     * @throws IllegalStateException    when this backend or a tensor is closed
     */
    public synchronized DeviceMaxPool maxPool2d(DeviceTensor input, Pool2dParams params) {
        requireNonNull("input", input);
        var s = params.shapeOf(input.shape());
        var y = allocate("max pooling output", false, s.outputShape());
        try {
            var indices = allocate("max pooling indices", true, s.outputShape());
            indices.markWindowsOf(s);
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
    public synchronized Tensor maxPool2dOutput(Tensor input, Pool2dParams params) {
        requireNonNull("params", params);
        var out = Tensor.zeros("output", params.shapeOf(input).outputShape());
        slices(input.dim(0)).upload(input).download(out)
                .run((images, in) -> List.of(maxPool2dOutput(in.get(0), params)));
        return out;
    }

    /**
     * Max pooling on the device without its indices, for inference: the kernel neither tracks nor writes them.
     *
     * @param input  (N, C, H, W)
     * @param params kernel, stride, padding, dilation and ceil mode
     * @return (N, C, OH, OW), owned by the caller
     * @throws IllegalArgumentException when a shape does not fit the parameters, a tensor belongs to another backend,
     *                                  or the result would pass the memory budget
     * @throws IllegalStateException    when this backend or a tensor is closed
     */
    public synchronized DeviceTensor maxPool2dOutput(DeviceTensor input, Pool2dParams params) {
        requireNonNull("input", input);
        var s = params.shapeOf(input.shape());
        return produce("max pooling output", s.outputShape(),
                y -> maxPool.forward(input.buffer(this, "input", false), y, null, s));
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
     * @throws IllegalArgumentException when a shape does not fit the parameters, a tensor belongs to another backend,
     *                                  or the result would pass the memory budget
     * @throws IllegalStateException    when this backend or a tensor is closed
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
     * @throws IllegalArgumentException when a shape does not fit the parameters, a tensor belongs to another backend,
     *                                  or the result would pass the memory budget
     * @throws IllegalStateException    when this backend or a tensor is closed
     */
    public synchronized DeviceTensor maxPool2dBackward(DeviceTensor gradOutput, DeviceTensor indices, int[] inputShape,
                                                       Pool2dParams params) {
        var s = params.shapeOf(inputShape);
        requireShape("gradOutput", gradOutput, s.outputShape());
        requireShape("indices", indices, s.outputShape());
        // Indices this backend's max pooling made for the same shapes lie in their windows already: checking them
        // would cost a device-to-host read in the middle of a training step.
        if (indices.size() > 0 && !indices.madeForWindowsOf(s)
                && !maxPool.indicesInWindows(indices.buffer(this, "indices", true), s)) {
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
     * @throws IllegalArgumentException when a shape does not fit the parameters, a tensor belongs to another backend,
     *                                  or the result would pass the memory budget
     * @throws IllegalStateException    when this backend or a tensor is closed
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
     * @throws IllegalArgumentException when {@code t} holds float32 values or belongs to another backend
     * @throws IllegalStateException    when this backend or {@code t} is closed
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
     * Copies a host tensor into an existing device tensor of the same shape, reusing its memory (for example a new
     * loss gradient each training step).
     *
     * @param t    the values to copy
     * @param into a float32 tensor of this backend shaped like {@code t}; overwritten
     * @return {@code into}
     * @throws IllegalArgumentException when a shape differs, or {@code into} holds indices or belongs to another
     *                                  backend
     * @throws IllegalStateException    when this backend or {@code into} is closed
     */
    public synchronized DeviceTensor upload(Tensor t, DeviceTensor into) {
        requireNonNull("tensor", t);
        requireShape("into", into, t.shape());
        var buffer = into.buffer(this, "into", false);
        if (t.size() > 0) {
            buffer.write(t.data());
        }
        return into;
    }

    /**
     * Copies a device tensor back to the host, after every operation enqueued before.
     *
     * @param t a float32 device tensor of this backend
     * @return a new host tensor of the same shape
     * @throws IllegalArgumentException when {@code t} holds indices or belongs to another backend
     * @throws IllegalStateException    when this backend or {@code t} is closed
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
        return closedOnFailure(allocate(what, false, shape), t -> {
            if (t.size() > 0) {
                kernel.accept(t.buffer(this, what, false));
            }
            return t;
        });
    }

    /** What {@code next} makes of the new tensor {@code t}; t is closed when next throws. */
    private static <R> R closedOnFailure(DeviceTensor t, Function<DeviceTensor, R> next) {
        try {
            return next.apply(t);
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

    /** The same data as one axis, so host-tensor calls slice it into runs of elements whatever its rank. */
    private static Tensor flat(Tensor t) {
        return new Tensor(t.data(), t.size());
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
            convolutions.close();
        } finally {
            cl.close();
        }
    }
}
