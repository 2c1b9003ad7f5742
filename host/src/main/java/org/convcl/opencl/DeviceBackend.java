package org.convcl.opencl;

import org.convcl.Activation;
import org.convcl.Backend;
import org.convcl.Conv2dParams;
import org.convcl.ConvTranspose2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;

/**
 * The operations on device tensors, which stay on the device between calls so a chain of operations copies data to
 * and from the host once; {@link OpenClBackend} implements them on one OpenCL device. Every tensor argument must
 * belong to the backend the call is made on.
 *
 * <pre>{@code
 * try (var gpu = OpenClBackend.open();
 *      var dx = gpu.upload(x); var dw = gpu.upload(w);
 *      var dy = gpu.conv2d(dx, dw, null, Conv2dParams.DEFAULT.withPadding(1, 1))) {
 *     Tensor y = gpu.download(dy);
 * }
 * }</pre>
 * <p>Implementations are thread-safe: calls are serialised on the backend, so it may be shared by threads.
 */
public interface DeviceBackend {
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
    DeviceTensor conv2d(DeviceTensor input, DeviceTensor weight, DeviceTensor bias,
                        Conv2dParams params);

    /**
     * conv2d and an activation on device tensors, fused into one pass: {@code activation(conv2d(input, weight) +
     * bias)}; the result stays on the device.
     *
     * @param input      (N, C, H, W)
     * @param weight     (K, C/groups, KH, KW)
     * @param bias       (K) or null
     * @param params     stride, padding, dilation and groups
     * @param activation applied last; null or {@link Activation#identity()} for none
     * @return (N, K, OH, OW), owned by the caller
     * @throws IllegalArgumentException when a shape does not fit the parameters, a tensor belongs to another
     *                                  backend, or the result would pass the memory budget
     * @throws IllegalStateException    when this backend or a tensor is closed
     * @see #conv2d(DeviceTensor, DeviceTensor, DeviceTensor, Conv2dParams, DeviceTensor, Activation)
     */
    DeviceTensor conv2d(DeviceTensor input, DeviceTensor weight, DeviceTensor bias,
                        Conv2dParams params, Activation activation);

    /**
     * conv2d with its epilogue fused into the kernel that writes the output, on every path:
     * {@code y = activation(conv2d(input, weight) + bias + residual)}; the result stays on the device.
     *
     * @param input      (N, C, H, W)
     * @param weight     (K, C/groups, KH, KW)
     * @param bias       (K) or null
     * @param params     stride, padding, dilation and groups
     * @param residual   (N, K, OH, OW) or null
     * @param activation applied last; null or {@link Activation#identity()} for none
     * @return (N, K, OH, OW), owned by the caller
     * @throws IllegalArgumentException when a shape does not fit, or the residual is the output of no such shape
     */
    DeviceTensor conv2d(DeviceTensor input, DeviceTensor weight, DeviceTensor bias,
                        Conv2dParams params, DeviceTensor residual, Activation activation);

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
    DeviceConv2dGradients conv2dBackward(DeviceTensor gradOutput, DeviceTensor input,
                                         DeviceTensor weight, Conv2dParams params);

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
    DeviceConv2dGradients conv2dBackward(DeviceTensor gradOutput, DeviceTensor input,
                                         DeviceTensor weight, Conv2dParams params,
                                         Activation activation, DeviceTensor output);

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
    DeviceTensor activation(DeviceTensor input, Activation activation);

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
    DeviceTensor activation(DeviceTensor input, Activation activation, DeviceTensor into);

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
    DeviceTensor activationBackward(DeviceTensor gradOutput, DeviceTensor output,
                                    Activation activation);

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
    DeviceTensor activationBackward(DeviceTensor gradOutput, DeviceTensor output,
                                    Activation activation, DeviceTensor into);

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
    DeviceTensor convTranspose2d(DeviceTensor input, DeviceTensor weight, DeviceTensor bias,
                                 ConvTranspose2dParams params);

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
    DeviceConv2dGradients convTranspose2dBackward(DeviceTensor gradOutput, DeviceTensor input,
                                                  DeviceTensor weight,
                                                  ConvTranspose2dParams params);

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
    DeviceMaxPool maxPool2d(DeviceTensor input, Pool2dParams params);

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
    DeviceTensor maxPool2dOutput(DeviceTensor input, Pool2dParams params);

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
    DeviceTensor avgPool2d(DeviceTensor input, Pool2dParams params);

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
    DeviceTensor maxPool2dBackward(DeviceTensor gradOutput, DeviceTensor indices, int[] inputShape,
                                   Pool2dParams params);

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
    DeviceTensor avgPool2dBackward(DeviceTensor gradOutput, int[] inputShape, Pool2dParams params);

    /**
     * Copies max pooling indices to the device.
     *
     * @param indices {@code ih * W + iw} per plane, row-major
     * @param shape   their extents, (N, C, OH, OW); the product must equal {@code indices.length}
     * @return an int64 device tensor, owned by the caller
     * @throws IllegalArgumentException when the length does not match the shape or the memory budget is passed
     * @throws IllegalStateException    when this backend is closed
     */
    DeviceTensor uploadIndices(long[] indices, int... shape);

    /**
     * Copies max pooling indices back to the host, after every operation enqueued before.
     *
     * @param indices an int64 device tensor of this backend
     * @return the indices, row-major
     * @throws IllegalArgumentException when {@code indices} holds float32 values or belongs to another backend
     * @throws IllegalStateException    when this backend or {@code indices} is closed
     */
    long[] downloadIndices(DeviceTensor indices);

    /**
     * Copies a host tensor to the device.
     *
     * @param tensor any shape, row-major
     * @return a float32 device tensor of the same shape, owned by the caller
     * @throws IllegalArgumentException when {@code tensor} is null or the memory budget is passed
     * @throws IllegalStateException    when this backend is closed
     */
    DeviceTensor upload(Tensor tensor);

    /**
     * Copies a host tensor into an existing device tensor of the same shape, reusing its memory (for example a new
     * loss gradient each training step).
     *
     * @param tensor the values to copy
     * @param into   a float32 tensor of this backend shaped like {@code tensor}; overwritten
     * @return {@code into}
     * @throws IllegalArgumentException when a shape differs, or {@code into} holds indices or belongs to another
     *                                  backend
     * @throws IllegalStateException    when this backend or {@code into} is closed
     */
    DeviceTensor upload(Tensor tensor, DeviceTensor into);

    /**
     * Copies a device tensor back to the host, after every operation enqueued before.
     *
     * @param tensor a float32 device tensor of this backend
     * @return a new host tensor of the same shape
     * @throws IllegalArgumentException when {@code tensor} holds indices or belongs to another backend
     * @throws IllegalStateException    when this backend or {@code tensor} is closed
     */
    Tensor download(DeviceTensor tensor);

    /**
     * How many host-device copies this backend has made, to check that a chain of operations stays on the device.
     *
     * @return uploads plus downloads since the backend opened
     */
    long transferCount();
}
