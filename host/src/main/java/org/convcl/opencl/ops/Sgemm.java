package org.convcl.opencl.ops;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.runtime.Launch;
import org.convcl.opencl.runtime.Workspace;
import org.convcl.opencl.tuning.ConvPolicy;
import org.convcl.opencl.tuning.GpuDefaults;
import org.convcl.opencl.tuning.SgemmConfig;

/**
 * The SGEMM kernel a {@link SgemmConfig} names, batched and grouped, with the bias added in the epilogue:
 * {@code C[b][g] (rows x cols) = A[g] (rows x depth) * B[b][g] (depth x cols) + bias[g*rows + row]}, then an
 * {@link Epilogue}'s residual and activation. What to build, whether to pack B and whether to fold the batch into the
 * columns is a {@link Choice}, made before the launch ({@link #choose}, {@link #chooseFoldable}) so that a plan can
 * carry and report it.
 */
public final class Sgemm {
    private final ClContext cl;
    private final Workspace panels;

    /** The sizes of one batched, grouped product. "depth" is the GEMM's inner dimension, whatever it is in conv2d. */
    public record Size(int rows, int cols, int depth, int groups, int batch) {
        /** The product with its batch folded into N: the entries' columns one after another, one entry. */
        Size folded() {
            return new Size(rows, Math.toIntExact((long) batch * cols), depth, groups, 1);
        }
    }

    /**
     * A matrix operand within a buffer: its start, row stride, and strides between batch entries and groups. Plans
     * describe operands with a null buffer.
     */
    public record Operand(DeviceBuffer buffer, long offset, int ld, long batchStride, long groupStride) {
        public long[] strides() {
            return new long[] {offset, ld, batchStride, groupStride};
        }

        /** Sets this operand's arguments as {@code sgemm_arguments.cl}'s OPERAND_ARGS declares them. */
        Launch arguments(Launch launch) {
            return launch.buffer(buffer).i64(offset).i32(ld).i64(batchStride).i64(groupStride);
        }
    }

    /**
     * The launch-time choices of one product.
     *
     * @param config the configuration built, with vectors no wider than the operands' alignment allows
     * @param packsB whether B is first copied into contiguous panels (the blocked kernel only); where the memory
     *               budget has no room for them at launch, B is read in place instead, more slowly but without failing
     * @param workGroups how many work-groups the product launches
     * @param foldsBatch whether the kernel takes the batch along N (FOLD_BATCH), column j being column j % cols of
     *                   entry j / cols, rather than one product per entry along z: the tiled kernel reading B in
     *                   place, the blocked one from panels that hold the folded columns
     */
    public record Choice(SgemmConfig config, boolean packsB, long workGroups, boolean foldsBatch) {
        /** The tiled kernel never packs B, and the blocked one folds only packed panels. */
        public Choice {
            if (foldsBatch && packsB == config instanceof SgemmConfig.Tiled) {
                throw new IllegalArgumentException("sgemm: the tiled kernel folds the batch reading B in place, the"
                        + " blocked one packed, not " + config + (packsB ? " with B packed" : ""));
            }
        }

        @Override
        public String toString() {
            return config + (packsB ? ", B packed" : "") + (foldsBatch ? ", batch folded into N" : "");
        }
    }

    /** Work-groups per compute unit below which a taller group is not worth fewer of them ({@link #tallEnough}). */
    private static final int GROUPS_PER_UNIT = 4;

    /** @param panels where the blocked kernel packs B into contiguous panels, shared by every product */
    public Sgemm(ClContext cl, Workspace panels) {
        this.cl = cl;
        this.panels = panels;
    }

    /**
     * What to build for a product: on a GPU, smaller tiles where the default's leave compute units idle
     * ({@link GpuDefaults#sizedTo}); vector loads need aligned addresses, so narrower vectors where the operands'
     * strides do not allow the configured ones (every divisibility rule and device limit still holds, and the tiles
     * stay the same); and the blocked kernel packs B where {@link ConvPolicy#packRowGroups} or more row-groups of
     * work-groups read each of its panels, which pays for one more pass over B, and the copy fits one allocation.
     *
     * @param bStrides B's offset and strides (see {@link Operand}), null where the kernel gathers B itself
     * @param cStrides C's
     */
    public static Choice choose(SgemmConfig config, DeviceInfo device, ConvPolicy policy, Size size, long[] bStrides,
                                long[] cStrides) {
        if (config instanceof SgemmConfig.Tiled t) {
            return tiled(t, device, size, bStrides, cStrides, false);
        }
        var fitted = narrowedTo((SgemmConfig.Blocked) config, policy, size.cols());
        boolean packs = bStrides != null && policy.packRowGroups() > 0 && size.cols() > 0 && size.depth() > 0
                && blocks(size.rows(), fitted.groupRows()) >= policy.packRowGroups()
                && packedFloats(fitted, size) * Float.BYTES <= device.maxAllocBytes();
        var run = packs ? fitted : tallEnough(fitted, device, policy, size);
        return new Choice(run, packs, run.workGroups(size.rows(), size.cols(), products(size)), false);
    }

    /**
     * A work-group that reads B in place, or gathers it, brings each slice of B into the cache once for all its rows,
     * so it should be as tall as the rows of C: as many work-items along M as cover them, at most
     * {@link ConvPolicy#gatheredHeights} times the configured height, evened out over the groups that height needs,
     * unless that leaves fewer than {@link #GROUPS_PER_UNIT} work-groups per compute unit where the configured height
     * had more, or the device cannot run it. Packed panels are compact and stay as configured. ResNet-50's 1x1 layer on
     * 28x28 images with 512 channels and 128 filters, B in place: 2.86 ms with groups of 128 rows against 3.25 with 64
     * (pyopencl, side by side). Evened out, because POCL deals each of its threads half of a launch of few work-groups
     * at once, in order: SGEMM 256 in groups of 32 and 11 row-groups left one core a third of the time idle, at 81-86
     * GFLOP/s at best against 101-111 in groups of 22 and 21 (pyopencl, alternating, 2 Zen 3 cores).
     */
    private static SgemmConfig.Blocked tallEnough(SgemmConfig.Blocked configured, DeviceInfo device,
                                                  ConvPolicy policy, Size size) {
        long rowGroups = blocks(size.rows(), configured.wptm());
        long tallGroups = Math.max(1, blocks(rowGroups, (long) policy.gatheredHeights() * configured.localM()));
        long cover = blocks(rowGroups, tallGroups);
        var tall = configured.withLocalM((int) Math.max(1, cover));
        long groups = tall.workGroups(size.rows(), size.cols(), products(size));
        boolean starves = groups < configured.workGroups(size.rows(), size.cols(), products(size))
                && groups < (long) GROUPS_PER_UNIT * device.computeUnits();
        return starves || tall.fits(device) != null ? configured : tall;
    }

    /**
     * The blocked configuration with the number of vectors a work-item takes along N that pads {@code cols} columns
     * least, where {@link ConvPolicy#narrowPercent} says that saves enough; the configured one otherwise.
     */
    private static SgemmConfig.Blocked narrowedTo(SgemmConfig.Blocked configured, ConvPolicy policy, long cols) {
        if (policy.narrowPercent() == 0 || cols <= 0) {
            return configured;
        }
        var best = configured;
        for (int wptn = configured.wptn() - 1; wptn >= 1; wptn--) {
            var narrower = new SgemmConfig.Blocked(configured.wptm(), configured.vw(), wptn, configured.localN(),
                    configured.localM(), configured.kc());
            if (padded(narrower, cols) < padded(best, cols)) {
                best = narrower;
            }
        }
        return 100.0 * padded(best, cols) <= policy.narrowPercent() * (double) padded(configured, cols) ? best
                : configured;
    }

    /** The columns a launch computes, each work-group a whole panel. */
    private static long padded(SgemmConfig config, long cols) {
        return blocks(cols, config.groupColumns()) * config.groupColumns();
    }

    /**
     * As {@link #choose}, for a product whose batch entries are images of {@code size.cols()} pixels each: the tiled
     * kernel folds the batch into N where {@link GpuDefaults#folds} finds it saves enough work on small images, with
     * the tile sized to the folded product's work-groups and VWN narrowed to divide an image's pixels.
     */
    public static Choice chooseFoldable(SgemmConfig config, DeviceInfo device, ConvPolicy policy, Size size,
                                        long[] bStrides, long[] cStrides) {
        if (config instanceof SgemmConfig.Tiled t) {
            return tiled(t, device, size, bStrides, cStrides, GpuDefaults.folds(t, device, policy, size.rows(),
                    size.cols(), size.batch(), size.groups()));
        }
        var perEntry = choose(config, device, policy, size, bStrides, cStrides);
        if (bStrides == null || size.batch() < 2 || policy.foldPercent() == 0
                || (long) size.batch() * size.cols() > Integer.MAX_VALUE) {
            return perEntry;
        }
        // Folded, the blocked kernel reads B from packed panels of the folded columns, with the block narrowed for
        // them or the entries' own, whichever pads them less.
        var folded = size.folded();
        var narrowed = narrowedTo((SgemmConfig.Blocked) config, policy, folded.cols());
        var fitted = padded(perEntry.config(), folded.cols()) < padded(narrowed, folded.cols()) ? perEntry.config()
                : narrowed;
        boolean saves = 100.0 * padded(fitted, folded.cols())
                <= policy.foldPercent() * (double) size.batch() * padded(perEntry.config(), size.cols());
        if (!saves || packedFloats(fitted, folded) * Float.BYTES > device.maxAllocBytes()) {
            return perEntry;
        }
        return new Choice(fitted, true, fitted.workGroups(folded.rows(), folded.cols(), products(folded)), true);
    }

    private static Choice tiled(SgemmConfig.Tiled configured, DeviceInfo device, Size size, long[] bStrides,
                                long[] cStrides, boolean folds) {
        var launched = folds ? size.folded() : size;
        var sized = GpuDefaults.sizedTo(configured, device, launched.rows(), launched.cols(), products(launched));
        var run = sized.alignedTo(size.depth(), bStrides, folds ? withImageColumns(cStrides, size) : cStrides);
        return new Choice(run, false, run.workGroups(launched.rows(), launched.cols(), products(launched)), folds);
    }

    /** C's strides and the columns of one entry, which a folded product's vectors must not straddle. */
    private static long[] withImageColumns(long[] cStrides, Size size) {
        long[] strides = Arrays.copyOf(cStrides, cStrides.length + 1);
        strides[cStrides.length] = size.cols();
        return strides;
    }

    /** As {@link #choose} for B read in place, never packed, with the tile configured. */
    public static Choice inPlace(SgemmConfig config, Size size, Operand b, Operand c) {
        return inPlace(config instanceof SgemmConfig.Tiled t ? t.alignedTo(size.depth(), b.strides(), c.strides())
                : config, size);
    }

    private static Choice inPlace(SgemmConfig config, Size size) {
        return new Choice(config, false, config.workGroups(size.rows(), size.cols(), products(size)), false);
    }

    private static long products(Size size) {
        return (long) size.batch() * size.groups();
    }

    /** As {@link #choose} for operands at hand. */
    public static Choice choose(SgemmConfig config, DeviceInfo device, ConvPolicy policy, Size size, Operand b,
                                Operand c) {
        return choose(config, device, policy, size, b.strides(), c.strides());
    }

    /**
     * @param a    {@code groups} consecutive row-major (rows x depth) matrices
     * @param bias {@code groups * rows} values, or null
     */
    public void enqueue(Choice choice, Size size, DeviceBuffer a, Operand b, Operand c, DeviceBuffer bias,
                        Epilogue epilogue) {
        boolean folds = choice.foldsBatch();
        var launched = folds ? size.folded() : size;
        if (choice.packsB() && panels.canHold(packedFloats(choice.config(), launched))) {
            enqueue(choice.config(), folds, size, a, pack(choice.config(), size, b, folds), null, c, bias, epilogue,
                    " -DPACKED", launch -> launch);
        } else {
            // Without room for the panels the blocked kernel reads B in place, one product per entry.
            boolean tiledFolds = folds && choice.config() instanceof SgemmConfig.Tiled;
            enqueue(choice.config(), tiledFolds, size, a, b, b.strides(), c, bias, epilogue, "", launch -> launch);
        }
    }

    private static long packedFloats(SgemmConfig config, Size size) {
        return (long) size.batch() * size.groups() * blocks(size.cols(), config.groupColumns()) * size.depth()
                * config.groupColumns();
    }

    /**
     * Enqueues the copy of B into panels of the workspace, of the folded columns where {@code folds}, and returns it
     * as the operand the PACKED kernel reads.
     */
    private Operand pack(SgemmConfig config, Size size, Operand b, boolean folds) {
        var launched = folds ? size.folded() : size;
        var packed = panels.atLeast(packedFloats(config, launched));
        long panelCount = blocks(launched.cols(), config.groupColumns());
        long perGroup = panelCount * launched.depth() * config.groupColumns();
        String defines = config.defines() + (folds ? " -DPACKED -DFOLD_BATCH" : "");
        var launch = b.arguments(new Launch(cl, cl.kernel(config.program(), "pack", defines), "pack")
                        .i32(launched.cols()).i32(launched.depth()).i32(launched.groups()))
                .buffer(packed);
        // FOLD_ARGS last: the columns of one entry. A fixed work-group of rows (the kernel guards the rounded-up
        // rows): left to the driver, POCL chose a work-group per global size and compiled the kernel for each, 13
        // times in the bench suite's find pass.
        (folds ? launch.i32(size.cols()) : launch).enqueue(new long[] {panelCount,
                Launch.roundUp(launched.depth(), Launch.LOCAL_1D), products(launched)},
                new long[] {1, Launch.LOCAL_1D, 1});
        return new Operand(packed, 0, config.groupColumns(), perGroup * launched.groups(), perGroup);
    }

    /**
     * As the enqueue with an epilogue, with the kernel built with {@code -DIMPLICIT} and {@code moreDefines}: B is
     * gathered from the NCHW images of {@code x} (its batch and group strides step images and channel groups; its
     * offset and row stride are unused), and {@code geometry} sets the convolution's arguments after the epilogue's.
     */
    public void enqueueImplicit(Choice choice, Size size, DeviceBuffer a, Operand x, Operand c, DeviceBuffer bias,
                                Epilogue epilogue, String moreDefines, UnaryOperator<Launch> geometry) {
        enqueue(choice.config(), choice.foldsBatch(), size, a, x, null, c, bias, epilogue, " -DIMPLICIT" + moreDefines,
                geometry);
    }

    /**
     * @param folds    whether the batch is folded into N (see {@link Choice#foldsBatch})
     * @param bStrides B's offset and strides, which its vector loads must respect; null where B is gathered
     */
    private void enqueue(SgemmConfig config, boolean folds, Size size, DeviceBuffer a, Operand b, long[] bStrides,
                         Operand c, DeviceBuffer bias, Epilogue epilogue, String moreDefines,
                         UnaryOperator<Launch> moreArgs) {
        String broken = config.fits(cl.device());
        if (broken != null) {
            throw new IllegalArgumentException("sgemm config " + config + " does not fit " + cl.device().name() + ": "
                    + broken);
        }
        // A choice made for other operands could misalign the vector loads: narrowing again is a no-op when it fits.
        var cStrides = folds ? withImageColumns(c.strides(), size) : c.strides();
        var run = config instanceof SgemmConfig.Tiled t ? t.alignedTo(size.depth(), bStrides, cStrides) : config;
        var launched = folds ? size.folded() : size;
        var kernel = cl.kernel(run.program(), "sgemm", run.defines() + epilogue.defines() + moreDefines
                + (folds ? " -DFOLD_BATCH" : ""));
        long[] local = run.local();
        // sgemm_arguments.cl's SGEMM_ARGS, up to the epilogue's.
        var launch = c.arguments(b.arguments(new Launch(cl, kernel, "sgemm")
                        .i32(launched.rows()).i32(launched.cols()).i32(size.depth()).i32(size.groups())
                        .buffer(a).i64(0).i64((long) size.rows() * size.depth())))
                .optional(bias, a);
        var withGeometry = moreArgs.apply(epilogue.arguments(launch, a));
        // FOLD_ARGS last: the columns of one entry.
        (folds ? withGeometry.i32(size.cols()) : withGeometry)
                .enqueue(new long[] {
                        blocks(launched.cols(), run.groupColumns()) * local[0],
                        blocks(launched.rows(), run.groupRows()) * local[1],
                        products(launched)},
                        new long[] {local[0], local[1], 1});
    }

    private static long blocks(long n, long per) {
        return (n + per - 1) / per;
    }
}
