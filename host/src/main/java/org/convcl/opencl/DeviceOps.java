package org.convcl.opencl;

import static org.convcl.opencl.Arguments.requireNonNull;
import static org.convcl.opencl.Arguments.requireShape;
import static org.convcl.opencl.TensorStore.closedOnFailure;

import java.util.Arrays;
import org.convcl.Activation;
import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.ConvTranspose2dParams;
import org.convcl.Pool2dParams;
import org.convcl.opencl.conv.Convolutions;
import org.convcl.opencl.ops.AvgPool2d;
import org.convcl.opencl.ops.Epilogue;
import org.convcl.opencl.ops.MaxPool2d;
import org.convcl.opencl.ops.TensorOps;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;
import org.convcl.opencl.tuning.FindDatabase;
import org.convcl.opencl.tuning.TuningCache;

/**
 * The device-tensor calls of one backend: each validates its arguments, plans, allocates the result within the
 * memory budget ({@link TensorStore}) and enqueues the operation. Callers hold the backend's lock.
 */
final class DeviceOps implements AutoCloseable {
    private final TensorStore store;
    private final Convolutions convolutions;
    private final MaxPool2d maxPool;
    private final AvgPool2d avgPool;
    private final TensorOps tensorOps;

    DeviceOps(ClContext cl, BackendOptions options, TensorStore store) {
        if (cl.device().maxWorkGroupSize() < Launch.LOCAL_1D) {
            throw new IllegalArgumentException("device " + cl.device().name() + ": max work-group size "
                    + cl.device().maxWorkGroupSize() + " is below the " + Launch.LOCAL_1D + " ConvCL's kernels use");
        }
        this.store = store;
        var find = options.find() == FindMode.OFF ? null : FindDatabase.beside(TuningCache.location());
        this.convolutions = new Convolutions(cl, options.planner(cl.device()), find, options.find() == FindMode.ON);
        this.maxPool = new MaxPool2d(cl);
        this.avgPool = new AvgPool2d(cl);
        this.tensorOps = new TensorOps(cl);
    }

    // The convolutions: planner and algorithms.

    long findNanos() {
        return convolutions.findNanos();
    }

    String describeConv2d(Conv2dShape shape) {
        requireNonNull("shape", shape);
        var planner = convolutions.planner();
        return planner.forward(shape).describe() + (planner.isFound(shape) ? ", found by timing" : "") + "; "
                + TuningCache.origin(store.device(), planner.context().sgemm());
    }

    DeviceTensor conv2d(DeviceTensor input, DeviceTensor weight, DeviceTensor bias, Conv2dParams params,
                        DeviceTensor residual, Activation activation) {
        requireNonNull("input", input);
        requireNonNull("weight", weight);
        requireNonNull("params", params);
        var s = params.shapeOf(input.shape(), weight.shape(), bias == null ? null : bias.shape());
        if (residual != null) {
            requireShape("residual", residual, s.outputShape());
        }
        var epilogue = new Epilogue(Activation.orIdentity(activation), residual == null ? null : buffer(residual, "residual"));
        return store.produce("output", s.outputShape(), y -> convolutions.conv2d(s, buffer(input, "input"),
                buffer(weight, "weight"), bias == null ? null : buffer(bias, "bias"), epilogue, y));
    }

    DeviceConv2dGradients conv2dBackward(DeviceTensor gradOutput, DeviceTensor input, DeviceTensor weight,
                                         Conv2dParams params) {
        requireNonNull("input", input);
        requireNonNull("weight", weight);
        requireNonNull("params", params);
        var s = params.shapeOf(input.shape(), weight.shape(), null);
        requireShape("gradOutput", gradOutput, s.outputShape());
        return gradients(gradOutput, input, weight, s.k(), (dy, x, w, gx, gw, gb) ->
                convolutions.conv2dBackward(s, dy, x, w, gx, gw, gb));
    }

    DeviceTensor convTranspose2d(DeviceTensor input, DeviceTensor weight, DeviceTensor bias,
                                 ConvTranspose2dParams params) {
        requireNonNull("input", input);
        requireNonNull("weight", weight);
        requireNonNull("params", params);
        var s = params.shapeOf(input.shape(), weight.shape(), bias == null ? null : bias.shape());
        return store.produce("output", s.outputShape(), y -> convolutions.convTranspose2d(s, buffer(input, "input"),
                buffer(weight, "weight"), bias == null ? null : buffer(bias, "bias"), y));
    }

    DeviceConv2dGradients convTranspose2dBackward(DeviceTensor gradOutput, DeviceTensor input, DeviceTensor weight,
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
    public void close() {
        convolutions.close();
    }

    // What the convolutions share: the zero-batch case and the activation's gradient.

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
            gx = store.allocate("input gradient", false, input.shape());
            gw = store.allocate("weight gradient", false, weight.shape());
            gb = store.allocate("bias gradient", false, biasSize);
            if (input.shape()[0] == 0) {
                // No images: the weight and bias gradients are sums over nothing.
                buffer(gw, "weight gradient").write(new float[(int) gw.size()]);
                buffer(gb, "bias gradient").write(new float[(int) gb.size()]);
            } else {
                kernels.enqueue(buffer(gradOutput, "gradOutput"), buffer(input, "input"), buffer(weight, "weight"),
                        buffer(gx, "input gradient"), buffer(gw, "weight gradient"), buffer(gb, "bias gradient"));
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

    DeviceConv2dGradients conv2dBackward(DeviceTensor gradOutput, DeviceTensor input, DeviceTensor weight,
                                         Conv2dParams params, Activation activation, DeviceTensor output) {
        requireNonNull("input", input);
        requireNonNull("weight", weight);
        requireNonNull("params", params);
        requireShape("gradOutput", gradOutput, params.shapeOf(input.shape(), weight.shape(), null).outputShape());
        return closedOnFailure(activationBackward(gradOutput, output, activation), sum -> {
            var g = conv2dBackward(sum, input, weight, params);
            return new DeviceConv2dGradients(g.input(), g.weight(), g.bias(), sum);
        });
    }

    // Element-wise operations.

    DeviceTensor activation(DeviceTensor input, Activation activation) {
        requireNonNull("input", input);
        return store.produce("activation output", input.shape(), y -> activate(input, activation, y));
    }

    DeviceTensor activation(DeviceTensor input, Activation activation, DeviceTensor into) {
        requireNonNull("input", input);
        requireShape("into", into, input.shape());
        if (into.size() > 0) {
            activate(input, activation, written(into, "into"));
        }
        return into;
    }

    private void activate(DeviceTensor input, Activation activation, DeviceBuffer y) {
        requireNonNull("activation", activation);
        tensorOps.activation(buffer(input, "input"), y, input.size(), activation);
    }

    DeviceTensor activationBackward(DeviceTensor gradOutput, DeviceTensor output, Activation activation) {
        requireNonNull("gradOutput", gradOutput);
        requireShape("output", output, gradOutput.shape());
        return store.produce("activation gradient", gradOutput.shape(),
                dz -> activationGradient(gradOutput, output, activation, dz));
    }

    DeviceTensor activationBackward(DeviceTensor gradOutput, DeviceTensor output, Activation activation,
                                    DeviceTensor into) {
        requireNonNull("gradOutput", gradOutput);
        requireShape("output", output, gradOutput.shape());
        requireShape("into", into, gradOutput.shape());
        if (into.size() > 0) {
            activationGradient(gradOutput, output, activation, written(into, "into"));
        }
        return into;
    }

    private void activationGradient(DeviceTensor gradOutput, DeviceTensor output, Activation activation,
                                    DeviceBuffer dz) {
        requireNonNull("activation", activation);
        tensorOps.activationBackward(buffer(gradOutput, "gradOutput"), buffer(output, "output"), dz,
                gradOutput.size(), activation);
    }

    /** Adds {@code part} into {@code total}, element by element; both float32 and of the same size. */
    void addInPlace(DeviceTensor total, DeviceTensor part) {
        tensorOps.addInPlace(written(total, "sum"), buffer(part, "sum slice"), part.size());
    }

    // Pooling.

    DeviceMaxPool maxPool2d(DeviceTensor input, Pool2dParams params) {
        requireNonNull("input", input);
        requireNonNull("params", params);
        var s = params.shapeOf(input.shape());
        return closedOnFailure(store.allocate("max pooling output", false, s.outputShape()), y -> {
            var indices = store.allocate("max pooling indices", true, s.outputShape());
            indices.markWindowsOf(s);
            if (y.size() > 0) {
                maxPool.forward(buffer(input, "input"), buffer(y, "output"), store.buffer(indices, "indices", true),
                        s);
            }
            return new DeviceMaxPool(y, indices);
        });
    }

    DeviceTensor maxPool2dOutput(DeviceTensor input, Pool2dParams params) {
        requireNonNull("input", input);
        requireNonNull("params", params);
        var s = params.shapeOf(input.shape());
        return store.produce("max pooling output", s.outputShape(),
                y -> maxPool.forward(buffer(input, "input"), y, null, s));
    }

    DeviceTensor avgPool2d(DeviceTensor input, Pool2dParams params) {
        requireNonNull("input", input);
        requireNonNull("params", params);
        var s = params.shapeOf(input.shape());
        return store.produce("average pooling output", s.outputShape(),
                y -> avgPool.forward(buffer(input, "input"), y, s));
    }

    DeviceTensor maxPool2dBackward(DeviceTensor gradOutput, DeviceTensor indices, int[] inputShape,
                                   Pool2dParams params) {
        requireNonNull("inputShape", inputShape);
        requireNonNull("params", params);
        var s = params.shapeOf(inputShape);
        requireShape("gradOutput", gradOutput, s.outputShape());
        requireShape("indices", indices, s.outputShape());
        // Indices this backend's max pooling made for the same shapes lie in their windows already: checking them
        // would cost a device-to-host read in the middle of a training step.
        if (indices.size() > 0 && !indices.madeForWindowsOf(s)
                && !maxPool.indicesInWindows(store.buffer(indices, "indices", true), s)) {
            throw new IllegalArgumentException("indices: some value is not in the pooling window of its output element"
                    + " for input shape " + Arrays.toString(inputShape) + " with " + params);
        }
        return store.produce("max pooling gradient", s.inputShape(), dx -> maxPool.backward(
                buffer(gradOutput, "gradOutput"), store.buffer(indices, "indices", true), dx, s));
    }

    DeviceTensor avgPool2dBackward(DeviceTensor gradOutput, int[] inputShape, Pool2dParams params) {
        requireNonNull("inputShape", inputShape);
        requireNonNull("params", params);
        var s = params.shapeOf(inputShape);
        requireShape("gradOutput", gradOutput, s.outputShape());
        return store.produce("average pooling gradient", s.inputShape(),
                dx -> avgPool.backward(buffer(gradOutput, "gradOutput"), dx, s));
    }

    /** The float32 buffer of {@code t}, checked as {@link DeviceTensor} checks it. */
    private DeviceBuffer buffer(DeviceTensor t, String name) {
        return store.buffer(t, name, false);
    }

    /**
     * The float32 buffer of {@code t}, which the caller's kernel writes though it already held data: what was derived
     * from it (laid-out filters) is stale from now on.
     */
    private DeviceBuffer written(DeviceTensor t, String name) {
        var b = buffer(t, name);
        b.modified();
        return b;
    }
}
