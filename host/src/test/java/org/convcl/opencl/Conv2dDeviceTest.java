package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.convcl.Activation;
import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.opencl.conv.ConvAlgorithms;
import org.convcl.opencl.conv.Convolutions;
import org.convcl.opencl.conv.PlanContext;
import org.convcl.opencl.ops.ChannelLanesConv2d;
import org.convcl.opencl.ops.DirectConv2d;
import org.convcl.opencl.ops.Epilogue;
import org.convcl.opencl.runtime.ClContext;
import org.convcl.opencl.runtime.DeviceBuffer;
import org.convcl.opencl.tuning.ConvPolicy;
import org.convcl.opencl.tuning.SgemmConfig;
import org.convcl.reference.Conv2dReference;
import org.convcl.reference.Magnitudes;
import org.convcl.reference.SourceExample;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** conv2d on the default OpenCL device against the plain reference. */
class Conv2dDeviceTest extends SharedDevice {
    /**
     * A tile of the GPU kernel family, small enough for any device: on a CPU, where the default is the blocked
     * kernel, the sweeps run every algorithm with it too, so the GPU default path (the implicit GEMM on tiles) is
     * swept on every machine. Vectors of 2 along k and n, so the aligned and the narrowed loads both run.
     */
    static final SgemmConfig GPU_TILES = new SgemmConfig.Tiled(32, 32, 16, 8, 8, 8, 8, 2, 2, true, true, true, true);
    /** Where the default is the GPU family, the blocked (CPU) kernel is swept beside it. */
    static final SgemmConfig CPU_BLOCKS = new SgemmConfig.Blocked(4, 4, 2, 1, 4, 16);

    /** A backend pinned to one algorithm of the registry with one SGEMM family. */
    record Pinned(Conv2dPath path, SgemmConfig sgemm, OpenClBackend backend) {
        @Override
        public String toString() {
            return path + " with " + sgemm;
        }
    }

    /** Every algorithm of the registry with each SGEMM family: the device's default first, then the other one. */
    private static final List<Pinned> PINNED = new ArrayList<>();
    /** The pointwise and implicit GEMM paths on the tiled kernel with the batch folded into N ({@link #folding}). */
    private static final List<Pinned> FOLDED = new ArrayList<>();
    /**
     * The implicit GEMM on the blocked kernel with its taps tabulated from one channel up: the planner tabulates only
     * where many channels share each tap, which no awkward shape has.
     */
    private static final List<Pinned> TABULATED = new ArrayList<>();

    @BeforeAll
    static void openPinnedPaths() {
        var d = Devices.choose(null);
        var defaults = BackendOptions.defaultsFor(d);
        for (var sgemm : sgemmFamilies(defaults)) {
            for (var path : pinnablePaths(defaults)) {
                PINNED.add(new Pinned(path, sgemm, OpenClBackend.open(d, defaults.withSgemm(sgemm).withPath(path))));
            }
        }
        var folding = folding(defaults);
        for (var path : FOLDING_PATHS) {
            FOLDED.add(new Pinned(path, folding.sgemm(), OpenClBackend.open(d, folding.withPath(path))));
        }
        var blocks = defaults.sgemm() instanceof SgemmConfig.Blocked ? defaults.sgemm() : CPU_BLOCKS;
        // The blocked kernel folds packed panels of B, so only where B is read, not gathered: the pointwise path and
        // im2col's column matrices.
        for (var path : List.of(Conv2dPath.POINTWISE, Conv2dPath.IM2COL_GEMM)) {
            FOLDED.add(new Pinned(path, blocks, OpenClBackend.open(d, folding.withSgemm(blocks).withPath(path))));
        }
        TABULATED.add(new Pinned(Conv2dPath.IMPLICIT_GEMM, blocks, OpenClBackend.open(d, defaults.withSgemm(blocks)
                .withPath(Conv2dPath.IMPLICIT_GEMM)
                .withPolicy(ConvPolicy.parse("TAP_TABLE_CHANNELS=1", defaults.policy())))));
    }

    /** The paths whose GEMM can take the batch along N. */
    static final List<Conv2dPath> FOLDING_PATHS = List.of(Conv2dPath.POINTWISE, Conv2dPath.IMPLICIT_GEMM);

    /**
     * The tiled kernel of the sweeps (the device's default where it is the tiled one, else {@link #GPU_TILES}) with
     * the batch folded into N wherever there is more than one image and it computes no more: the planner folds only
     * where it saves enough, which few of the sweeps' small shapes would.
     */
    static BackendOptions folding(BackendOptions defaults) {
        var tiles = defaults.sgemm() instanceof SgemmConfig.Tiled ? defaults.sgemm() : GPU_TILES;
        return defaults.withSgemm(tiles).withPolicy(ConvPolicy.parse("FOLD_PERCENT=100", defaults.policy()));
    }

    /** The folded paths that run {@code s}, each checked to fold it where there is more than one image. */
    static List<Pinned> foldedRunning(Conv2dShape s) {
        var running = FOLDED.stream().filter(p -> runs(p.path(), s)).toList();
        for (var p : running) {
            String plan = p.backend().describeConv2d(s);
            assertEquals(s.n() > 1, plan.contains("batch folded into N"), () -> s + " on " + p + ": " + plan);
        }
        return running;
    }

    /** The device's default SGEMM configuration and one of the other kernel family. */
    static List<SgemmConfig> sgemmFamilies(BackendOptions defaults) {
        return List.of(defaults.sgemm(), defaults.sgemm() instanceof SgemmConfig.Blocked ? GPU_TILES : CPU_BLOCKS);
    }

    /** Every algorithm of the registry, as the path that pins it. */
    static List<Conv2dPath> pinnablePaths(BackendOptions options) {
        return ConvAlgorithms.all().stream().map(a -> Conv2dPath.valueOf(ConvAlgorithms.idOf(a))).toList();
    }

    @AfterAll
    static void closePinnedPaths() {
        PINNED.forEach(p -> p.backend().close());
        PINNED.clear();
        TABULATED.forEach(p -> p.backend().close());
        TABULATED.clear();
        FOLDED.forEach(p -> p.backend().close());
        FOLDED.clear();
    }

    /** Whether a pinned path takes {@code s}, as its algorithm says: pointwise and Winograd take only their shapes. */
    static boolean runs(Conv2dPath path, Conv2dShape s) {
        return ConvAlgorithms.byId(path.name()).whyNot(s, DefaultContext.OF_DEVICE) == null;
    }

    /** The default device's planning context, read once: the options read the tuning cache file. */
    private static final class DefaultContext {
        static final PlanContext OF_DEVICE = BackendOptions.defaultsFor(Devices.choose(null))
                .planner(Devices.choose(null)).context();
    }

    /** The tolerance of a path: Winograd's own, looser one, the given one elsewhere. */
    /** The paths that run Winograd F(4x4,3x3), fused or not. */
    static boolean runsF4(Conv2dPath path) {
        return path == Conv2dPath.WINOGRAD_F4 || path == Conv2dPath.WINOGRAD_FUSED;
    }

    /**
     * Whether a path's result on small integers is exact: every product and partial sum is an integer, and F(2x2,3x3)'s
     * transforms only add, subtract and halve; F(4x4,3x3)'s divide by 6 and 24, which no float holds exactly.
     */
    static boolean exactOnIntegers(Conv2dPath path) {
        return !runsF4(path);
    }

    static Tolerance toleranceOf(Conv2dPath path, Tolerance tolerance) {
        return path.name().startsWith("WINOGRAD") ? Tolerance.WINOGRAD : tolerance;
    }

    /** Every algorithm that can run the case, with every SGEMM family, must match the reference on it. */
    private static void assertEveryPathMatches(DeviceCase c, Tolerance tolerance) {
        assertEveryPathMatches(c, tolerance, PINNED);
    }

    private static void assertEveryPathMatches(DeviceCase c, Tolerance tolerance, List<Pinned> pinned) {
        for (var p : pinned) {
            if (runs(p.path(), c.shape())) {
                assertMatchesReference(p.backend(), c, toleranceOf(p.path(), tolerance), p.toString());
            }
        }
    }

    private static final Conv2dParams P = Conv2dParams.DEFAULT;

    static Stream<DeviceCase> awkwardCases() {
        return Stream.of(
                DeviceCase.named("odd prime sizes").input(3, 5, 13, 11).filters(7, 3, 3).withBias().seed(1),
                DeviceCase.named("1x1 pointwise").input(2, 17, 9, 7).filters(19, 1, 1).withBias().seed(2),
                DeviceCase.named("1x1 strided").input(2, 6, 9, 7).filters(5, 1, 1).params(P.withStride(2, 3)).seed(3),
                DeviceCase.named("1x1 padded").input(1, 3, 4, 5).filters(2, 1, 1)
                        .params(P.withPadding(1, 2)).withBias().seed(4),
                DeviceCase.named("kernel equals input").input(2, 3, 5, 7).filters(4, 5, 7).withBias().seed(5),
                DeviceCase.named("kernel equals padded input").input(1, 2, 3, 4).filters(3, 5, 8)
                        .params(P.withPadding(1, 2)).seed(6),
                DeviceCase.named("stride larger than kernel").input(2, 3, 17, 19).filters(4, 2, 3)
                        .params(P.withStride(5, 4)).withBias().seed(7),
                DeviceCase.named("asymmetric stride padding dilation").input(2, 4, 15, 12).filters(6, 3, 2)
                        .params(new Conv2dParams(2, 1, 2, 0, 1, 3, 1)).withBias().seed(8),
                DeviceCase.named("dilation larger than size").input(1, 2, 9, 9).filters(3, 3, 3)
                        .params(P.withDilation(4, 4)).seed(9),
                DeviceCase.named("groups 2").input(2, 6, 10, 9).filters(8, 3, 3)
                        .params(P.withGroups(2).withPadding(1, 1)).withBias().seed(10),
                DeviceCase.named("groups 3 strided").input(3, 9, 11, 8).filters(6, 2, 3)
                        .params(P.withGroups(3).withStride(2, 2)).withBias().seed(11),
                DeviceCase.named("depthwise").input(2, 16, 12, 12).filters(16, 3, 3)
                        .params(P.withGroups(16).withPadding(1, 1)).withBias().seed(12),
                DeviceCase.named("depthwise multiplier 2").input(1, 5, 9, 6).filters(10, 3, 3)
                        .params(P.withGroups(5)).seed(13),
                DeviceCase.named("depthwise wide rows").input(2, 6, 5, 37).filters(6, 3, 3)
                        .params(P.withGroups(6).withPadding(1, 1)).withBias().seed(27),
                // Fixed windows with rows sharing loaded input rows: 10 output rows, so the second work-item's rows
                // run past the output, and stride 2 skips input rows between windows.
                DeviceCase.named("depthwise 5x5 stride 2").input(2, 3, 21, 19).filters(3, 5, 5)
                        .params(P.withGroups(3).withStride(2, 2).withPadding(2, 2)).withBias().seed(57),
                DeviceCase.named("depthwise 7x7 padding 3").input(1, 2, 13, 10).filters(4, 7, 7)
                        .params(P.withGroups(2).withPadding(3, 3)).seed(58),
                DeviceCase.named("depthwise strided dilated").input(1, 3, 11, 29).filters(6, 3, 2)
                        .params(new Conv2dParams(2, 3, 1, 2, 2, 2, 3)).withBias().seed(28),
                DeviceCase.named("pointwise grouped").input(2, 8, 5, 5).filters(12, 1, 1)
                        .params(P.withGroups(4)).withBias().seed(14),
                DeviceCase.named("batch 1").input(1, 3, 28, 28).filters(8, 5, 5).withBias().seed(15),
                DeviceCase.named("batch larger than any tile").input(67, 2, 6, 5).filters(3, 3, 3)
                        .params(P.withPadding(1, 1)).withBias().seed(16),
                DeviceCase.named("channels not a tile multiple").input(2, 67, 9, 9).filters(65, 3, 3)
                        .params(P.withPadding(1, 1)).withBias().seed(17),
                DeviceCase.named("output channels above one tile").input(1, 3, 10, 10)
                        .filters(130, 3, 3).withBias().seed(18),
                // Stride-2 vectors inside 40-pixel rows: one double-width load each (implicit GEMM, direct, im2col).
                DeviceCase.named("stride 2 wide rows").input(2, 3, 9, 40).filters(5, 3, 3)
                        .params(P.withStride(2, 2).withPadding(1, 1)).withBias().seed(43),
                // Enough row-groups of work-groups that the blocked SGEMM packs B into panels first, the last
                // panel partial: 1x1 (pointwise), 3x3 (Winograd's products, im2col).
                DeviceCase.named("B packed into panels 1x1").input(2, 6, 5, 7).filters(520, 1, 1).withBias().seed(41),
                DeviceCase.named("B packed into panels 3x3").input(2, 5, 9, 10).filters(520, 3, 3)
                        .params(P.withPadding(1, 1)).withBias().seed(42),
                DeviceCase.named("single pixel").input(3, 4, 1, 1).filters(5, 1, 1).withBias().seed(19),
                DeviceCase.named("one row").input(2, 3, 1, 37).filters(4, 1, 3).withBias().seed(20),
                DeviceCase.named("one column").input(2, 3, 37, 1).filters(4, 3, 1)
                        .params(P.withPadding(1, 0)).withBias().seed(21),
                DeviceCase.named("wide output plane").input(1, 2, 9, 300).filters(3, 3, 3).withBias().seed(22),
                DeviceCase.named("strided wide rows").input(1, 2, 7, 61).filters(3, 3, 3)
                        .params(new Conv2dParams(1, 3, 0, 1, 1, 1, 1)).withBias().seed(29),
                DeviceCase.named("seed 117x4x10x3").input(117, 4, 10, 3).filters(5, 2, 3).withBias().seed(23),
                DeviceCase.named("seed k3 p1 s2").input(1, 1, 8, 8).filters(1, 3, 3)
                        .params(P.withPadding(1, 1).withStride(2, 2)).seed(24),
                DeviceCase.named("seed k3x5 p0x1 s3x4").input(1, 1, 8, 8).filters(1, 3, 5)
                        .params(P.withPadding(0, 1).withStride(3, 4)).seed(25),
                DeviceCase.named("deep patch").input(1, 70, 7, 7).filters(9, 3, 3).withBias().seed(26),
                DeviceCase.named("end-only padding (ONNX pads 0,0,1,1)").input(2, 3, 13, 12).filters(5, 3, 3)
                        .params(P.withStride(2, 2).withPadding(0, 1, 0, 1)).withBias().seed(30),
                DeviceCase.named("begin-only padding").input(1, 4, 9, 11).filters(3, 3, 2)
                        .params(P.withPadding(2, 0, 1, 0)).seed(31),
                DeviceCase.named("asymmetric padding strided dilated grouped").input(2, 6, 11, 10).filters(4, 3, 2)
                        .params(new Conv2dParams(2, 3, 3, 0, 0, 2, 2, 1, 2, false)).withBias().seed(32),
                DeviceCase.named("1x1 padded on one side").input(1, 3, 4, 5).filters(2, 1, 1)
                        .params(P.withPadding(0, 1, 2, 0)).withBias().seed(33),
                DeviceCase.named("depthwise asymmetric padding").input(2, 6, 7, 23).filters(6, 3, 3)
                        .params(P.withGroups(6).withPadding(1, 2, 0, 1)).withBias().seed(34),
                DeviceCase.named("same, even kernel").input(2, 3, 8, 9).filters(4, 4, 2)
                        .params(P.withSamePadding()).withBias().seed(35),
                DeviceCase.named("same, dilated").input(1, 5, 10, 7).filters(6, 3, 4)
                        .params(P.withDilation(2, 3).withSamePadding()).seed(36),
                DeviceCase.named("same, 1x1").input(2, 7, 5, 6).filters(3, 1, 1).params(P.withSamePadding())
                        .withBias().seed(37),
                DeviceCase.named("same, depthwise").input(1, 4, 9, 30).filters(4, 2, 5)
                        .params(P.withGroups(4).withSamePadding()).withBias().seed(38),
                DeviceCase.named("valid").input(1, 3, 7, 8).filters(2, 3, 3).params(P.withValidPadding()).seed(39));
    }

    /**
     * Shapes for the Winograd path (3x3, stride 1): odd sizes, padding 0 to 2 (on some sides only) and past the
     * window (outputs that read only padding, exactly 0), planes smaller than a tile, channels of no tile's size.
     * From 256 output tiles of 4x4 the path takes F(4x4,3x3), below F(2x2,3x3).
     */
    static Stream<DeviceCase> winogradCases() {
        return Stream.of(
                DeviceCase.named("F2 odd unpadded").input(2, 3, 9, 7).filters(5, 3, 3).withBias().seed(41),
                DeviceCase.named("F2 padding 2").input(1, 7, 6, 11).filters(3, 3, 3).params(P.withPadding(2, 2))
                        .seed(42),
                DeviceCase.named("F2 plane below a tile").input(3, 2, 1, 2).filters(4, 3, 3)
                        .params(P.withPadding(1, 1)).withBias().seed(43),
                DeviceCase.named("F2 asymmetric padding").input(2, 17, 3, 13).filters(19, 3, 3)
                        .params(P.withPadding(0, 2)).seed(44),
                DeviceCase.named("F4 odd padded").input(4, 5, 33, 31).filters(7, 3, 3).params(P.withPadding(1, 1))
                        .withBias().seed(45),
                DeviceCase.named("F4 unpadded one image").input(1, 3, 67, 69).filters(2, 3, 3).seed(46),
                DeviceCase.named("F4 padding 2 wide channels").input(2, 67, 30, 29).filters(33, 3, 3)
                        .params(P.withPadding(2, 1)).withBias().seed(47),
                DeviceCase.named("F2 end-only padding").input(2, 5, 7, 10).filters(3, 3, 3)
                        .params(P.withPadding(0, 2, 0, 1)).withBias().seed(48),
                DeviceCase.named("F4 begin-only padding").input(1, 4, 35, 33).filters(5, 3, 3)
                        .params(P.withPadding(2, 0, 1, 0)).seed(49),
                DeviceCase.named("F4 same").input(2, 3, 32, 30).filters(4, 3, 3).params(P.withSamePadding())
                        .withBias().seed(50),
                // Rows of more than 8 tiles: the transforms take 8 tiles a work-item, with unguarded loads between
                // the paddings and a last run of fewer tiles.
                DeviceCase.named("F2 seven runs a row").input(2, 3, 18, 100).filters(5, 3, 3)
                        .params(P.withPadding(1, 1)).withBias().seed(55),
                DeviceCase.named("F4 four runs a row").input(2, 3, 34, 100).filters(6, 3, 3)
                        .params(P.withPadding(1, 2)).seed(56),
                DeviceCase.named("F4 padding past the window").input(3, 4, 38, 13).filters(5, 3, 3)
                        .params(P.withPadding(3, 3, 3, 0)).seed(111),
                DeviceCase.named("F2 padding past the window").input(1, 3, 1, 28).filters(8, 3, 3)
                        .params(P.withPadding(1, 1, 3, 3)).withBias().seed(112));
    }

    /**
     * Padding, stride and dilation of 2^30 and more (issue 11): the terms of window coordinates o*S - P + k*D pass
     * 2^31, and in most the padded extent too, so the implicit GEMM gathers with 64-bit coordinates. The first is the
     * command line's {@code --padding 1073741824 --stride 1073741824}, where PyTorch gives 3x3 (SizeOverflowTest).
     */
    static Stream<DeviceCase> hugeWindowCases() {
        int big = 1 << 30, max = Integer.MAX_VALUE;
        return Stream.of(
                DeviceCase.named("padding and stride 2^30").input(1, 2, 3, 3).filters(3, 3, 3)
                        .params(P.withPadding(big, big).withStride(big, big)).withBias().seed(51),
                DeviceCase.named("padding and dilation 2^30").input(2, 3, 1, 1).filters(2, 3, 3)
                        .params(P.withPadding(big, big).withDilation(big, big)).withBias().seed(52),
                DeviceCase.named("top and bottom padding and stride 2^31-1").input(1, 2, 1, 4).filters(2, 1, 2)
                        .params(P.withPadding(max, max, 0, 1).withStride(max, 1)).seed(53),
                DeviceCase.named("bottom padding and stride 2^31-1").input(1, 1, 2, 3).filters(1, 2, 2)
                        .params(P.withPadding(0, max, 0, 0).withStride(max, 1)).withBias().seed(54),
                // Groups of one channel (the depthwise rows kernel on CPUs): runs whose columns pass 2^31.
                DeviceCase.named("depthwise padding and dilation 2^30").input(2, 2, 2, 2).filters(4, 3, 3)
                        .params(P.withGroups(2).withPadding(big, big).withDilation(big, big)).withBias().seed(55),
                DeviceCase.named("one channel, side padding 2^31-1, stride 2^30").input(1, 1, 2, 3).filters(3, 1, 2)
                        .params(P.withPadding(0, 0, max, max).withStride(1, big)).withBias().seed(56));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hugeWindowCases")
    void hugePaddingStrideAndDilationMatchTheReference(DeviceCase c) {
        assertEveryPathMatches(c, Tolerance.FLOAT32);
        assertEveryPathMatches(c, Tolerance.FLOAT32, foldedRunning(c.shape()));
    }

    static Stream<DeviceCase> randomWinogradCases() {
        return LongStream.range(0, 80).mapToObj(seed -> DeviceCase.randomWinograd(2000 + seed));
    }

    static Stream<DeviceCase> randomCases() {
        return LongStream.range(0, 220).mapToObj(seed -> DeviceCase.random(1000 + seed));
    }

    /**
     * Batches whose tiles of columns straddle images where the batch is folded into N: planes of even size (vectors
     * of two) and odd size (scalars), several images a tile, one pixel an image, groups, output channels above a
     * tile, strides, and patches deeper than a step of k.
     */
    static Stream<DeviceCase> foldedCases() {
        return Stream.of(
                DeviceCase.named("folded 1x1, tiles across images").input(3, 6, 5, 6).filters(7, 1, 1).withBias()
                        .seed(81),
                DeviceCase.named("folded 1x1 grouped, odd planes").input(4, 6, 3, 5).filters(9, 1, 1)
                        .params(P.withGroups(3)).withBias().seed(82),
                DeviceCase.named("folded 1x1, rows above a tile").input(5, 3, 4, 4).filters(40, 1, 1).seed(83),
                DeviceCase.named("folded 3x3 grouped").input(5, 6, 7, 8).filters(8, 3, 3)
                        .params(P.withGroups(2).withPadding(1, 1)).withBias().seed(84),
                DeviceCase.named("folded 3x3 strided, even planes").input(3, 2, 11, 9).filters(5, 3, 3)
                        .params(P.withStride(2, 2)).withBias().seed(85),
                DeviceCase.named("folded single pixels").input(40, 3, 3, 3).filters(4, 3, 3).withBias().seed(86),
                DeviceCase.named("folded deep patch").input(3, 40, 5, 5).filters(6, 3, 3).params(P.withPadding(1, 1))
                        .seed(87));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("awkwardCases")
    void awkwardShapesMatchTheReference(DeviceCase c) {
        assertEveryPathMatches(c, Tolerance.FLOAT32);
    }

    /**
     * The tabulated gather wherever the planner can choose it (stride 1 or 2 along the width, at most 64 taps), each
     * checked to tabulate: the awkward shapes' edges are where a tap's runs leave the image or span two output rows.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("awkwardCases")
    void awkwardShapesMatchTheReferenceWithTapsTabulated(DeviceCase c) {
        var s = c.shape();
        boolean tabulates = s.params().strideW() <= 2 && s.kh() * s.kw() <= SgemmConfig.Blocked.MAX_TABLE_TAPS;
        for (var p : TABULATED) {
            assertEquals(tabulates, p.backend().describeConv2d(s).contains("taps tabulated"), s::toString);
        }
        assertEveryPathMatches(c, Tolerance.FLOAT32, TABULATED);
    }

    /**
     * The folded paths on the batches made for them. The folded kernel differs from the tiled one only in where a
     * tile's columns lie, which these cases vary; the awkward sweep's other edges are the tiled kernel's own, which it
     * covers unfolded (each case there would be a build of its own for the folded programs, whose vectors follow the
     * plane size).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("foldedCases")
    void foldedShapesMatchTheReference(DeviceCase c) {
        assertEveryPathMatches(c, Tolerance.FLOAT32, foldedRunning(c.shape()));
    }

    /**
     * Folded cases with whole vectors (30 and 56 pixels an image) and single columns (15), groups with one and with
     * several output rows a tile: the ways a folded store and its residual reach their image.
     */
    static Stream<DeviceCase> foldedEpilogueCases() {
        return foldedCases().filter(c -> List.of("folded 1x1, tiles across images", "folded 1x1 grouped, odd planes",
                "folded 3x3 grouped").contains(c.label()));
    }

    /** The folded paths' fused epilogue: each column's residual read from its own image, then the activation. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("foldedEpilogueCases")
    void foldedEpilogueMatchesTheReference(DeviceCase c) {
        Tensor x = c.input(), w = c.weight(), b = c.biasOrNull();
        var r = Tensor.seeded(c.seed() + 3).uniform(c.shape().outputShape());
        for (var a : List.of(Activation.relu(), Activation.leakyRelu(0.1f))) {
            for (var residual : new Tensor[] {null, r}) {
                var expected = EpilogueSweep.REFERENCE.conv2d(x, w, b, c.params(), residual, a);
                var magnitude = Magnitudes.conv2d(x, w, b, c.params(), residual);
                for (var p : foldedRunning(c.shape())) {
                    var got = p.backend().conv2d(x, w, b, c.params(), residual, a);
                    EpilogueDeviceTest.assertClose(c + " " + a + (residual == null ? "" : " +residual") + " on " + p,
                            expected, got, magnitude, Tolerance.FLOAT32);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"winogradCases", "randomWinogradCases"})
    void winogradShapesMatchTheReference(DeviceCase c) {
        assertEveryPathMatches(c, Tolerance.FLOAT32);
    }

    /** The random sweep with the device's default family; the named sweeps above run both. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("randomCases")
    void randomShapesMatchTheReference(DeviceCase c) {
        assertEveryPathMatches(c, Tolerance.FLOAT32, PINNED.subList(0, PINNED.size() / 2));
    }

    static void assertMatchesReference(OpenClBackend backend, DeviceCase c, Tolerance tolerance) {
        assertMatchesReference(backend, c, tolerance, "");
    }

    private static void assertMatchesReference(OpenClBackend backend, DeviceCase c, Tolerance tolerance, String how) {
        Tensor x = c.input(), w = c.weight(), b = c.biasOrNull();
        var got = backend.conv2d(x, w, b, c.params());
        var expected = Conv2dReference.conv2d(x, w, b, c.params());
        var magnitude = Magnitudes.conv2d(x, w, b, c.params(), null);
        assertNull(tolerance.firstMismatch(got, expected, magnitude), () -> c + " on " + backend.name() + " " + how
                + ": " + tolerance.firstMismatch(got, expected, magnitude));
    }

    /**
     * Small integers keep every float32 product and partial sum exact, so any difference at all is a bug, on every
     * path that is exact on them ({@link #exactOnIntegers}).
     */
    @Test
    void smallIntegerInputsAreExact() {
        var cases = List.of(
                new Conv2dParams(1, 1, 1, 1, 1, 1, 1),
                new Conv2dParams(1, 1, 0, 2, 1, 1, 1),
                new Conv2dParams(2, 3, 0, 2, 2, 1, 1),
                new Conv2dParams(1, 1, 1, 1, 1, 1, 3));
        for (var p : cases) {
            var x = Tensor.seeded(7).integers(3, 2, 9, 13, 11);
            var w = Tensor.seeded(8).integers(2, 12, 9 / p.groups(), 3, 3);
            var b = Tensor.seeded(9).integers(5, 12);
            var s = p.shapeOf(x, w, b);
            var expected = Conv2dReference.conv2d(x, w, b, p);
            for (var pinned : Stream.concat(PINNED.stream(), foldedRunning(s).stream()).toList()) {
                if (runs(pinned.path(), s) && exactOnIntegers(pinned.path())) {
                    var got = pinned.backend().conv2d(x, w, b, p);
                    assertNull(Tolerance.EXACT.firstMismatch(got, expected), () -> p + " on " + pinned + ": "
                            + Tolerance.EXACT.firstMismatch(got, expected));
                }
            }
        }
    }

    @Test
    void sourceMaterialKnownAnswer() {
        var y = device.conv2d(SourceExample.input(), SourceExample.filters(), null, P);
        assertArrayEquals(new float[] {64, 72, 88, 96, 4, 4, 4, 4}, y.data());
    }

    @Test
    void emptyBatchReturnsAnEmptyResult() {
        var y = device.conv2d(Tensor.zeros(0, 3, 8, 8), Tensor.seeded(1).uniform(4, 3, 3, 3), null, P);
        assertArrayEquals(new int[] {0, 4, 6, 6}, y.shape());
    }

    /**
     * An empty batch is described (as the plan of one image) and run by every algorithm that takes its shape,
     * depthwise included: the algorithms' chunks and work-item counts assumed images.
     */
    @Test
    void everyPathPlansAndRunsAnEmptyBatch() {
        for (var params : List.of(P.withPadding(1, 1), P.withPadding(1, 1).withGroups(4))) {
            var x = Tensor.zeros(0, 4, 8, 8);
            var w = Tensor.seeded(2).uniform(4, 4 / params.groups(), 3, 3);
            var s = params.shapeOf(x, w, null);
            for (var p : PINNED) {
                if (runs(p.path(), s)) {
                    assertFalse(p.backend().describeConv2d(s).isEmpty(), p::toString);
                    assertArrayEquals(new int[] {0, 4, 8, 8}, p.backend().conv2d(x, w, null, params).shape(),
                            p::toString);
                }
            }
        }
    }

    /**
     * A sentinel region after the output and an untouched copy of the input catch stray writes. The executor runs on
     * buffers this test owns, so the output buffer can be longer than the output.
     */
    @ParameterizedTest
    @EnumSource(value = Conv2dPath.class, names = "AUTO", mode = EnumSource.Mode.EXCLUDE)
    void nothingIsWrittenOutsideTheOutput(Conv2dPath path) {
        var device = Devices.choose(null);
        var defaults = BackendOptions.defaultsFor(device);
        var configured = new ArrayList<BackendOptions>();
        sgemmFamilies(defaults).forEach(sgemm -> configured.add(defaults.withSgemm(sgemm).withPath(path)));
        if (FOLDING_PATHS.contains(path)) {
            configured.add(folding(defaults).withPath(path));
        }
        for (var options : configured) {
            try (var cl = new ClContext(device); var conv = new Convolutions(cl, options.planner(device), null, false)) {
                for (var c : List.of(
                        DeviceCase.named("im2col path").input(3, 5, 13, 11).filters(7, 3, 3)
                                .params(P.withPadding(1, 2)).withBias().seed(31),
                        DeviceCase.named("pointwise path").input(2, 7, 9, 5).filters(9, 1, 1).withBias().seed(32),
                        DeviceCase.named("grouped").input(2, 6, 7, 7).filters(4, 3, 3).params(P.withGroups(2))
                                .seed(33))) {
                    if (runs(path, c.shape())) {
                        assertNoStrayWrites(cl, conv, c, toleranceOf(path, Tolerance.FLOAT32));
                    }
                }
            }
        }
    }

    /**
     * The direct kernel with runs of 8 and of 16 pixels, whichever this machine's SIMD width picks: planned as for a CPU
     * whose registers hold that many floats, run here. Rows wider than a run, a partial last run, stride 3 across the
     * padding, dilation and groups of several channels: the layers a CPU does not give the depthwise rows kernel.
     */
    @ParameterizedTest
    @ValueSource(ints = {8, 16})
    void theDirectKernelRunsAtEitherVectorWidth(int width) {
        assertDirectRunsPlannedAsCpu(width, Conv2dPath.DIRECT, List.of("KB=", "RB=", "VW=" + width), List.of(
                DeviceCase.named("dilated wide rows").input(2, 4, 6, 37).filters(4, 3, 3)
                        .params(P.withGroups(2).withPadding(2, 2).withDilation(2, 2)).withBias().seed(91),
                DeviceCase.named("5x5 stride 3").input(1, 2, 13, 71).filters(4, 5, 5)
                        .params(P.withStride(3, 3).withPadding(2, 2)).seed(92),
                DeviceCase.named("grouped planes").input(2, 4, 5, 40).filters(8, 3, 3)
                        .params(P.withGroups(2).withPadding(1, 1)).withBias().seed(93)));
    }

    /**
     * The depthwise rows kernel, this device planned as a CPU whose registers hold 8 or 16 floats: rows narrower than
     * the SIMD width (runs of 4, the only one partial), rows that end in a run overlapping the one before, a channel
     * multiplier, 5x5 and 7x7 windows at stride 2 with uneven padding, and planes split into chunks of rows, the last
     * partial; windows read from the arguments (dilated, stride 3, a wide speech-like window at stride 2); one input
     * channel under 24 filters, 8 planes a work-item. Borders in the padding read with masked loads, or lane by lane
     * where a load could leave the buffer.
     */
    @ParameterizedTest
    @ValueSource(ints = {8, 16})
    void theDepthwiseRowsKernelRunsAtEitherVectorWidth(int width) {
        assertDirectRunsPlannedAsCpu(width, Conv2dPath.DIRECT, List.of("depthwise rows"), DEPTHWISE_ROW_CASES);
    }

    /** The same cases with each weight loaded where it is used, on those whose window is built in. */
    @ParameterizedTest
    @ValueSource(ints = {8, 16})
    void theDepthwiseRowsKernelStreamsItsWeightsAtEitherVectorWidth(int width) {
        var planned = FakeDevices.asCpu(Devices.choose(null), width);
        var streamed = DEPTHWISE_ROW_CASES.stream().filter(c -> DirectConv2d.streamsWeights(c.shape(), planned))
                .toList();
        assertTrue(streamed.size() >= 5, streamed.toString());
        assertDirectRunsPlannedAsCpu(width, Conv2dPath.DIRECT_STREAMED, List.of("fixed window, weights streamed"),
                streamed);
    }

    /**
     * The depthwise rows kernel's built-in windows at stride 1 walk input rows, each feeding the output rows whose
     * windows hold it, this device planned as a CPU of 16 floats: 7x7 planes in runs of 4 (the last moved back), a
     * channel multiplier with a 5x5 window, the padding uneven and the weights streamed, each plane's rows in chunks
     * whose first rows take window rows from the chunk before, and the first and last planes' border runs, read lane
     * by lane.
     */
    @Test
    void theDepthwiseRowsKernelWalksInputRowsUnderBuiltInWindows() {
        assertDirectRunsPlannedAsCpu(16, Conv2dPath.DIRECT, List.of("fixed window"), List.of(
                DeviceCase.named("7x7 planes").input(3, 4, 7, 7).filters(4, 3, 3)
                        .params(P.withGroups(4).withPadding(1, 1)).withBias().seed(106),
                DeviceCase.named("multiplier 2, 5x5 on 6x6").input(2, 3, 6, 6).filters(6, 5, 5)
                        .params(P.withGroups(3).withPadding(2, 2)).seed(107),
                DeviceCase.named("5x5 rows in chunks").input(1, 2, 45, 9).filters(2, 5, 5)
                        .params(P.withGroups(2).withPadding(2, 1)).withBias().seed(110)));
        assertDirectRunsPlannedAsCpu(16, Conv2dPath.DIRECT_STREAMED, List.of("weights streamed"),
                List.of(DeviceCase.named("uneven padding").input(2, 2, 8, 5).filters(2, 4, 4)
                        .params(P.withGroups(2).withPadding(1, 2, 2, 1)).withBias().seed(108)));
    }

    /**
     * Walking input rows, a padded row or column still adds 0 * w as in PyTorch, so an infinite weight on a tap that
     * reads the top padding gives NaN along the first row, and one on the left padding NaN down the first column: in
     * the first plane, whose border runs are read lane by lane, and in the middle one, read by vector loads.
     */
    @Test
    void anInfiniteWeightOnThePaddingGivesNaNWalkingInputRows() {
        var device = Devices.choose(null);
        var options = BackendOptions.defaultsFor(device).withPath(Conv2dPath.DIRECT);
        var planner = options.planner(FakeDevices.asCpu(device, 16));
        var params = P.withGroups(3).withPadding(1, 1);
        var x = Tensor.seeded(109).uniform(1, 3, 7, 7);
        var w = Tensor.zeros(3, 1, 3, 3);
        w.data()[1] = Float.POSITIVE_INFINITY;
        w.data()[9 + 3] = Float.NEGATIVE_INFINITY;
        w.data()[18 + 5] = Float.POSITIVE_INFINITY;
        assertTrue(planner.forward(params.shapeOf(x, w, null)).describe().contains("fixed window"));
        try (var cl = new ClContext(device); var conv = new Convolutions(cl, planner, null, false)) {
            assertNoStrayWrites(cl, conv, x, w, null, params, "infinite weights on the padding", Tolerance.FLOAT32);
        }
    }

    private static final List<DeviceCase> DEPTHWISE_ROW_CASES = List.of(
                DeviceCase.named("3 pixels a row").input(2, 3, 5, 3).filters(3, 3, 3)
                        .params(P.withGroups(3).withPadding(1, 1)).withBias().seed(97),
                DeviceCase.named("6 pixels a row").input(2, 4, 7, 8).filters(4, 3, 3)
                        .params(P.withGroups(4)).withBias().seed(98),
                DeviceCase.named("multiplier 2, 7x7 stride 2").input(1, 3, 17, 35).filters(6, 7, 7)
                        .params(P.withGroups(3).withStride(2, 2).withPadding(3, 1, 2, 3)).seed(99),
                DeviceCase.named("5x5, 21 pixels a row").input(3, 2, 9, 25).filters(2, 5, 5)
                        .params(P.withGroups(2).withPadding(2, 0)).withBias().seed(100),
                DeviceCase.named("rows in chunks").input(1, 2, 40, 19).filters(2, 3, 3)
                        .params(P.withGroups(2).withPadding(0, 1)).seed(101),
                DeviceCase.named("dilated").input(2, 3, 11, 29).filters(6, 3, 2)
                        .params(new Conv2dParams(2, 3, 1, 2, 2, 2, 3)).withBias().seed(102),
                DeviceCase.named("stride 3").input(1, 2, 13, 40).filters(2, 3, 3)
                        .params(P.withGroups(2).withStride(3, 3).withPadding(1, 1)).seed(103),
                DeviceCase.named("wide window stride 2").input(2, 1, 30, 41).filters(8, 13, 5)
                        .params(P.withStride(2, 2).withPadding(6, 2)).withBias().seed(104),
                DeviceCase.named("one channel, 24 filters").input(3, 1, 12, 21).filters(24, 5, 5).withBias().seed(105));

    /**
     * Runs each case on a direct path planned for a CPU of {@code width} floats, each plan saying all of
     * {@code says}.
     */
    private static void assertDirectRunsPlannedAsCpu(int width, Conv2dPath path, List<String> says,
                                                     List<DeviceCase> cases) {
        var device = Devices.choose(null);
        var planned = FakeDevices.asCpu(device, width);
        var options = BackendOptions.defaultsFor(device).withPath(path);
        try (var cl = new ClContext(device); var conv = new Convolutions(cl, options.planner(planned), null, false)) {
            for (var c : cases) {
                var plan = options.planner(planned).forward(c.shape()).describe();
                assertTrue(says.stream().allMatch(plan::contains), plan);
                assertNoStrayWrites(cl, conv, c, Tolerance.FLOAT32);
            }
        }
    }

    /**
     * The channel-lanes kernel on each SIMD width a CPU may have (this device planned as a CPU of that width), at every
     * number of weight vectors and every vector width its filters lead to: output channels that do not fill the last
     * vector, rows that do not fill the last work-item, strides (built in where not 1), dilation, uneven padding,
     * groups, more filters than input (the images of a chunk inside each block of filters, and with blocks of filters
     * over 32 KiB on images 4 pixels wide, the tiles of an image sharing them, 9 to a work-item, the last with 8), the
     * input read in place (rows of few tiles, built with their places, leave out the padding) or, with a column budget
     * of two padded images, padded in chunks.
     */
    @ParameterizedTest
    @ValueSource(ints = {4, 8, 16})
    void theChannelLanesKernelRunsAtEveryVectorWidth(int width) {
        var device = Devices.choose(null);
        var planned = FakeDevices.asCpu(device, width);
        Set<String> vectors = new TreeSet<>();
        Set<Boolean> imagesInner = new TreeSet<>();
        Set<Boolean> sharesFilters = new TreeSet<>();
        Set<Boolean> readsInPlace = new TreeSet<>();
        for (var c : List.of(
                DeviceCase.named("37 filters, odd rows").input(5, 3, 9, 23).filters(37, 3, 5)
                        .params(P.withPadding(1, 2)).withBias().seed(94),
                DeviceCase.named("stride and dilation").input(3, 2, 17, 19).filters(5, 3, 3)
                        .params(P.withStride(2, 3).withDilation(2, 1).withPadding(0, 3)).seed(95),
                DeviceCase.named("stride 2, one channel, wide window").input(5, 1, 21, 30).filters(19, 7, 11)
                        .params(P.withStride(2, 2).withPadding(3, 5)).withBias().seed(92),
                DeviceCase.named("groups").input(4, 6, 8, 11).filters(9, 2, 4)
                        .params(P.withGroups(3).withPadding(1, 0)).withBias().seed(96),
                DeviceCase.named("more filters than input").input(4, 8, 4, 5).filters(70, 3, 3)
                        .params(P.withPadding(1, 1)).withBias().seed(101),
                DeviceCase.named("17 tiles sharing filters").input(3, 240, 17, 4).filters(70, 3, 3)
                        .params(P.withPadding(1, 1)).seed(102),
                DeviceCase.named("60 filters, one block of four vectors").input(3, 4, 9, 23).filters(60, 3, 3)
                        .params(P.withPadding(1, 1)).withBias().seed(103))) {
            var s = c.shape();
            var choice = ChannelLanesConv2d.choose(s, planned);
            vectors.add("KV=" + choice.vectors() + " VW=" + choice.width());
            imagesInner.add(choice.imagesInner(s, 2));
            sharesFilters.add(choice.sharesFilters());
            boolean inPlace = choice.readsInputInPlace(s);
            readsInPlace.add(inPlace);
            var options = BackendOptions.defaultsFor(device).withPath(Conv2dPath.CHANNEL_LANES);
            if (!inPlace) {
                options = options.withColumnBudget(2 * choice.paddedFloatsPerImage(s) * Float.BYTES);
            }
            var planner = options.planner(planned);
            try (var cl = new ClContext(device); var conv = new Convolutions(cl, planner, null, false)) {
                var plan = planner.forward(s).describe();
                assertTrue(plan.contains(choice.toString()) && plan.contains("chunks") != inPlace, plan);
                assertNoStrayWrites(cl, conv, c, Tolerance.FLOAT32);
            }
        }
        assertEquals(Set.of(false, true), imagesInner);
        assertEquals(Set.of(false, true), sharesFilters);
        assertEquals(Set.of(false, true), readsInPlace);
        // 37, 5, 19, 3, 70 and 60 filters a group.
        var expected = Map.of(16, Set.of("KV=3 VW=16", "KV=1 VW=8", "KV=2 VW=16", "KV=1 VW=4", "KV=4 VW=16"),
                8, Set.of("KV=2 VW=8", "KV=1 VW=8", "KV=3 VW=8", "KV=1 VW=4"),
                4, Set.of("KV=2 VW=4", "KV=1 VW=4", "KV=3 VW=4"));
        assertEquals(expected.get(width), vectors);
    }

    /**
     * The channel-lanes kernel reading the input in place at each vector width: no padding, and rows and columns that
     * the windows just reach, in images after the first; padded on the right or bottom only, where the windows stay
     * short of the padding; rows that the tiles do not divide, whose last tile overlaps the one before; padding that
     * a kernel built with its tiles' places leaves out, on all sides and on the columns only, strided and dilated. Through the padding pass:
     * padded rows of more tiles than are built with their places, and a row of taps too long to unroll.
     */
    @ParameterizedTest
    @ValueSource(ints = {4, 8, 16})
    void theChannelLanesKernelReadsAnUnpaddedInputInPlace(int width) {
        var device = Devices.choose(null);
        var planned = FakeDevices.asCpu(device, width);
        var planner = BackendOptions.defaultsFor(device).withPath(Conv2dPath.CHANNEL_LANES).planner(planned);
        for (var c : List.of(
                DeviceCase.named("unpadded 5x5").input(3, 2, 20, 28).filters(21, 5, 5).withBias().seed(97),
                DeviceCase.named("padded past the windows' reach").input(2, 3, 10, 12).filters(18, 2, 2)
                        .params(P.withStride(2, 2).withPadding(0, 1, 0, 1)).seed(98),
                DeviceCase.named("rows the tiles do not divide").input(2, 1, 6, 33).filters(17, 3, 3).seed(99),
                DeviceCase.named("padded before, windows within").input(2, 2, 14, 14).filters(13, 2, 2)
                        .params(P.withStride(4, 4).withPadding(1, 1)).seed(100),
                DeviceCase.named("padded all round, tiles placed").input(3, 3, 9, 7).filters(10, 3, 3)
                        .params(P.withPadding(1, 1)).withBias().seed(101),
                DeviceCase.named("padded columns, strided and dilated").input(2, 2, 7, 11).filters(9, 2, 3)
                        .params(new Conv2dParams(1, 2, 0, 3, 1, 2, 1)).seed(102))) {
            var plan = planner.forward(c.shape()).describe();
            assertTrue(plan.contains("VW=" + width) && plan.contains("input read in place"), c + ": " + plan);
            try (var cl = new ClContext(device); var conv = new Convolutions(cl, planner, null, false)) {
                assertNoStrayWrites(cl, conv, c, Tolerance.FLOAT32);
            }
        }
        for (var c : List.of(
                DeviceCase.named("padded rows of many tiles").input(2, 3, 5, 100).filters(7, 3, 3)
                        .params(P.withPadding(1, 1)).seed(103),
                DeviceCase.named("a padded row of taps too long to unroll").input(1, 1, 3, 40).filters(6, 1, 40)
                        .params(P.withPadding(0, 3)).seed(104))) {
            var plan = planner.forward(c.shape()).describe();
            assertFalse(plan.contains("in place"), c + ": " + plan);
            try (var cl = new ClContext(device); var conv = new Convolutions(cl, planner, null, false)) {
                assertNoStrayWrites(cl, conv, c, Tolerance.FLOAT32);
            }
        }
    }

    static void assertNoStrayWrites(ClContext cl, Convolutions conv, DeviceCase c, Tolerance tolerance) {
        assertNoStrayWrites(cl, conv, c.input(), c.weight(), c.biasOrNull(), c.params(), c.toString(), tolerance);
    }

    static void assertNoStrayWrites(ClContext cl, Convolutions conv, Tensor x, Tensor w, Tensor b, Conv2dParams params,
                                    String c, Tolerance tolerance) {
        var s = params.shapeOf(x, w, b);
        int outSize = (int) (s.n() * s.k() * s.outputPlane());
        int canary = 4096;
        float[] before = new float[outSize + canary];
        Arrays.fill(before, -12345.5f);
        float[] after = new float[before.length];
        float[] inputAfter = new float[x.size()];
        try (var xb = new DeviceBuffer(cl, "input", x.size());
             var wb = new DeviceBuffer(cl, "weight", w.size());
             var bb = b == null ? null : new DeviceBuffer(cl, "bias", b.size());
             var yb = new DeviceBuffer(cl, "output", before.length)) {
            xb.write(x.data());
            wb.write(w.data());
            if (bb != null) {
                bb.write(b.data());
            }
            yb.write(before);
            conv.conv2d(s, xb, wb, bb, Epilogue.NONE, yb);
            yb.read(after);
            xb.read(inputAfter);
        }
        for (int i = outSize; i < after.length; i++) {
            assertEquals(-12345.5f, after[i], c + ": canary overwritten at " + (i - outSize) + " past the output");
        }
        assertArrayEquals(x.data(), inputAfter, c + ": input modified");
        var expected = Conv2dReference.conv2d(x, w, b, params);
        var got = new Tensor(Arrays.copyOf(after, outSize), s.outputShape());
        assertNull(tolerance.firstMismatch(got, expected, Magnitudes.conv2d(x, w, b, params, null)), c);
    }
}
