package org.convcl.opencl.ops;

import java.util.function.UnaryOperator;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.runtime.Launch;
import org.convcl.opencl.runtime.Workspace;
import org.convcl.opencl.tuning.SgemmConfig;

/**
 * The SGEMM kernel a {@link SgemmConfig} names, batched and grouped, with the bias added in the epilogue:
 * {@code C[b][g] (rows x cols) = A[g] (rows x depth) * B[b][g] (depth x cols) + bias[g*rows + row]}, then an
 * {@link Epilogue}'s residual and activation.
 */
public final class Sgemm {
    /**
     * B is packed where at least this many row-groups of work-groups read it. Measured on 2 AMD EPYC cores (AVX2),
     * POCL, side by side: SGEMM 2048 (11 row-groups) went from 57 to 78-95 GFLOP/s, 1x1 C=256 K=1024 14x14 (11) from
     * 76-93 to 80-97, while packing from 2 row-groups made Winograd's products of C=K=128 28x28 (2) slower, 14.0-16.9
     * against 17.5-19.4 ms for the layer: one more pass over V.
     */
    static final int PACK_ROW_GROUPS = 4;
    private final ClContext cl;
    private final SgemmConfig config;
    private final Workspace panels;

    /** The sizes of one batched, grouped product. "depth" is the GEMM's inner dimension, whatever it is in conv2d. */
    public record Size(int rows, int cols, int depth, int groups, int batch) {
    }

    /** A matrix operand within a buffer: its start, row stride, and strides between batch entries and groups. */
    public record Operand(DeviceBuffer buffer, long offset, int ld, long batchStride, long groupStride) {
        /** Sets this operand's arguments as {@code sgemm_arguments.cl}'s OPERAND_ARGS declares them. */
        Launch arguments(Launch launch) {
            return launch.buffer(buffer).i64(offset).i32(ld).i64(batchStride).i64(groupStride);
        }
    }

    public Sgemm(ClContext cl, SgemmConfig config) {
        this(cl, config, null);
    }

    /**
     * @param panels where the blocked (CPU) kernel packs B into contiguous panels first, when B is read by several
     *               row-groups of work-groups; null never packs
     */
    public Sgemm(ClContext cl, SgemmConfig config, Workspace panels) {
        String broken = config.fits(cl.device());
        if (broken != null) {
            throw new IllegalArgumentException("sgemm config " + config + " does not fit " + cl.device().name() + ": " + broken);
        }
        this.cl = cl;
        this.config = config;
        this.panels = panels;
    }

    /**
     * @param a    {@code groups} consecutive row-major (rows x depth) matrices
     * @param bias {@code groups * rows} values, or null
     */
    public void enqueue(Size size, DeviceBuffer a, Operand b, Operand c, DeviceBuffer bias) {
        enqueue(size, a, b, c, bias, Epilogue.NONE);
    }

    /** As the plain enqueue, with the residual (laid out like C, at C's offsets) and activation of {@code epilogue}. */
    public void enqueue(Size size, DeviceBuffer a, Operand b, Operand c, DeviceBuffer bias, Epilogue epilogue) {
        if (packs(size)) {
            enqueue(size, a, pack(size, b), null, c, bias, epilogue, " -DPACKED", launch -> launch);
        } else {
            enqueue(size, a, b, strides(b), c, bias, epilogue, "", launch -> launch);
        }
    }

    /**
     * Whether to pack B first: on the blocked kernel, where enough row-groups of work-groups read each of B's panels
     * to pay for one more pass over B, and the packed copy fits one allocation and the memory budget; else B is read
     * where it is, more slowly but without failing.
     */
    private boolean packs(Size size) {
        return panels != null && config instanceof SgemmConfig.Blocked && size.cols() > 0 && size.depth() > 0
                && blocks(size.rows(), config.groupRows()) >= PACK_ROW_GROUPS
                && packedFloats(size) * Float.BYTES <= cl.device().maxAllocBytes()
                && panels.canHold(packedFloats(size));
    }

    private long packedFloats(Size size) {
        return (long) size.batch() * size.groups() * blocks(size.cols(), config.groupColumns()) * size.depth()
                * config.groupColumns();
    }

    /** Enqueues the copy of B into panels of the workspace, and returns it as the operand the PACKED kernel reads. */
    private Operand pack(Size size, Operand b) {
        var packed = panels.atLeast(packedFloats(size));
        long panelCount = blocks(size.cols(), config.groupColumns());
        long perGroup = panelCount * size.depth() * config.groupColumns();
        b.arguments(new Launch(cl, cl.kernel(config.program(), "pack", config.defines()), "pack")
                        .i32(size.cols()).i32(size.depth()).i32(size.groups()))
                .buffer(packed)
                .enqueue(new long[] {panelCount, size.depth(), (long) size.batch() * size.groups()}, null);
        return new Operand(packed, 0, config.groupColumns(), perGroup * size.groups(), perGroup);
    }

    /**
     * As the enqueue with an epilogue, with the kernel built with {@code -DIMPLICIT} and {@code moreDefines}: B is
     * gathered from the NCHW images of {@code x} (its batch and group strides step images and channel groups; its
     * offset and row stride are unused), and {@code geometry} sets the convolution's arguments after the epilogue's.
     */
    public void enqueueImplicit(Size size, DeviceBuffer a, Operand x, Operand c, DeviceBuffer bias, Epilogue epilogue,
                                String moreDefines, UnaryOperator<Launch> geometry) {
        enqueue(size, a, x, null, c, bias, epilogue, " -DIMPLICIT" + moreDefines, geometry);
    }

    /** @param bStrides B's offset and strides, which its vector loads must respect; null where B is gathered */
    private void enqueue(Size size, DeviceBuffer a, Operand b, long[] bStrides, Operand c, DeviceBuffer bias,
                         Epilogue epilogue, String moreDefines, UnaryOperator<Launch> moreArgs) {
        // Vector loads need aligned addresses: narrower vectors where these operands' strides do not allow the
        // configured ones. Every divisibility rule and device limit still holds, and the tiles stay the same.
        var run = config instanceof SgemmConfig.Tiled t ? t.alignedTo(size.depth(), bStrides, strides(c)) : config;
        var kernel = cl.kernel(run.program(), "sgemm", run.defines() + epilogue.defines() + moreDefines);
        long[] local = run.local();
        // sgemm_arguments.cl's SGEMM_ARGS, up to the epilogue's.
        var launch = c.arguments(b.arguments(new Launch(cl, kernel, "sgemm")
                        .i32(size.rows()).i32(size.cols()).i32(size.depth()).i32(size.groups())
                        .buffer(a).i64(0).i64((long) size.rows() * size.depth())))
                .optional(bias, a);
        moreArgs.apply(epilogue.arguments(launch, a))
                .enqueue(new long[] {
                        blocks(size.cols(), run.groupColumns()) * local[0],
                        blocks(size.rows(), run.groupRows()) * local[1],
                        (long) size.batch() * size.groups()},
                        new long[] {local[0], local[1], 1});
    }

    private static long[] strides(Operand o) {
        return new long[] {o.offset(), o.ld(), o.batchStride(), o.groupStride()};
    }

    private static long blocks(long n, long per) {
        return (n + per - 1) / per;
    }
}
