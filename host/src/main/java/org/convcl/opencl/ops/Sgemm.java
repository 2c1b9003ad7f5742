package org.convcl.opencl.ops;

import java.util.function.UnaryOperator;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;
import org.convcl.opencl.tuning.SgemmConfig;

/**
 * The SGEMM kernel a {@link SgemmConfig} names, batched and grouped, with the bias added in the epilogue:
 * {@code C[b][g] (M x N) = A[g] (M x K) * B[b][g] (K x N) + bias[g*M + row]}.
 */
public final class Sgemm {
    private final ClContext cl;
    private final SgemmConfig config;

    /** A matrix operand within a buffer: its start, row stride, and strides between batch entries and groups. */
    public record Operand(DeviceBuffer buffer, long offset, int ld, long batchStride, long groupStride) {
    }

    public Sgemm(ClContext cl, SgemmConfig config) {
        String broken = config.fits(cl.device());
        if (broken != null) {
            throw new IllegalArgumentException("sgemm config " + config + " does not fit " + cl.device().name() + ": " + broken);
        }
        this.cl = cl;
        this.config = config;
    }

    /**
     * @param a    weights: {@code groups} consecutive row-major (M x K) matrices starting at {@code aOffset}
     * @param bias {@code groups * M} values, or null
     */
    public void enqueue(int m, int n, int k, int groups, int batch, DeviceBuffer a, long aOffset, Operand b, Operand c,
                 DeviceBuffer bias) {
        enqueue(m, n, k, groups, batch, a, aOffset, b, c, bias, "", launch -> launch);
    }

    /**
     * As the plain enqueue, with {@code moreDefines} added to the build and {@code moreArgs} setting the arguments
     * those defines add after the bias.
     */
    public void enqueue(int m, int n, int k, int groups, int batch, DeviceBuffer a, long aOffset, Operand b, Operand c,
                 DeviceBuffer bias, String moreDefines, UnaryOperator<Launch> moreArgs) {
        var kernel = cl.kernel(config.program(), "sgemm", config.defines() + moreDefines);
        long[] local = config.local();
        moreArgs.apply(new Launch(cl, kernel, "sgemm")
                .i32(m).i32(n).i32(k).i32(groups)
                .buffer(a).i64(aOffset).i64((long) m * k)
                .buffer(b.buffer()).i64(b.offset()).i32(b.ld()).i64(b.batchStride()).i64(b.groupStride())
                .buffer(c.buffer()).i64(c.offset()).i32(c.ld()).i64(c.batchStride()).i64(c.groupStride())
                .optional(bias, a))
                .enqueue(new long[] {
                        blocks(n, config.groupColumns()) * local[0],
                        blocks(m, config.groupRows()) * local[1],
                        (long) batch * groups},
                        new long[] {local[0], local[1], 1});
    }

    private static long blocks(long n, long per) {
        return (n + per - 1) / per;
    }
}
