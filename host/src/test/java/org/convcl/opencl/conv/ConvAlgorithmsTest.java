package org.convcl.opencl.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.opencl.Conv2dPath;
import org.convcl.opencl.FakeDevices;
import org.convcl.opencl.tuning.ConvPolicy;
import org.convcl.opencl.tuning.DeviceClass;
import org.convcl.opencl.tuning.SgemmConfig;
import org.junit.jupiter.api.Test;

/** The registry and what plans say of the launches they stand for; no OpenCL context. */
class ConvAlgorithmsTest {
    private static final PlanContext CPU = new PlanContext(FakeDevices.cpu(16), ConvPolicy.defaultFor(DeviceClass.CPU),
            new SgemmConfig.Blocked(8, 16, 3, 1, 8, 128), 1L << 30);
    private static final PlanContext GPU = new PlanContext(FakeDevices.nvidia(),
            ConvPolicy.defaultFor(DeviceClass.NVIDIA_GPU),
            new SgemmConfig.Tiled(128, 128, 16, 16, 16, 64, 32, 4, 4, true, true, true, true), 1L << 30);

    private static Conv2dShape shape(int n, int c, int hw, int k, int kernel, Conv2dParams p) {
        return p.shapeOf(new int[] {n, c, hw, hw}, new int[] {k, c / p.groups(), kernel, kernel}, null);
    }

    @Test
    void everyPinnablePathIsOneAlgorithmOfTheRegistry() {
        var ids = new HashSet<String>();
        for (var a : ConvAlgorithms.all()) {
            String id = ConvAlgorithms.idOf(a);
            assertTrue(ids.add(id), "ids are unique: " + id);
            assertSame(a, ConvAlgorithms.byId(Conv2dPath.valueOf(id).name()));
        }
        assertEquals(Conv2dPath.values().length - 1, ids.size(), "every path but AUTO");
        var e = assertThrows(IllegalArgumentException.class, () -> ConvAlgorithms.byId("FFT"));
        assertTrue(e.getMessage().contains("no conv2d algorithm 'FFT'; there are [DIRECT, WINOGRAD_FUSED, WINOGRAD, WINOGRAD_F2, WINOGRAD_F4, CHANNEL_LANES, POINTWISE"),
                e.getMessage());
    }

    /**
     * Find mode times Winograd at each fixed tile rather than at the tile the planner's rule would give (ResNet-50's
     * 3x3 layer on 7x7 images ran F(4x4) in 0.7x the time of the rule's F(2x2)), but for F(2x2) where a CPU's rule
     * takes F(4x4), and each fixed tile plans its own tile on any shape but is never the planner's preference.
     */
    @Test
    void findTimesWinogradAtEachTileAndTheRuleOnlyWherePlanned() {
        assertTrue(!ConvAlgorithms.timed().contains(ConvAlgorithms.WINOGRAD)
                && ConvAlgorithms.timed().contains(ConvAlgorithms.WINOGRAD_F2)
                && ConvAlgorithms.timed().contains(ConvAlgorithms.WINOGRAD_F4), ConvAlgorithms.timed().toString());
        var same = Conv2dParams.DEFAULT.withPadding(1, 1);
        var small = shape(7, 512, 7, 512, 3, same);
        var large = shape(8, 128, 28, 128, 3, same);
        assertEquals(2, ConvAlgorithms.WINOGRAD.plan(small, CPU).winogradTile(), "the rule: few tiles");
        assertEquals(4, ConvAlgorithms.WINOGRAD.plan(large, CPU).winogradTile(), "the rule: many tiles");
        assertEquals(4, ConvAlgorithms.WINOGRAD_F4.plan(small, CPU).winogradTile());
        assertEquals(2, ConvAlgorithms.WINOGRAD_F2.plan(large, CPU).winogradTile());
        String plan = ConvAlgorithms.WINOGRAD_F4.plan(small, CPU).describe();
        assertTrue(plan.startsWith("WINOGRAD F(4x4,3x3)"), plan);
        assertTrue(ConvAlgorithms.WINOGRAD.preferred(large, CPU));
        assertTrue(!ConvAlgorithms.WINOGRAD_F2.preferred(large, CPU) && !ConvAlgorithms.WINOGRAD_F4.preferred(large, CPU));
    }

    /**
     * Find mode times the fused Winograd on CPUs from 8 input channels on rows of tiles that fill more than half of
     * its runs of 8, never on GPUs.
     */
    @Test
    void findTimesTheFusedWinogradOnCpusFromEightChannelsOnWideEnoughRows() {
        var eight = shape(8, 8, 28, 16, 3, Conv2dParams.DEFAULT.withPadding(1, 1));
        var seven = shape(8, 7, 28, 16, 3, Conv2dParams.DEFAULT.withPadding(1, 1));
        assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.WINOGRAD_FUSED, eight, CPU, List.of()));
        assertEquals("fewer than 8 input channels",
                ConvAlgorithms.whyNotTimed(ConvAlgorithms.WINOGRAD_FUSED, seven, CPU, List.of()));
        assertEquals("a CPU kernel, one work-item a group",
                ConvAlgorithms.whyNotTimed(ConvAlgorithms.WINOGRAD_FUSED, eight, GPU, List.of()));
        // Rows of 4 tiles of 4x4 (14 pixels) fill half of a run, of 5 (17 to 20 pixels) more; 9 tiles a row, runs of 8
        // and 1, fill 9 of 16 lanes.
        var same = Conv2dParams.DEFAULT.withPadding(1, 1);
        assertEquals("rows of 4 tiles leave half of each run's lanes empty", ConvAlgorithms.whyNotTimed(
                ConvAlgorithms.WINOGRAD_FUSED, shape(8, 64, 14, 64, 3, same), CPU, List.of()));
        for (int hw : new int[] {17, 36}) {
            assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.WINOGRAD_FUSED, shape(8, 64, hw, 64, 3, same), CPU,
                    List.of()), "width " + hw);
        }
        // 5x5 windows take tiles of 2x2: 7 a row over 14 pixels.
        assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.WINOGRAD_FUSED,
                shape(8, 512, 14, 64, 5, Conv2dParams.DEFAULT.withPadding(2, 2)), CPU, List.of()));
    }

    /**
     * Streamed weights run only the depthwise rows kernel's built-in windows on CPUs, are timed by find beside the
     * hoisted ones, and are never the planner's preference.
     */
    @Test
    void streamedWeightsOnlyWhereTheDepthwiseRowsKernelBuildsItsWindowIn() {
        var mnist = shape(64, 1, 28, 32, 5, Conv2dParams.DEFAULT);
        var depthwise = shape(8, 256, 28, 256, 3, Conv2dParams.DEFAULT.withPadding(1, 1).withGroups(256));
        var dilated = shape(8, 256, 28, 256, 3, Conv2dParams.DEFAULT.withDilation(2, 2).withGroups(256));
        var dense = shape(8, 64, 28, 64, 3, Conv2dParams.DEFAULT);
        assertTrue(ConvAlgorithms.timed().contains(ConvAlgorithms.DIRECT_STREAMED));
        for (var s : new Conv2dShape[] {mnist, depthwise}) {
            assertNull(ConvAlgorithms.DIRECT_STREAMED.whyNot(s, CPU));
            String plan = ConvAlgorithms.DIRECT_STREAMED.plan(s, CPU).describe();
            assertTrue(plan.startsWith("DIRECT_STREAMED") && plan.endsWith("fixed window, weights streamed"), plan);
            assertTrue(!ConvAlgorithms.DIRECT_STREAMED.preferred(s, CPU));
            assertTrue(ConvAlgorithms.DIRECT.plan(s, CPU).describe().endsWith("fixed window"));
        }
        assertTrue(ConvAlgorithms.DIRECT.preferred(depthwise, CPU));
        for (var s : new Conv2dShape[] {dilated, dense}) {
            assertTrue(ConvAlgorithms.DIRECT_STREAMED.whyNot(s, CPU).startsWith("DIRECT_STREAMED streams"));
        }
        assertTrue(ConvAlgorithms.DIRECT_STREAMED.whyNot(depthwise, GPU).startsWith("DIRECT_STREAMED streams"));
    }

    /**
     * On CPUs find mode leaves the im2col GEMM out of windows of several taps at stride 1 once the channel lanes, which
     * read them in place, are timed; strided, dilated and 1x1 windows, and GPUs, still time it.
     */
    @Test
    void findLeavesIm2colOutOfStrideOneWindowsTheChannelLanesTimed() {
        var same = Conv2dParams.DEFAULT.withPadding(1, 1);
        var lanes = List.of(ConvAlgorithms.DIRECT, ConvAlgorithms.CHANNEL_LANES);
        for (var s : new Conv2dShape[] {shape(8, 64, 56, 64, 3, same), shape(64, 1, 28, 32, 5, Conv2dParams.DEFAULT),
                shape(8, 256, 28, 256, 3, same.withGroups(32))}) {
            assertEquals("CHANNEL_LANES reads the input in place, where im2col copies each pixel " + s.kh() * s.kw()
                    + " times", ConvAlgorithms.whyNotTimed(ConvAlgorithms.IM2COL_GEMM, s, CPU, lanes));
            assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.IM2COL_GEMM, s, CPU,
                    List.of(ConvAlgorithms.DIRECT)), "the lanes not timed");
            assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.IM2COL_GEMM, s, GPU, lanes), "GPU");
        }
        for (var s : new Conv2dShape[] {shape(8, 512, 14, 512, 3, same.withStride(2, 2)),
                shape(8, 64, 56, 64, 3, same.withDilation(2, 2)), shape(8, 64, 56, 64, 1, Conv2dParams.DEFAULT),
                shape(8, 64, 56, 64, 3, same.withStride(1, 2))}) {
            assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.IM2COL_GEMM, s, CPU, lanes), s.toString());
        }
    }

    @Test
    void findLeavesTheSmallWinogradTileOutWhereTheRuleTakesTheLargeOneOnACpu() {
        var same = Conv2dParams.DEFAULT.withPadding(1, 1);
        for (var s : new Conv2dShape[] {shape(8, 64, 56, 64, 3, same), shape(8, 512, 7, 512, 3, same)}) {
            assertEquals(4, ConvAlgorithms.WINOGRAD.plan(s, CPU).winogradTile(), s.toString());
            assertEquals("the rule's F(4x4,3x3) tiles, 32 or more, run faster",
                    ConvAlgorithms.whyNotTimed(ConvAlgorithms.WINOGRAD_F2, s, CPU, List.of()));
            assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.WINOGRAD_F4, s, CPU, List.of()));
            assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.WINOGRAD_F2, s, GPU, List.of()), "GPU: both tiles");
        }
        var fewTiles = shape(1, 512, 7, 512, 3, same);
        assertEquals(2, ConvAlgorithms.WINOGRAD.plan(fewTiles, CPU).winogradTile(), "4 images' worth of tiles fewer");
        assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.WINOGRAD_F2, fewTiles, CPU, List.of()), "the rule's F2");
    }

    @Test
    void findLeavesTheChannelLanesOutOfOneByOneWindowsWhereTooFewRegistersHoldTheirSums() {
        var avx2 = new PlanContext(FakeDevices.cpu(8), ConvPolicy.defaultFor(DeviceClass.CPU),
                new SgemmConfig.Blocked(6, 8, 2, 1, 8, 128), 1L << 30);
        var pointwise = shape(8, 256, 14, 1024, 1, Conv2dParams.DEFAULT);
        var strided = shape(8, 512, 28, 1024, 1, Conv2dParams.DEFAULT.withStride(2, 2));
        for (var s : new Conv2dShape[] {pointwise, strided}) {
            assertEquals("16 vector registers hold too few of its sums for a 1x1 window",
                    ConvAlgorithms.whyNotTimed(ConvAlgorithms.CHANNEL_LANES, s, avx2, List.of()));
            assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.CHANNEL_LANES, s, CPU, List.of()), "AVX-512");
        }
        assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.CHANNEL_LANES,
                shape(8, 64, 56, 64, 3, Conv2dParams.DEFAULT.withPadding(1, 1)), avx2, List.of()), "3x3");
        var unset = new PlanContext(FakeDevices.cpu(8), ConvPolicy.parse("LANE_REGISTERS=0",
                ConvPolicy.defaultFor(DeviceClass.CPU)), avx2.sgemm(), 1L << 30);
        assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.CHANNEL_LANES, pointwise, unset, List.of()),
                "a policy without a register count leaves the lanes to find mode");
    }

    @Test
    void findLeavesTheChannelLanesOutOfDense3x3LayersAfterWinogradWhereTooFewRegistersHoldTheirSums() {
        var avx2 = new PlanContext(FakeDevices.cpu(8), ConvPolicy.defaultFor(DeviceClass.CPU),
                new SgemmConfig.Blocked(6, 8, 2, 1, 8, 128), 1L << 30);
        var same = Conv2dParams.DEFAULT.withPadding(1, 1);
        var resnet = shape(8, 128, 28, 128, 3, same);
        String why = "F(4x4,3x3), timed already, multiplies a quarter as often and the lanes' 16 vector registers hold"
                + " too few sums to make up for it";
        for (var winograd : List.of(ConvAlgorithms.WINOGRAD_F4, ConvAlgorithms.WINOGRAD_FUSED)) {
            assertEquals(why, ConvAlgorithms.whyNotTimed(ConvAlgorithms.CHANNEL_LANES, resnet, avx2, List.of(winograd)));
            assertEquals(why, ConvAlgorithms.whyNotTimed(ConvAlgorithms.CHANNEL_LANES, shape(8, 64, 56, 64, 3, same),
                    avx2, List.of(winograd)), "from the policy's 64 Winograd channels");
        }
        var f4 = List.of(ConvAlgorithms.WINOGRAD_F4);
        assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.CHANNEL_LANES, resnet, avx2,
                List.of(ConvAlgorithms.WINOGRAD_F2)), "F(2x2) alone: few tiles");
        assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.CHANNEL_LANES, resnet, avx2, List.of()), "no Winograd");
        assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.CHANNEL_LANES, resnet, CPU, f4), "AVX-512");
        for (var s : new Conv2dShape[] {shape(8, 32, 56, 128, 3, same), shape(8, 128, 56, 32, 3, same),
                shape(8, 128, 56, 128, 3, same.withStride(2, 2)), shape(8, 128, 56, 128, 3, same.withDilation(2, 2)),
                shape(8, 128, 28, 128, 3, same.withGroups(32)), shape(8, 128, 28, 128, 5, Conv2dParams.DEFAULT)}) {
            assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.CHANNEL_LANES, s, avx2, f4), s.toString());
        }
    }

    @Test
    void findLeavesTheStreamedWeightsOutAtStrideOneWhereTooFewRegistersHoldTheLanesSums() {
        var avx2 = new PlanContext(FakeDevices.cpu(8), ConvPolicy.defaultFor(DeviceClass.CPU),
                new SgemmConfig.Blocked(6, 8, 2, 1, 8, 128), 1L << 30);
        var same = Conv2dParams.DEFAULT.withPadding(1, 1);
        var direct = List.of(ConvAlgorithms.DIRECT);
        for (var s : new Conv2dShape[] {shape(8, 256, 28, 256, 3, same.withGroups(256)),
                shape(64, 1, 28, 32, 5, Conv2dParams.DEFAULT)}) {
            assertEquals("at stride 1 the weights hoisted run faster with 16 vector registers",
                    ConvAlgorithms.whyNotTimed(ConvAlgorithms.DIRECT_STREAMED, s, avx2, direct));
            assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.DIRECT_STREAMED, s, CPU, direct), "AVX-512");
        }
        assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.DIRECT_STREAMED,
                shape(8, 64, 112, 64, 3, same.withStride(2, 2).withGroups(64)), avx2, direct), "stride 2");
    }

    /** Winograd, fused or not, is timed from 8 input channels a group on every device class. */
    @Test
    void findLeavesWinogradOutUnderEightInputChannels() {
        var same = Conv2dParams.DEFAULT.withPadding(1, 1);
        var winograd = List.of(ConvAlgorithms.WINOGRAD_F2, ConvAlgorithms.WINOGRAD_F4, ConvAlgorithms.WINOGRAD_FUSED);
        for (var algorithm : winograd) {
            for (int c : new int[] {1, 7}) {
                assertEquals("fewer than 8 input channels",
                        ConvAlgorithms.whyNotTimed(algorithm, shape(16, c, 128, 32, 3, same), CPU, List.of()),
                        algorithm + " over " + c);
            }
            assertNotEquals("fewer than 8 input channels",
                    ConvAlgorithms.whyNotTimed(algorithm, shape(16, 8, 128, 32, 3, same), CPU, List.of()),
                    algorithm + " over 8");
        }
        assertEquals("fewer than 8 input channels", ConvAlgorithms.whyNotTimed(ConvAlgorithms.WINOGRAD_F4,
                shape(16, 1, 128, 32, 3, same), GPU, List.of()));
        assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.WINOGRAD_F4, shape(16, 8, 128, 32, 3, same), GPU,
                List.of()));
    }

    /**
     * Above the policy's bound for fallbacks, the direct algorithm stays timed on a CPU where it runs groups of one
     * input channel on the depthwise rows kernel with the window built in, and is left out elsewhere: windows not
     * built in, several channels a group.
     */
    @Test
    void findTimesTheDirectKernelAboveTheFallbackBoundOnlyOnOneChannelAGroupUnderABuiltInWindow() {
        long bound = CPU.policy().findFallbackFlops();
        var oneChannel = shape(8, 1, 96, 64, 5, Conv2dParams.DEFAULT.withPadding(2, 2));
        var strided7x7 = shape(8, 1, 112, 32, 7, Conv2dParams.DEFAULT.withPadding(3, 3).withStride(2, 2));
        var speech = Conv2dParams.DEFAULT.withStride(2, 2)
                .shapeOf(new int[] {4, 1, 161, 300}, new int[] {32, 1, 20, 5}, null);
        var threeChannels = shape(8, 3, 224, 64, 7, Conv2dParams.DEFAULT.withPadding(3, 3).withStride(2, 2));
        for (var s : new Conv2dShape[] {oneChannel, strided7x7, speech, threeChannels}) {
            assertTrue(s.flops() >= bound && ConvAlgorithms.preferredFor(s, CPU) != ConvAlgorithms.DIRECT, s.toString());
        }
        for (var s : new Conv2dShape[] {oneChannel, strided7x7}) {
            assertNull(ConvAlgorithms.whyNotTimed(ConvAlgorithms.DIRECT, s, CPU, List.of()), s.toString());
        }
        String fallback = "a fallback the planner does not choose here, at " + bound + " FLOPs or more";
        for (var s : new Conv2dShape[] {speech, threeChannels}) {
            assertEquals(fallback, ConvAlgorithms.whyNotTimed(ConvAlgorithms.DIRECT, s, CPU, List.of()), s.toString());
        }
    }

    /**
     * With 16 vector registers the planner gives one input channel under a window the depthwise rows kernel builds in
     * to the direct algorithm; with 32, and for windows it does not build in, the channel lanes keep them.
     */
    @Test
    void thePlannerRunsOneChannelUnderABuiltInWindowOnTheDepthwiseRowsKernelWhereTheLanesHaveTooFewRegisters() {
        var avx2 = new PlanContext(FakeDevices.cpu(8), ConvPolicy.defaultFor(DeviceClass.CPU),
                new SgemmConfig.Blocked(6, 8, 2, 1, 8, 128), 1L << 30);
        var mnist = shape(64, 1, 28, 32, 5, Conv2dParams.DEFAULT);
        var strided7x7 = shape(8, 1, 112, 32, 7, Conv2dParams.DEFAULT.withPadding(3, 3).withStride(2, 2));
        for (var s : new Conv2dShape[] {mnist, strided7x7}) {
            assertSame(ConvAlgorithms.DIRECT, ConvAlgorithms.preferredFor(s, avx2), s.toString());
            assertTrue(ConvAlgorithms.DIRECT.plan(s, avx2).describe().startsWith("DIRECT, depthwise rows"));
            assertSame(ConvAlgorithms.CHANNEL_LANES, ConvAlgorithms.preferredFor(s, CPU), "AVX-512: " + s);
        }
        var speech = Conv2dParams.DEFAULT.withStride(2, 2)
                .shapeOf(new int[] {4, 1, 161, 300}, new int[] {32, 1, 20, 5}, null);
        var threeChannels = shape(8, 3, 224, 64, 7, Conv2dParams.DEFAULT.withPadding(3, 3).withStride(2, 2));
        for (var s : new Conv2dShape[] {speech, threeChannels}) {
            assertSame(ConvAlgorithms.CHANNEL_LANES, ConvAlgorithms.preferredFor(s, avx2), s.toString());
        }
    }

    @Test
    void theImplicitGemmRunsEveryShapeAndIsPreferredWhereNothingBeforeItIs() {
        var odd = shape(3, 7, 13, 5, 3, Conv2dParams.DEFAULT.withStride(2, 3).withDilation(2, 1));
        for (var context : new PlanContext[] {CPU, GPU}) {
            assertNull(ConvAlgorithms.IMPLICIT_GEMM.whyNot(odd, context));
            assertTrue(ConvAlgorithms.IMPLICIT_GEMM.preferred(odd, context));
            assertEquals(ConvAlgorithms.IMPLICIT_GEMM, ConvAlgorithms.all().get(ConvAlgorithms.all().size() - 2),
                    "last but the streamed weights, which are never preferred");
            assertTrue(!ConvAlgorithms.IM2COL_GEMM.preferred(odd, context), "im2col: strided 1x1 windows only");
        }
    }

    @Test
    void plansDescribeEveryLaunchTimeChoice() {
        var depthwise = shape(8, 256, 28, 256, 3, Conv2dParams.DEFAULT.withPadding(1, 1).withGroups(256));
        assertEquals("DIRECT, depthwise rows, KB=1 28 rows VW=16, fixed window",
                ConvAlgorithms.DIRECT.plan(depthwise, CPU).describe());
        assertEquals("DIRECT, KB=1 RB=8 VW=8, fixed window", ConvAlgorithms.DIRECT.plan(depthwise, GPU).describe());
        var pointwise = shape(1, 256, 14, 1024, 1, Conv2dParams.DEFAULT);
        assertTrue(ConvAlgorithms.POINTWISE.plan(pointwise, CPU).describe().endsWith("KC=128, B packed"),
                "1024 rows are 16 row-groups: B is packed");
        // 7*7 = 49 columns an image: vector loads of B and stores of C would be misaligned, so scalar ones.
        var gpu = ConvAlgorithms.POINTWISE.plan(shape(2, 2048, 7, 512, 1, Conv2dParams.DEFAULT), GPU);
        assertEquals(1, ((SgemmConfig.Tiled) gpu.sgemm()).vwn());
        assertTrue(gpu.describe().contains("VWN=1"), gpu.describe());
        int big = 1 << 30;
        var huge = shape(1, 2, 3, 3, 3, Conv2dParams.DEFAULT.withPadding(big, big).withStride(big, big));
        assertTrue(ConvAlgorithms.IMPLICIT_GEMM.plan(huge, GPU).describe().endsWith("64-bit window coordinates"));
    }
}
