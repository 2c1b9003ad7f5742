package org.convcl.opencl.ops;

import org.convcl.Activation;
import org.convcl.kernels.Program;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;

/**
 * The small kernels of {@code tensor.cl}: a 3-D permutation, an in-place sum, per-channel sums, and an activation
 * and its gradient (the functions of {@code epilogue.cl}).
 */
public final class TensorOps {
    private final ClContext cl;

    public TensorOps(ClContext cl) {
        this.cl = cl;
    }

    /** out (d0, d1, d2), contiguous, from in[offset + i*s0 + j*s1 + k*s2]. */
    public void permute3(DeviceBuffer in, long offset, DeviceBuffer out, int d0, int d1, int d2, long s0, long s1, long s2) {
        long total = (long) d0 * d1 * d2;
        launch("permute3").buffer(in).i64(offset).buffer(out).i32(d0).i32(d1).i32(d2)
                .i64(s0).i64(s1).i64(s2).enqueue1d(total);
    }

    /** y[0, total) += x[0, total). */
    public void addInPlace(DeviceBuffer y, DeviceBuffer x, long total) {
        launch("add_inplace").buffer(y).buffer(x).i64(total).enqueue1d(total);
    }

    /** sums[k] = sum of x[n, k, p] over n and p, for x of shape (n, k, p). */
    public void channelSums(DeviceBuffer x, DeviceBuffer sums, int n, int k, int p) {
        launch("channel_sums").buffer(x).buffer(sums).i32(n).i32(k).i32(p).enqueuePlanes(Launch.LOCAL_1D, k);
    }

    /** y[0, total) = activation(x[0, total)); y may be x. */
    public void activation(DeviceBuffer x, DeviceBuffer y, long total, Activation activation) {
        var launch = Launch.oneDimensional(cl, Program.TENSOR, "activation", Epilogue.activationDefine(activation));
        Epilogue.parameters(launch.buffer(x).buffer(y).i64(total), activation).enqueue1d(total);
    }

    /**
     * dz[0, total) = the activation's gradient from dy and its output y (see {@link Activation#gradient}); dz may be
     * dy or y.
     */
    public void activationBackward(DeviceBuffer dy, DeviceBuffer y, DeviceBuffer dz, long total,
                                   Activation activation) {
        var launch = Launch.oneDimensional(cl, Program.TENSOR, "activation_backward",
                Epilogue.activationDefine(activation));
        Epilogue.parameters(launch.buffer(dy).buffer(y).buffer(dz).i64(total), activation).enqueue1d(total);
    }

    private Launch launch(String kernel) {
        return Launch.oneDimensional(cl, Program.TENSOR, kernel);
    }
}
