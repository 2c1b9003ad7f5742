package org.convcl.opencl;

import static org.convcl.opencl.Arguments.requireNonNull;

import java.util.List;
import java.util.function.UnaryOperator;
import org.convcl.Activation;
import org.convcl.Conv2dGradients;
import org.convcl.Conv2dParams;
import org.convcl.ConvTranspose2dParams;
import org.convcl.MaxPool2dResult;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;

/**
 * The host-tensor calls of one backend: each validates its arguments, then uploads, runs the device-tensor call
 * ({@link DeviceOps}) and downloads, in slices of images that keep every transfer within the transfer budget
 * ({@link ImageSlices}). Callers hold the backend's lock.
 */
final class HostOps {
    private final TensorStore store;
    private final DeviceOps device;
    private final long transferBudgetBytes;

    HostOps(TensorStore store, DeviceOps device, long transferBudgetBytes) {
        this.store = store;
        this.device = device;
        this.transferBudgetBytes = transferBudgetBytes;
    }

    Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dParams params, Tensor residual,
                  Activation activation) {
        requireNonNull("params", params);
        var s = params.shapeOf(input, weight, bias);
        if (residual != null) {
            Tensor.requireShape("residual", residual, s.outputShape());
        }
        return forwardInSlices(input, weight, bias, residual, s.outputShape(),
                (x, w, b, r) -> device.conv2d(x, w, b, params, r, activation));
    }

    Conv2dGradients conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params) {
        return conv2dBackwardInSlices(gradOutput, input, weight, params, null, null);
    }

    Conv2dGradients conv2dBackward(Tensor gradOutput, Tensor input, Tensor weight, Conv2dParams params,
                                   Activation activation, Tensor output) {
        requireNonNull("activation", activation);
        requireNonNull("output", output);
        return conv2dBackwardInSlices(gradOutput, input, weight, params, activation, output);
    }

    /** The backward pass, with the activation's gradient where {@code activation} is not null. */
    private Conv2dGradients conv2dBackwardInSlices(Tensor gradOutput, Tensor input, Tensor weight,
                                                   Conv2dParams params, Activation activation, Tensor output) {
        requireNonNull("params", params);
        var s = params.shapeOf(input, weight, null);
        Tensor.requireShape("gradOutput", gradOutput, s.outputShape());
        if (activation != null) {
            Tensor.requireShape("output", output, s.outputShape());
        }
        return gradientsInSlices(gradOutput, input, weight, s.k(), activation == null ? null : output,
                (dy, x, w, y) -> y == null ? device.conv2dBackward(dy, x, w, params)
                        : device.conv2dBackward(dy, x, w, params, activation, y));
    }

    Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, ConvTranspose2dParams params) {
        requireNonNull("params", params);
        var s = params.shapeOf(input, weight, bias);
        return forwardInSlices(input, weight, bias, null, s.outputShape(),
                (x, w, b, r) -> device.convTranspose2d(x, w, b, params));
    }

    Conv2dGradients convTranspose2dBackward(Tensor gradOutput, Tensor input, Tensor weight,
                                            ConvTranspose2dParams params) {
        requireNonNull("params", params);
        var s = params.shapeOf(input, weight, null);
        Tensor.requireShape("gradOutput", gradOutput, s.outputShape());
        return gradientsInSlices(gradOutput, input, weight, s.cOut(), null,
                (dy, x, w, y) -> device.convTranspose2dBackward(dy, x, w, params));
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
        try (var w = store.upload(weight); var b = bias == null ? null : store.upload(bias)) {
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
        try (var w = store.upload(weight)) {
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

    Tensor activation(Tensor input, Activation activation) {
        requireNonNull("input", input);
        requireNonNull("activation", activation);
        var out = Tensor.zeros("output", input.shape());
        // Flat, so any rank slices into runs of elements.
        slices(input.size()).upload(flat(input)).download(flat(out))
                .run((images, in) -> List.of(device.activation(in.get(0), activation)));
        return out;
    }

    Tensor activationBackward(Tensor gradOutput, Tensor output, Activation activation) {
        requireNonNull("gradOutput", gradOutput);
        requireNonNull("activation", activation);
        Tensor.requireShape("output", output, gradOutput.shape());
        var grad = Tensor.zeros("gradient", gradOutput.shape());
        slices(grad.size()).upload(flat(gradOutput)).upload(flat(output)).download(flat(grad))
                .run((images, in) -> List.of(device.activationBackward(in.get(0), in.get(1), activation)));
        return grad;
    }

    MaxPool2dResult maxPool2d(Tensor input, Pool2dParams params) {
        requireNonNull("params", params);
        var s = params.shapeOf(input);
        var result = new MaxPool2dResult(Tensor.zeros("output", s.outputShape()),
                new long[(int) Tensor.elementCount(s.outputShape())]);
        slices(s.n()).upload(input).download(result.output()).downloadIndices(result.indices(), s.outputShape())
                .run((images, in) -> {
                    var r = device.maxPool2d(in.get(0), params);
                    return List.of(r.output(), r.indices());
                });
        return result;
    }

    Tensor maxPool2dOutput(Tensor input, Pool2dParams params) {
        return poolInSlices(input, params, x -> device.maxPool2dOutput(x, params));
    }

    Tensor avgPool2d(Tensor input, Pool2dParams params) {
        return poolInSlices(input, params, x -> device.avgPool2d(x, params));
    }

    /** A pooling pass with one output on host tensors, in slices of images. */
    private Tensor poolInSlices(Tensor input, Pool2dParams params, UnaryOperator<DeviceTensor> pool) {
        requireNonNull("params", params);
        var out = Tensor.zeros("output", params.shapeOf(input).outputShape());
        slices(input.dim(0)).upload(input).download(out).run((images, in) -> List.of(pool.apply(in.get(0))));
        return out;
    }

    Tensor maxPool2dBackward(Tensor gradOutput, long[] indices, int[] inputShape, Pool2dParams params) {
        requireNonNull("inputShape", inputShape);
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
                .run((images, in) -> List.of(device.maxPool2dBackward(in.get(0), in.get(1),
                        withBatch(inputShape, images), params)));
        return grad;
    }

    Tensor avgPool2dBackward(Tensor gradOutput, int[] inputShape, Pool2dParams params) {
        requireNonNull("inputShape", inputShape);
        requireNonNull("params", params);
        var s = params.shapeOf(inputShape);
        Tensor.requireShape("gradOutput", gradOutput, s.outputShape());
        var grad = Tensor.zeros("gradient", s.inputShape());
        slices(s.n()).upload(gradOutput).download(grad).run((images, in) ->
                List.of(device.avgPool2dBackward(in.get(0), withBatch(inputShape, images), params)));
        return grad;
    }

    /** Host-tensor calls start here, so even one with no images to compute refuses to run once closed. */
    private ImageSlices slices(int images) {
        store.requireOpen();
        return new ImageSlices(store, device, transferBudgetBytes, images);
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
}
