package org.convcl.opencl.conv;

import org.convcl.Conv2dShape;
import org.convcl.ConvTranspose2dShape;
import org.convcl.opencl.ops.Epilogue;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;
import org.convcl.opencl.tuning.FindDatabase;

/**
 * The convolutions of one backend: conv2d forward and backward and the transposed convolution forward and backward,
 * each planned by the {@link Conv2dPlanner} and run by the plan's algorithm on shared {@link ConvResources}.
 * A transposed convolution is the adjoint of a conv2d ({@link ConvTranspose2dShape#adjoint()}), so it runs on conv2d's
 * machinery:
 * <ul>
 * <li>forward: conv2d's input gradient of dY = x, per group {@code col = W^T x} then col2im into the output, which
 * adds the bias;</li>
 * <li>input gradient: conv2d's forward of dy with the same weight, on whichever algorithm the planner picks;</li>
 * <li>weight gradient: conv2d's weight gradient with x as the output gradient and dy as the input;</li>
 * <li>bias gradient: per-channel sums of dy.</li>
 * </ul>
 * Nothing here waits for the queue. Close it to release the workspaces.
 */
public final class Convolutions implements AutoCloseable {
    private final Conv2dPlanner planner;
    private final ConvResources resources;
    private final AlgorithmFinder finder;

    /**
     * @param find the find database, or null to plan by the device class's thresholds alone
     * @param timesUnseen with a database, whether problems it lacks are timed (find mode) or planned as without one
     * @throws IllegalArgumentException when the planner's SGEMM configuration does not fit the device
     */
    public Convolutions(ClContext cl, Conv2dPlanner planner, FindDatabase find, boolean timesUnseen) {
        var sgemm = planner.context().sgemm();
        String broken = sgemm.fits(cl.device());
        if (broken != null) {
            throw new IllegalArgumentException("sgemm config " + sgemm + " does not fit " + cl.device().name() + ": "
                    + broken);
        }
        this.finder = find == null ? null : new AlgorithmFinder(cl, find, timesUnseen);
        this.planner = finder == null ? planner : planner.withFound(finder::idOf);
        this.resources = new ConvResources(cl);
    }

    public Conv2dPlanner planner() {
        return planner;
    }

    /**
     * Enqueues {@code y = activation(conv2d(x, w) + bias + residual)}, the epilogue fused into the kernel that
     * writes y.
     *
     * @param x        (N, C, H, W)
     * @param w        (K, C/G, KH, KW)
     * @param bias     (K) or null
     * @param epilogue the activation and the residual, (N, K, OH, OW) or null
     * @param y        (N, K, OH, OW), written in full
     */
    public void conv2d(Conv2dShape s, DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias, Epilogue epilogue,
                       DeviceBuffer y) {
        Launch.requireInt("output plane", s.outputPlane());
        var io = new ConvOperands(x, w, bias, epilogue, y);
        if (finder != null && !planner.pins() && finder.wants(s)) {
            finder.find(s, planner.context(), resources, io);
            return;
        }
        var plan = planner.forward(s);
        plan.algorithm().forward(plan, resources, io);
    }

    /** Nanoseconds spent timing algorithms in find mode since this backend opened. */
    public long findNanos() {
        return finder == null ? 0 : finder.findNanos();
    }

    /**
     * Enqueues the three gradients of conv2d.
     *
     * @param dy    (N, K, OH, OW), N at least 1
     * @param x     (N, C, H, W), the forward input
     * @param w     (K, C/G, KH, KW), the forward weight
     * @param gradX (N, C, H, W), written in full
     * @param gradW (K, C/G, KH, KW), written in full
     * @param gradB (K), written in full
     */
    public void conv2dBackward(Conv2dShape s, DeviceBuffer dy, DeviceBuffer x, DeviceBuffer w, DeviceBuffer gradX,
                               DeviceBuffer gradW, DeviceBuffer gradB) {
        var plan = planner.backward(s);
        resources.ops.channelSums(dy, gradB, s.n(), s.k(), Launch.requireInt("output plane", s.outputPlane()));
        ConvAlgorithms.IM2COL.inputGradient(plan, resources, dy, w, null, gradX);
        ConvAlgorithms.IM2COL.weightGradient(plan, resources, dy, x, gradW);
    }

    /**
     * Enqueues {@code y = convTranspose2d(x, w) + bias}.
     *
     * @param x    (N, Cin, H, W), N at least 1
     * @param w    (Cin, Cout/G, KH, KW)
     * @param bias (Cout) or null
     * @param y    (N, Cout, OH, OW), written in full
     * @throws IllegalArgumentException when the column matrix of one input row exceeds the column budget, or the
     *                                  output does not fit the kernels' 32-bit indexing
     */
    public void convTranspose2d(ConvTranspose2dShape s, DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias,
                                DeviceBuffer y) {
        ConvAlgorithms.IM2COL.inputGradient(planner.backward(s.adjoint()), resources, x, w, bias, y);
    }

    /**
     * Enqueues the three gradients of the transposed convolution.
     *
     * @param dy    (N, Cout, OH, OW), N at least 1
     * @param x     (N, Cin, H, W), the forward input
     * @param w     (Cin, Cout/G, KH, KW), the forward weight
     * @param gradX (N, Cin, H, W), written in full
     * @param gradW (Cin, Cout/G, KH, KW), written in full
     * @param gradB (Cout), written in full
     */
    public void convTranspose2dBackward(ConvTranspose2dShape s, DeviceBuffer dy, DeviceBuffer x, DeviceBuffer w,
                                        DeviceBuffer gradX, DeviceBuffer gradW, DeviceBuffer gradB) {
        var adjoint = s.adjoint();
        conv2d(adjoint, dy, w, null, Epilogue.NONE, gradX);
        ConvAlgorithms.IM2COL.weightGradient(planner.backward(adjoint), resources, x, dy, gradW);
        resources.ops.channelSums(dy, gradB, s.n(), s.cOut(), Launch.requireInt("output plane", (long) s.oh() * s.ow()));
    }

    /** Releases the workspaces. */
    @Override
    public void close() {
        resources.close();
    }
}
