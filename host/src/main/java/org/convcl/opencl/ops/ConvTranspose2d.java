package org.convcl.opencl.ops;

import org.convcl.ConvTranspose2dShape;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;

/**
 * Transposed convolution and its gradients on the device, through the conv2d it is the adjoint of
 * ({@link ConvTranspose2dShape#adjoint()}), so every piece runs on conv2d's planned and chunked machinery:
 * <ul>
 * <li>forward: conv2d's input gradient of dY = x, per group {@code col = W^T (Cout/G*KH*KW x Cin/G) * x
 * (Cin/G x H*W)} then col2im into the output, which adds the bias;</li>
 * <li>input gradient: conv2d's forward of dy with the same weight, on whichever path the planner picks;</li>
 * <li>weight gradient: conv2d's weight gradient with x as the output gradient and dy as the input;</li>
 * <li>bias gradient: per-channel sums of dy.</li>
 * </ul>
 */
public final class ConvTranspose2d {
    private final Conv2dPlanner planner;
    private final Conv2d conv2d;
    private final Conv2dBackward conv2dBackward;
    private final TensorOps ops;

    /** Runs on the given conv2d executors and their planner, sharing their scratch buffers and kernels. */
    public ConvTranspose2d(Conv2dPlanner planner, Conv2d conv2d, Conv2dBackward conv2dBackward, TensorOps ops) {
        this.planner = planner;
        this.conv2d = conv2d;
        this.conv2dBackward = conv2dBackward;
        this.ops = ops;
    }

    /**
     * Enqueues y = convTranspose2d(x, w) + bias.
     *
     * @param x    (N, Cin, H, W), N at least 1
     * @param w    (Cin, Cout/G, KH, KW)
     * @param bias (Cout) or null
     * @param y    (N, Cout, OH, OW), written in full
     * @throws IllegalArgumentException when the column matrix of one input row exceeds the column budget, or the
     *                                  output does not fit the kernels' 32-bit indexing
     */
    public void forward(ConvTranspose2dShape s, DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, DeviceBuffer y) {
        conv2dBackward.enqueueInputGradient(planner.backward(s.adjoint()), x, w, bias, y);
    }

    /**
     * Enqueues the three gradients.
     *
     * @param dy    (N, Cout, OH, OW), N at least 1
     * @param x     (N, Cin, H, W), the forward input
     * @param w     (Cin, Cout/G, KH, KW), the forward weight
     * @param gradX (N, Cin, H, W), written in full
     * @param gradW (Cin, Cout/G, KH, KW), written in full
     * @param gradB (Cout), written in full
     */
    public void backward(ConvTranspose2dShape s, DeviceBuffer dy, DeviceBuffer x, DeviceBuffer w, DeviceBuffer gradX,
                         DeviceBuffer gradW, DeviceBuffer gradB) {
        var adjoint = s.adjoint();
        conv2d.enqueue(planner.forward(adjoint), dy, w, null, gradX);
        conv2dBackward.enqueueWeightGradient(planner.backward(adjoint), x, dy, gradW);
        ops.channelSums(dy, gradB, s.n(), s.cOut(), Launch.requireInt("output plane", (long) s.oh() * s.ow()));
    }
}
