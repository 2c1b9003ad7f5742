package org.convcl.opencl;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.convcl.Activation;
import org.convcl.Conv2dParams;
import org.convcl.ConvTranspose2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.VerifyingBackend;
import org.convcl.opencl.conv.Convolutions;
import org.convcl.opencl.ops.ChannelLanesConv2d;
import org.convcl.opencl.ops.WinogradTiles;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.tuning.ConvPolicy;
import org.convcl.opencl.tuning.SgemmConfig;

/**
 * Runs small convolutions on the Oclgrind simulator, each compared with the reference. Started by
 * {@link OclgrindTest} in a process of its own, whose environment makes Oclgrind the only OpenCL platform.
 */
public final class OclgrindProbe {
    private OclgrindProbe() {
    }

    static final List<DeviceCase> CASES = List.of(
            DeviceCase.named("im2col padded strided").input(2, 3, 7, 6).filters(5, 3, 2)
                    .params(new Conv2dParams(2, 1, 1, 1, 1, 1, 1)).withBias().seed(61),
            DeviceCase.named("strided wide row").input(1, 2, 3, 40).filters(2, 1, 3)
                    .params(new Conv2dParams(1, 2, 0, 1, 1, 1, 1)).seed(65),
            DeviceCase.named("dilated").input(1, 2, 7, 7).filters(3, 2, 2)
                    .params(Conv2dParams.DEFAULT.withDilation(2, 3)).seed(62),
            DeviceCase.named("pointwise").input(2, 5, 3, 5).filters(7, 1, 1).withBias().seed(63),
            // 49 rows per group: 5 row-groups of the small blocked configuration, 12 rows tall on the pointwise path, so
            // B is packed; the last panel is partial.
            DeviceCase.named("pointwise packed").input(2, 4, 3, 7).filters(98, 1, 1)
                    .params(Conv2dParams.DEFAULT.withGroups(2)).withBias().seed(71),
            // K = 24 and N = 16: operands aligned for the GPU kernel's vectors of 2 and 4.
            DeviceCase.named("aligned vectors").input(2, 4, 5, 6).filters(6, 2, 3).withBias().seed(68),
            DeviceCase.named("depthwise").input(1, 4, 5, 19).filters(4, 3, 3)
                    .params(Conv2dParams.DEFAULT.withGroups(4).withPadding(1, 1)).withBias().seed(64),
            DeviceCase.named("depthwise 5x5 stride 2").input(1, 2, 11, 13).filters(2, 5, 5)
                    .params(Conv2dParams.DEFAULT.withGroups(2).withStride(2, 2).withPadding(2, 2)).seed(72),
            // Four output planes per group: the direct kernel computes them in one work-item.
            DeviceCase.named("grouped planes").input(2, 4, 5, 11).filters(8, 3, 3)
                    .params(Conv2dParams.DEFAULT.withGroups(2).withPadding(1, 1)).withBias().seed(70),
            DeviceCase.named("padding per side").input(1, 2, 5, 6).filters(3, 3, 2)
                    .params(Conv2dParams.DEFAULT.withPadding(2, 0, 1, 1)).withBias().seed(68),
            // A padded extent past 2^31 - 1: the implicit GEMM's 64-bit gather, 64-bit window terms elsewhere.
            DeviceCase.named("padding and stride 2^30").input(1, 2, 3, 3).filters(2, 3, 3)
                    .params(Conv2dParams.DEFAULT.withPadding(1 << 30, 1 << 30).withStride(1 << 30, 1 << 30))
                    .withBias().seed(69));

    /**
     * Small tile shapes keep the simulation short while still covering partial tiles in M, N and K. The GPU kernel
     * runs with both operands staged in local memory, with neither (vectors of 2 along k, 4 along n, contiguous
     * access), and with each alone (strided one way, contiguous the other); for the direct kernel, two work-items
     * along N and a KC that does not divide K cover its group-wide edge paths.
     */
    static final List<SgemmConfig> SMALL_CONFIGS = List.of(
            new SgemmConfig.Tiled(8, 8, 4, 4, 4, 4, 4, 1, 1, true, true, true, true),
            new SgemmConfig.Tiled(8, 16, 4, 4, 4, 8, 4, 2, 4, false, false, false, false),
            new SgemmConfig.Tiled(8, 16, 8, 2, 4, 2, 4, 2, 2, true, false, true, false),
            new SgemmConfig.Tiled(8, 8, 4, 2, 2, 1, 2, 1, 2, false, true, false, true),
            new SgemmConfig.Blocked(3, 4, 2, 2, 2, 5));

    /**
     * The implicit GEMM with the GPU kernel gathering into local memory and straight into registers, with the
     * small direct configuration, and with full 16-lane vectors, one vector per work-item and a group of three
     * work-items that do not divide KC.
     */
    static final List<SgemmConfig> IMPLICIT_CONFIGS = List.of(SMALL_CONFIGS.get(0), SMALL_CONFIGS.get(1),
            SMALL_CONFIGS.get(4), new SgemmConfig.Blocked(2, 16, 1, 1, 3, 7));

    /**
     * The cases the further tiled configurations run on the im2col and pointwise paths, where the SGEMM sees matrices
     * alone: partial tiles in M, N and K, groups (a batch along z), one row of A, and operands aligned for the
     * vectors. The first tiled configuration, the blocked one, the direct kernel and every implicit GEMM (whose
     * gather is the geometry) run every case.
     */
    static final List<DeviceCase> MATRIX_EDGE_CASES = Stream.of("im2col padded strided", "pointwise packed",
            "aligned vectors", "depthwise").map(label -> CASES.stream().filter(c -> c.label().equals(label))
            .findFirst().orElseThrow()).toList();

    /** The cases the im2col and pointwise paths run with {@code config}, one of {@link #SMALL_CONFIGS}. */
    static List<DeviceCase> casesFor(SgemmConfig config) {
        return config instanceof SgemmConfig.Tiled && config != SMALL_CONFIGS.get(0) ? MATRIX_EDGE_CASES : CASES;
    }

    /** Over rows wide enough for whole runs of max-pooled pixels at stride 1 and 2 besides the padded ones. */
    static final List<Pool2dParams> POOLS = List.of(
            Pool2dParams.of(3, 3).withStride(2, 2).withPadding(1, 1).withCeilMode(true).withCountIncludePad(false),
            Pool2dParams.of(2, 3).withStride(1, 2).withDilation(2, 1),
            Pool2dParams.of(3, 3).withPadding(1, 1),
            Pool2dParams.of(3, 3).withStride(2, 2).withPadding(0, 1, 1, 0).withCeilMode(true));

    /**
     * Winograd cases, pinned, with a small SGEMM configuration and row slices: F(2x2,3x3) with a plane one pixel
     * wide, F(4x4,3x3) with padding 2 (34 tiles, just above the {@link #FEW_WINOGRAD_TILES} from which the probe
     * takes F(4x4), 17 a row: two whole runs of 8, with and without guarded loads, and a partial one), F(2x2,3x3)
     * with padding on the bottom and left only.
     */
    /** The cases whose one padded image is small enough to simulate: all but the 2^30 padding. */
    static final List<DeviceCase> LANE_CASES = CASES.stream()
            .filter(c -> !c.label().equals("padding and stride 2^30")).toList();

    /**
     * The channel lanes' case whose tiles share filters, run with Oclgrind planned as a CPU, since only CPUs share them:
     * 120 channels, so that a block of filters' taps (69 KB or more) outgrows a core's L1 cache, 70 filters, on an
     * image of two rows of 3 pixels, whose two tiles one work-item takes each block of channels for.
     */
    static final List<DeviceCase> SHARED_FILTER_CASES = List.of(DeviceCase.named("shared filters").input(1, 120, 2, 3)
            .filters(70, 3, 3).params(Conv2dParams.DEFAULT.withPadding(1, 1)).withBias().seed(76));

    /**
     * The depthwise rows kernel's cases, run with Oclgrind planned as a CPU, since only CPUs take that kernel: the
     * depthwise cases above, a channel multiplier on rows of 3 pixels (a partial run), one input channel under 16
     * filters with a window read from the arguments, and 7x7 planes under a built-in window, which walks input rows.
     */
    static final List<DeviceCase> DEPTHWISE_ROW_CASES = Stream.concat(
            CASES.stream().filter(c -> c.label().startsWith("depthwise")),
            Stream.of(DeviceCase.named("depthwise multiplier 2, 3 pixels a row").input(2, 2, 4, 3).filters(4, 3, 3)
                            .params(Conv2dParams.DEFAULT.withGroups(2).withPadding(1, 1)).withBias().seed(74),
                    DeviceCase.named("one channel, dilated, stride 3").input(2, 1, 9, 23).filters(16, 3, 2)
                            .params(new Conv2dParams(3, 1, 1, 1, 2, 2, 1)).withBias().seed(75),
                    DeviceCase.named("depthwise 7x7 planes, input rows walked").input(2, 3, 7, 7).filters(3, 3, 3)
                            .params(Conv2dParams.DEFAULT.withGroups(3).withPadding(1, 1)).withBias().seed(77)))
            .toList();

    /**
     * The pointwise cases and im2col's first, run again with the blocked kernel folding their two images into packed
     * panels (on the pointwise path, and on im2col's column matrices).
     */
    static final List<DeviceCase> FOLDED_PANEL_CASES = CASES.stream()
            .filter(c -> c.label().startsWith("pointwise") || c.label().equals("im2col padded strided")).toList();

    static final List<DeviceCase> WINOGRAD_CASES = List.of(
            DeviceCase.named("winograd F2").input(2, 3, 7, 1).filters(5, 3, 3)
                    .params(Conv2dParams.DEFAULT.withPadding(1, 2)).withBias().seed(66),
            DeviceCase.named("winograd F4").input(1, 2, 6, 68).filters(3, 3, 3)
                    .params(Conv2dParams.DEFAULT.withPadding(2, 1)).withBias().seed(67),
            DeviceCase.named("winograd F2 padding per side").input(1, 2, 6, 5).filters(2, 3, 3)
                    .params(Conv2dParams.DEFAULT.withPadding(0, 2, 1, 0)).seed(70));

    /**
     * The fused Winograd's cases: the Winograd cases, each run as F(4x4,3x3); 20 filters over a row of 9 tiles (a
     * run of 8 and one of 1) and three rows of tiles, the last partial: the second block of 16 filters overlaps the
     * first; and F(2x2,5x5) on rows of 11 tiles of 2x2 (a run of 8 and one of 3), padded, and unpadded on 7 rows.
     */
    static final List<DeviceCase> FUSED_WINOGRAD_CASES = Stream.concat(WINOGRAD_CASES.stream(), Stream.of(
            DeviceCase.named("fused winograd, overlapping blocks of filters").input(1, 4, 9, 35).filters(20, 3, 3)
                    .params(Conv2dParams.DEFAULT.withPadding(1, 1)).withBias().seed(78),
            DeviceCase.named("fused winograd 5x5").input(2, 3, 9, 21).filters(5, 5, 5)
                    .params(Conv2dParams.DEFAULT.withPadding(2, 2)).withBias().seed(79),
            DeviceCase.named("fused winograd 5x5 unpadded").input(1, 2, 11, 26).filters(3, 5, 5).seed(80)))
            .toList();

    /** Output tiles from which the probe's Winograd takes F(4x4,3x3): fewer than a device's policy, for short runs. */
    static final long FEW_WINOGRAD_TILES = 32;

    /** Each activation kind, with a residual, fused into each path's epilogue (epilogue.cl). */
    static final List<Activation> EPILOGUES = List.of(Activation.identity(), Activation.relu(),
            Activation.clamp(-0.5f, 0.25f), Activation.leakyRelu(0.1f));

    /**
     * The epilogues that also run under the uninitialised-memory plugin: one of each program, the identity's and the
     * activated one, which serves the other kinds with the same reads and writes.
     */
    static final List<Activation> UNINITIALISED_EPILOGUES = EPILOGUES.subList(0, 2);

    /**
     * A 3x3 stride-1 layer, so every path takes it: the tiled and blocked im2col GEMMs, direct, channel lanes,
     * implicit, Winograd.
     */
    static final DeviceCase EPILOGUE_CASE = DeviceCase.named("epilogue").input(2, 3, 5, 6).filters(4, 3, 3)
            .params(Conv2dParams.DEFAULT.withPadding(1, 1)).withBias().seed(68);

    static final int EPILOGUE_PATHS = 6;

    /**
     * The batch folded into N, one program each: the pointwise path on the tiled configuration without staging and
     * with vectors of 4 (12 pixels an image in tiles of 16 columns, two groups, one input channel a group), and the
     * implicit GEMM on the staged one with a residual and ReLU (20 pixels an image in tiles of 8). Tiles straddle
     * images and the last is partial on both. The probe's other runs keep the batch along z.
     */
    static final List<DeviceCase> FOLDED_CASES = List.of(
            DeviceCase.named("folded pointwise").input(3, 2, 3, 4).filters(6, 1, 1)
                    .params(Conv2dParams.DEFAULT.withGroups(2)).withBias().seed(74),
            DeviceCase.named("folded implicit").input(3, 3, 5, 4).filters(5, 3, 3)
                    .params(Conv2dParams.DEFAULT.withPadding(1, 1)).withBias().seed(75));

    /**
     * Transposed convolutions, forward and backward, with a column budget of two input rows: col2im in row slices
     * with the bias from the first, and output padding that conv2d's own size formula would overshoot.
     */
    static final List<TransposeCase> TRANSPOSE_CASES = List.of(
            TransposeCase.named("transposed upsample").input(2, 4, 5, 4).outputs(6, 3, 2)
                    .params(ConvTranspose2dParams.DEFAULT.withStride(2, 3).withPadding(1, 0).withOutputPadding(1, 2)
                            .withGroups(2)).withBias().seed(68),
            TransposeCase.named("transposed dilated").input(1, 3, 4, 3).outputs(2, 2, 2)
                    .params(ConvTranspose2dParams.DEFAULT.withDilation(2, 2).withOutputPadding(1, 0)).seed(69));

    /**
     * Lines starting "ok " a clean probe prints: every run of its cases (the tabulated gather's too) and the backward
     * pass of each case, each case planned as a CPU, each Winograd case, fused and not, each transposed case, each epilogue on each
     * path and its backward and standalone activation, each pool, col2im, each folded case.
     */
    static final int OK_LINES = SMALL_CONFIGS.stream().mapToInt(c -> casesFor(c).size()).sum()
            + (1 + IMPLICIT_CONFIGS.size() + 1 + 1) * CASES.size() + LANE_CASES.size() + DEPTHWISE_ROW_CASES.size()
            + SHARED_FILTER_CASES.size() + FOLDED_PANEL_CASES.size() + WINOGRAD_CASES.size()
            + FUSED_WINOGRAD_CASES.size()
            + TRANSPOSE_CASES.size()
            + EPILOGUES.size() * (EPILOGUE_PATHS + 1) + POOLS.size() + 1 + FOLDED_CASES.size();

    /**
     * The cases whose conv2d and backward runs also go under Oclgrind's uninitialised-memory plugin, which costs twice
     * what the race and API checks do together: those whose kernels leave parts of a tile, a panel or a buffer
     * unwritten (partial tiles in M, N and K, groups, a one-row A, aligned operands: {@link #MATRIX_EDGE_CASES}) and
     * the 64-bit window programs. The other cases vary the geometry of the gathers, whose reads are of the input, always
     * written; they run with the race and API checks.
     */
    static final List<DeviceCase> UNINITIALISED_CASES = Stream.concat(MATRIX_EDGE_CASES.stream(),
            CASES.stream().filter(c -> c.label().equals("padding and stride 2^30"))).toList();

    /** One check, printing its "ok " line, and whether it also runs under the uninitialised-memory plugin. */
    /** A case planned as the CPU {@code asCpu} and run on {@code device}, its plan saying {@code says}. */
    private static Check plannedAsCpu(DeviceInfo device, DeviceInfo asCpu, BackendOptions options, DeviceCase c,
                                      String says) {
        return new Check(false, () -> {
            var planner = options.planner(asCpu);
            try (var cl = new ClContext(device); var conv = new Convolutions(cl, planner, null, false)) {
                String plan = planner.forward(c.shape()).describe();
                if (!plan.contains(says)) {
                    throw new AssertionError(c.label() + " planned as " + plan);
                }
                Conv2dDeviceTest.assertNoStrayWrites(cl, conv, c, Tolerance.FLOAT32);
                System.out.println("ok " + says + " " + c.label());
            }
        });
    }

    record Check(boolean uninitialised, Runnable run) {
    }

    /**
     * Runs the probe's checks: with the argument {@code uninitialised} those that also run under the
     * uninitialised-memory plugin, with {@code others} the rest, without an argument all; the two parts together
     * print {@link #OK_LINES} lines starting "ok ".
     */
    public static void main(String[] args) {
        for (var check : checks(Devices.choose("oclgrind"))) {
            if (args.length == 0 || check.uninitialised() == args[0].equals("uninitialised")) {
                check.run().run();
            }
        }
    }

    /** Every check of the probe, in order. */
    /** The forward pass of {@code c} as {@code run} says, against the reference. */
    private static Check forward(DeviceInfo device, BackendOptions run, DeviceCase c) {
        return new Check(UNINITIALISED_CASES.contains(c), () -> {
            try (var backend = OpenClBackend.open(device, run)) {
                Conv2dDeviceTest.assertMatchesReference(backend, c, Tolerance.FLOAT32);
                System.out.println("ok " + c.label() + " with " + run.sgemm() + " on " + run.path());
            }
        });
    }

    static List<Check> checks(DeviceInfo device) {
        var checks = new ArrayList<Check>();
        System.out.println("device: " + device.name());
        // Row slices (a 4 KiB budget) exercise the offsets of a chunked column matrix.
        var runs = new ArrayList<BackendOptions>();
        // Oclgrind is a GPU to the planner, which would fold some batches into N: the folded runs are their own.
        var ofDevice = BackendOptions.defaultsFor(device);
        var defaults = ofDevice.withPolicy(ConvPolicy.parse("FOLD_PERCENT=0", ofDevice.policy()));
        var folding = ofDevice.withPolicy(ConvPolicy.parse("FOLD_PERCENT=100", ofDevice.policy()));
        for (var config : SMALL_CONFIGS) {
            runs.add(defaults.withSgemm(config).withColumnBudget(4096).withPath(Conv2dPath.IM2COL_GEMM));
        }
        runs.add(defaults.withPath(Conv2dPath.DIRECT));
        for (var config : IMPLICIT_CONFIGS) {
            runs.add(defaults.withSgemm(config).withColumnBudget(4096).withPath(Conv2dPath.IMPLICIT_GEMM));
        }
        // The blocked kernel's tabulated gather, which the planner takes only where many channels share each tap.
        runs.add(defaults.withSgemm(IMPLICIT_CONFIGS.get(2)).withPath(Conv2dPath.IMPLICIT_GEMM)
                .withPolicy(ConvPolicy.parse("TAP_TABLE_CHANNELS=1", defaults.policy())));
        for (var options : runs) {
            for (var c : options.path() == Conv2dPath.IM2COL_GEMM ? casesFor(options.sgemm()) : CASES) {
                // A context per case: within one context, Oclgrind's uninitialised-memory plugin flags reads of
                // kernel-written data in a buffer allocated after another was freed (the same case run twice in one
                // context is flagged, in two contexts it is not, and the results equal the reference either way).
                // The GEMM runs take the pointwise path where the case allows it, so every SGEMM operand layout runs.
                boolean pointwise = Conv2dDeviceTest.runs(Conv2dPath.POINTWISE, c.shape());
                var run = options.path() == Conv2dPath.IM2COL_GEMM && pointwise
                        ? options.withPath(Conv2dPath.POINTWISE) : options;
                checks.add(forward(device, run, c));
            }
        }
        // The channel lanes with a column budget of one padded image, so that batches run in chunks, or the least
        // budget where the kernel reads the input in place.
        for (var c : LANE_CASES) {
            var s = c.shape();
            long image = ChannelLanesConv2d.choose(s, device).paddedFloatsPerImage(s) * Float.BYTES;
            checks.add(forward(device, defaults.withPath(Conv2dPath.CHANNEL_LANES)
                    .withColumnBudget(Math.max(Float.BYTES, image)), c));
        }
        for (var c : FOLDED_PANEL_CASES) {
            var path = c.label().startsWith("pointwise") ? Conv2dPath.POINTWISE : Conv2dPath.IM2COL_GEMM;
            var foldedPanels = folding.withSgemm(SMALL_CONFIGS.get(4)).withPath(path);
            String plan = foldedPanels.planner(device).forward(c.shape()).describe();
            if (!plan.endsWith("B packed, batch folded into N")) {
                throw new AssertionError(c.label() + " planned as " + plan);
            }
            checks.add(forward(device, foldedPanels, c));
        }
        var asCpu = FakeDevices.asCpu(device, 16);
        for (var c : DEPTHWISE_ROW_CASES) {
            checks.add(plannedAsCpu(device, asCpu, defaults.withPath(Conv2dPath.DIRECT), c, "depthwise rows"));
        }
        for (var c : SHARED_FILTER_CASES) {
            checks.add(plannedAsCpu(device, asCpu, defaults.withPath(Conv2dPath.CHANNEL_LANES), c, "filters shared"));
        }
        for (var c : CASES) {
            // Backward: transposed weight, GEMMs, col2im, transposed im2col, permutation and channel sums.
            var x = c.input();
            var w = c.weight();
            var s = c.params().shapeOf(x, w, null);
            // Budgets of one image's column matrix (chunks of images whose weight gradients are summed) and, every
            // other case, of two output rows (row slices whose input gradients col2im accumulates).
            long rowBytes = (long) s.c() * s.kh() * s.kw() * s.ow() * Float.BYTES;
            long budget = CASES.indexOf(c) % 2 == 0 ? rowBytes * s.oh() : rowBytes * 2;
            var chunked = defaults.withSgemm(SMALL_CONFIGS.get(0)).withColumnBudget(budget);
            checks.add(new Check(MATRIX_EDGE_CASES.contains(c), () -> {
                try (var backend = new VerifyingBackend(OpenClBackend.open(device, chunked))) {
                    backend.conv2dBackward(Tensor.seeded(73).uniform(s.outputShape()), x, w, c.params());
                    System.out.println("ok backward " + c.label());
                }
            }));
        }
        for (var c : WINOGRAD_CASES) {
            // Half of one image's transformed tiles: every image in two or more row slices.
            var policy = ConvPolicy.parse("WINOGRAD_F4_TILES=" + FEW_WINOGRAD_TILES, defaults.policy());
            var pinned = defaults.withSgemm(SMALL_CONFIGS.get(0)).withPath(Conv2dPath.WINOGRAD).withPolicy(policy);
            var plan = pinned.withColumnBudget(Long.MAX_VALUE).planner(device).forward(c.shape());
            if (!c.label().startsWith("winograd F" + plan.winogradTile())) {
                throw new AssertionError(c.label() + " planned as " + plan.describe());
            }
            // The gaps between the transform positions come with every chunk, however small.
            long gaps = new WinogradTiles(c.shape(), plan.winogradTile()).gapFloats();
            long wholeBatch = plan.largestChunkFloats() - gaps;
            var run = pinned.withColumnBudget((wholeBatch / c.n() / 2 + gaps) * Float.BYTES);
            checks.add(new Check(true, () -> {
                try (var backend = OpenClBackend.open(device, run)) {
                    Conv2dDeviceTest.assertMatchesReference(backend, c, Tolerance.WINOGRAD);
                    System.out.println("ok " + c.label() + " with " + run.sgemm() + " on " + run.path());
                }
            }));
        }
        for (var c : FUSED_WINOGRAD_CASES) {
            var fused = defaults.withPath(Conv2dPath.WINOGRAD_FUSED);
            checks.add(new Check(true, () -> {
                try (var backend = OpenClBackend.open(device, fused)) {
                    Conv2dDeviceTest.assertMatchesReference(backend, c, Tolerance.WINOGRAD);
                    System.out.println("ok " + c.label() + " on " + fused.path());
                }
            }));
        }
        for (var c : TRANSPOSE_CASES) {
            long twoRows = 2L * c.cOut() * c.kh() * c.kw() * c.w() * Float.BYTES;
            var sliced = defaults.withSgemm(SMALL_CONFIGS.get(0)).withColumnBudget(twoRows);
            checks.add(new Check(true, () -> {
                try (var backend = OpenClBackend.open(device, sliced)) {
                    ConvTranspose2dDeviceTest.assertMatchesReference(backend, c, Tolerance.FLOAT32);
                    System.out.println("ok " + c.label());
                }
            }));
        }
        var epiloguePaths = List.of(defaults.withSgemm(SMALL_CONFIGS.get(0)).withPath(Conv2dPath.IM2COL_GEMM),
                defaults.withSgemm(SMALL_CONFIGS.get(1)).withPath(Conv2dPath.IM2COL_GEMM),
                defaults.withPath(Conv2dPath.DIRECT), defaults.withPath(Conv2dPath.CHANNEL_LANES),
                defaults.withSgemm(IMPLICIT_CONFIGS.get(0)).withPath(Conv2dPath.IMPLICIT_GEMM),
                defaults.withSgemm(SMALL_CONFIGS.get(0)).withPath(Conv2dPath.WINOGRAD));
        var c = EPILOGUE_CASE;
        var residual = Tensor.seeded(69).uniform(c.shape().outputShape());
        for (var activation : EPILOGUES) {
            for (var options : epiloguePaths) {
                var tolerance = Conv2dDeviceTest.toleranceOf(options.path(), Tolerance.FLOAT32);
                checks.add(new Check(UNINITIALISED_EPILOGUES.contains(activation), () -> {
                    try (var backend = new VerifyingBackend(OpenClBackend.open(device, options), tolerance)) {
                        backend.conv2d(c.input(), c.weight(), c.biasOrNull(), c.params(), residual, activation);
                        System.out.println("ok " + activation + " epilogue with " + options.sgemm() + " on "
                                + options.path());
                    }
                }));
            }
            // Backward: the activation's gradient (tensor.cl), then conv2d's; and the activation alone.
            checks.add(new Check(UNINITIALISED_EPILOGUES.contains(activation), () -> {
                try (var backend = new VerifyingBackend(OpenClBackend.open(device, defaults.withSgemm(SMALL_CONFIGS
                        .get(0))))) {
                    var y = backend.conv2d(c.input(), c.weight(), c.biasOrNull(), c.params(), residual, activation);
                    backend.conv2dBackward(Tensor.seeded(70).uniform(y.shape()), c.input(), c.weight(), c.params(),
                            activation, y);
                    backend.activation(residual, activation);
                    System.out.println("ok " + activation + " backward and standalone");
                }
            }));
        }
        for (var p : POOLS) {
            checks.add(new Check(true, () -> {
                try (var backend = new VerifyingBackend(OpenClBackend.open(device))) {
                    var x = Tensor.seeded(71).uniform(2, 3, 7, 37);
                    var s = p.shapeOf(x);
                    var dy = Tensor.seeded(72).uniform(s.outputShape());
                    var max = backend.maxPool2d(x, p);
                    backend.maxPool2dBackward(dy, max.indices(), x.shape(), p);
                    if (p.dilationH() == 1) {
                        backend.avgPool2d(x, p);
                        backend.avgPool2dBackward(dy, x.shape(), p);
                    }
                    System.out.println("ok pooling " + p);
                }
            }));
        }
        checks.add(new Check(true, () -> {
            try (var cl = new ClContext(device)) {
                Col2imSliceTest.assertSlicesMatchWhole(cl, Col2imSliceTest.SHAPE, 2, 3);
                System.out.println("ok col2im in row slices");
            }
        }));
        checks.add(new Check(true, folded(device, folding.withSgemm(SMALL_CONFIGS.get(1))
                .withPath(Conv2dPath.POINTWISE), FOLDED_CASES.get(0), null, Activation.identity())));
        var second = FOLDED_CASES.get(1);
        checks.add(new Check(true, folded(device, folding.withSgemm(SMALL_CONFIGS.get(0))
                .withPath(Conv2dPath.IMPLICIT_GEMM), second, Tensor.seeded(76).uniform(second.shape().outputShape()),
                Activation.relu())));
        return checks;
    }

    /** Runs {@code c} with its batch folded into N, which the plan must say, with the residual (or null). */
    private static Runnable folded(DeviceInfo device, BackendOptions options, DeviceCase c, Tensor residual,
                                   Activation activation) {
        return () -> {
            try (var backend = new VerifyingBackend(OpenClBackend.open(device, options))) {
                String plan = options.planner(device).forward(c.shape()).describe();
                if (!plan.contains("batch folded into N")) {
                    throw new AssertionError(c.label() + " planned as " + plan);
                }
                backend.conv2d(c.input(), c.weight(), c.biasOrNull(), c.params(), residual, activation);
                System.out.println("ok " + c.label() + " " + activation + ": " + plan);
            }
        };
    }
}
