package org.convcl.opencl.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.FakeDevices;
import org.convcl.opencl.ops.ColumnChunks;
import org.convcl.opencl.tuning.ConvPolicy;
import org.convcl.opencl.tuning.DeviceClass;
import org.convcl.opencl.tuning.SgemmConfig;
import org.junit.jupiter.api.Test;

/** The plans for shapes and devices, checked without an OpenCL context: no kernel is built or launched. */
class Conv2dPlannerTest {
    private static final long GIB = 1L << 30;
    private static final DeviceInfo CPU = FakeDevices.cpu(16);
    private static final DeviceInfo GPU = FakeDevices.gpu();
    private static final SgemmConfig.Blocked BLOCKED = new SgemmConfig.Blocked(8, 16, 3, 1, 8, 128);
    private static final SgemmConfig.Tiled TILED = SgemmConfig.Tiled.of(64, 64, 16, 16, 16);
    private static final Conv2dParams SAME = Conv2dParams.DEFAULT.withPadding(1, 1);

    private static Conv2dShape shape(int n, int c, int hw, int k, int kernel, Conv2dParams p) {
        return p.shapeOf(new int[] {n, c, hw, hw}, new int[] {k, c / p.groups(), kernel, kernel}, null);
    }

    private static Conv2dPlanner planner(DeviceInfo device, SgemmConfig sgemm, long columnBudget,
                                         ConvAlgorithm pinned) {
        var policy = ConvPolicy.defaultFor(DeviceClass.of(device));
        return new Conv2dPlanner(new PlanContext(device, policy, sgemm, columnBudget), pinned);
    }

    private static Conv2dPlanner automatic(DeviceInfo device, SgemmConfig sgemm) {
        return planner(device, sgemm, GIB, null);
    }

    /**
     * The automatic planner with CHANNEL_LANES and the fused Winograd off, for the rules among the others its shapes
     * would meet first.
     */
    private static Conv2dPlanner withoutLanes(DeviceInfo device, SgemmConfig sgemm) {
        return withPolicy(device, sgemm, "LANE_FILTER_VECTORS=0 FUSED_WINOGRAD_CHANNELS=0");
    }

    /** The automatic planner with 1x1 layers left to the GEMM, as on a CPU of 16 vector registers. */
    private static Conv2dPlanner pointwiseGemm(DeviceInfo device, SgemmConfig sgemm) {
        return withPolicy(device, sgemm, "LANE_REGISTERS=0");
    }

    @Test
    void cpuDevicesGatherTheColumnMatrixInsideTheGemm() {
        var plan = withoutLanes(CPU, BLOCKED).forward(shape(2, 32, 56, 64, 3, SAME));
        assertEquals(ConvAlgorithms.IMPLICIT_GEMM, plan.algorithm());
        assertEquals(List.of(), plan.chunks());
        // 64 output channels per group: the configured 8 x 8 rows of a work-group already cover them.
        assertEquals(BLOCKED, plan.sgemm());
        // 16 output channels: a group just as tall as they need, so no work-item idles.
        assertEquals(BLOCKED.withLocalM(2), withoutLanes(CPU, BLOCKED).forward(shape(2, 32, 56, 16, 3, SAME)).sgemm());
        // 200: 25 work-items tall, so each panel is gathered once.
        assertEquals(BLOCKED.withLocalM(25), withoutLanes(CPU, BLOCKED).forward(shape(2, 8, 28, 200, 3, SAME)).sgemm());
        // 1000: at most four times the configured height, 125 row-groups in four groups of 32.
        assertEquals(BLOCKED.withLocalM(32),
                withoutLanes(CPU, BLOCKED).forward(shape(2, 8, 28, 1000, 3, SAME)).sgemm());
        // 344: 43 row-groups in two groups of 22 and 21 rather than 32 and 11, which would leave a core idle.
        assertEquals(BLOCKED.withLocalM(22),
                withoutLanes(CPU, BLOCKED).forward(shape(2, 8, 28, 344, 3, SAME)).sgemm());
        // One image: 17 groups that tall would leave the 8 compute units fewer than 4 each.
        assertEquals(BLOCKED, withoutLanes(CPU, BLOCKED).forward(shape(1, 8, 28, 200, 3, SAME)).sgemm());
    }

    @Test
    void cpuGroupsReadingBInPlaceAreAsTallAsTheOutputChannelsAndPackedOnesAsConfigured() {
        var cpu = pointwiseGemm(CPU, BLOCKED);
        // ResNet-50's 1x1 layer on 28x28 images, 128 filters: one group of 16 work-items covers them.
        var pointwise = cpu.forward(shape(8, 512, 28, 128, 1, Conv2dParams.DEFAULT));
        assertEquals(ConvAlgorithms.POINTWISE, pointwise.algorithm());
        assertEquals(BLOCKED.withLocalM(16), pointwise.sgemm());
        assertFalse(pointwise.gemm().packsB());
        // 1024 filters: 16 row groups pack B, with the configured height.
        var packed = cpu.forward(shape(8, 256, 28, 1024, 1, Conv2dParams.DEFAULT));
        assertTrue(packed.gemm().packsB());
        assertEquals(BLOCKED, packed.sgemm());
        // Where packing is off, B is read in place by groups four times the configured height at most.
        assertEquals(BLOCKED.withLocalM(32), withPolicy(CPU, BLOCKED, "PACK_ROW_GROUPS=0 LANE_REGISTERS=0")
                .forward(shape(8, 256, 28, 1024, 1, Conv2dParams.DEFAULT)).sgemm());
    }

    @Test
    void cpuWorkItemsTakeFewerVectorsWhereThatPadsSmallImagesFarLess() {
        var pointwise7 = shape(8, 2048, 7, 512, 1, Conv2dParams.DEFAULT);
        // 49 pixels an image: 96 columns in panels of three 16-wide vectors, 64 in panels of two.
        var gemm = pointwiseGemm(CPU, BLOCKED);
        assertEquals(new SgemmConfig.Blocked(8, 16, 2, 1, 8, 128), gemm.forward(pointwise7).sgemm());
        // 196 pixels: 240 columns, 208 in panels of one vector, a saving under a quarter; 3136 pixels: 3168.
        assertEquals(BLOCKED, gemm.forward(shape(8, 256, 14, 1024, 1, Conv2dParams.DEFAULT)).sgemm());
        assertEquals(BLOCKED, gemm.forward(shape(8, 256, 56, 64, 1, Conv2dParams.DEFAULT)).sgemm());
        assertEquals(BLOCKED, withPolicy(CPU, BLOCKED, "NARROW_PERCENT=0 LANE_REGISTERS=0").forward(pointwise7)
                .sgemm());
        // GPUs size their tiled kernel's tiles instead.
        assertEquals(BLOCKED, automatic(GPU, BLOCKED).forward(pointwise7).sgemm());
    }

    @Test
    void cpuWorkGroupsTabulateTheTapsOfWindowsThatManyChannelsShare() {
        var implicit = ConvAlgorithms.IMPLICIT_GEMM;
        // Inception's 5x5 on 192 channels, and a 3x3 on 64: each tap's runs serve every channel.
        var inception = shape(8, 192, 28, 32, 5, Conv2dParams.DEFAULT.withPadding(2, 2));
        assertTrue(pinned(CPU, implicit).forward(inception).gather().tapTable());
        assertTrue(pinned(CPU, implicit).forward(shape(8, 64, 56, 64, 3, SAME)).gather().tapTable());
        assertTrue(pinned(CPU, implicit).forward(inception).describe().endsWith(", taps tabulated"));
        // Three channels (a stem): the table costs more than it saves.
        var stem = shape(8, 3, 224, 64, 7, Conv2dParams.DEFAULT.withStride(2, 2).withPadding(3, 3));
        assertFalse(pinned(CPU, implicit).forward(stem).gather().tapTable());
        // Grouped: a tap is shared by the 48 channels of a group.
        assertFalse(pinned(CPU, implicit).forward(shape(8, 192, 28, 32, 5, SAME.withGroups(4))).gather().tapTable());
        // A 9x9 window has more taps than the table holds; stride 3 has no two-run gather; the GPU kernel gathers
        // otherwise; the policy can turn it off.
        assertFalse(pinned(CPU, implicit).forward(shape(1, 64, 28, 32, 9, SAME)).gather().tapTable());
        assertFalse(pinned(CPU, implicit).forward(shape(1, 64, 28, 32, 3, SAME.withStride(3, 3))).gather().tapTable());
        assertFalse(planner(GPU, TILED, GIB, implicit).forward(inception).gather().tapTable());
        assertFalse(new Conv2dPlanner(new PlanContext(CPU, ConvPolicy.parse("TAP_TABLE_CHANNELS=0",
                ConvPolicy.defaultFor(DeviceClass.CPU)), BLOCKED, GIB), implicit).forward(inception).gather()
                .tapTable());
    }

    private static Conv2dPlanner pinned(DeviceInfo device, ConvAlgorithm algorithm) {
        return planner(device, BLOCKED, GIB, algorithm);
    }

    @Test
    void gpuDevicesTakeTheImplicitGemmAndPinnedIm2colChunksToTheBudget() {
        var s = shape(4, 64, 28, 64, 3, SAME);
        var plan = automatic(GPU, TILED).forward(s);
        assertEquals(ConvAlgorithms.IMPLICIT_GEMM, plan.algorithm());
        assertEquals(TILED, plan.sgemm(), "the GPU kernel keeps its tile, whatever the output channels");
        assertEquals(List.of(), plan.chunks());
        var im2col = planner(GPU, TILED, GIB, ConvAlgorithms.IM2COL_GEMM).forward(s);
        assertEquals(List.of(new ColumnChunks.Chunk(0, 4, 0, 28)), im2col.chunks());

        // One image's column matrix is 64*9*28*28 floats = 1,806,336 bytes; a budget of 2.5 images gives 2 per chunk.
        long oneImage = 64L * 9 * 28 * 28 * Float.BYTES;
        var chunked = planner(GPU, TILED, oneImage * 5 / 2, ConvAlgorithms.IM2COL_GEMM).forward(s);
        assertEquals(List.of(new ColumnChunks.Chunk(0, 2, 0, 28), new ColumnChunks.Chunk(2, 2, 0, 28)),
                chunked.chunks());
        // A budget of 10 output rows: each image in three row slices of 10, 10 and 8 rows.
        var sliced = planner(GPU, TILED, oneImage / 28 * 10, ConvAlgorithms.IM2COL_GEMM).forward(s);
        assertEquals(12, sliced.chunks().size());
        assertEquals(new ColumnChunks.Chunk(1, 1, 20, 8), sliced.chunks().get(5));
        assertEquals(oneImage / 28 * 10 / Float.BYTES, sliced.largestChunkFloats());
    }

    @Test
    void depthwiseTinyAndPointwiseLayersTakeTheirOwnPaths() {
        for (var planner : List.of(automatic(CPU, BLOCKED), automatic(GPU, TILED))) {
            assertEquals(ConvAlgorithms.DIRECT, planner.forward(shape(1, 256, 28, 256, 3, SAME.withGroups(256))).algorithm());
            assertEquals(ConvAlgorithms.DIRECT, planner.forward(shape(1, 1, 8, 1, 3, SAME)).algorithm());
            assertEquals(ConvAlgorithms.POINTWISE, planner.forward(shape(1, 256, 14, 1024, 1, Conv2dParams.DEFAULT)).algorithm());
            // A strided 1x1 layer is not the images as they are: it goes through the general path.
            assertTrue(planner.forward(shape(1, 256, 14, 1024, 1, Conv2dParams.DEFAULT.withStride(2, 2))).algorithm()
                    != ConvAlgorithms.POINTWISE);
        }
    }

    @Test
    void cpuDevicesFuseWinogradWhereFewChannelsMakeTheTransformsTheCost() {
        var cpu = automatic(CPU, BLOCKED);
        for (var s : List.of(shape(8, 32, 112, 32, 3, SAME), shape(8, 64, 56, 64, 3, SAME),
                shape(1, 16, 20, 64, 3, SAME))) {
            var plan = cpu.forward(s);
            assertEquals("WINOGRAD_FUSED F(4x4,3x3)", plan.describe(), s.toString());
            assertEquals(List.of(), plan.chunks());
        }
        // Deeper layers, fewer than 16 channels or filters, rows of 4 tiles, other windows or strides, or a GPU: not
        // preferred.
        for (var s : List.of(shape(8, 128, 28, 128, 3, SAME), shape(8, 64, 28, 65, 3, SAME), shape(8, 64, 14, 64, 3, SAME),
                shape(8, 8, 56, 64, 3, SAME), shape(8, 64, 56, 8, 3, SAME), shape(8, 64, 56, 64, 5, SAME),
                shape(8, 64, 56, 64, 3, SAME.withStride(2, 2)))) {
            assertTrue(cpu.forward(s).algorithm() != ConvAlgorithms.WINOGRAD_FUSED, s.toString());
        }
        assertTrue(automatic(GPU, TILED).forward(shape(8, 64, 56, 64, 3, SAME)).algorithm()
                != ConvAlgorithms.WINOGRAD_FUSED);
        // 5x5 windows run F(2x2,5x5) where pinned or found, never by the planner's rule; 7x7 ones not at all.
        var inception = shape(8, 192, 28, 32, 5, Conv2dParams.DEFAULT.withPadding(2, 2));
        assertEquals("WINOGRAD_FUSED F(2x2,5x5)", planner(CPU, BLOCKED, GIB, ConvAlgorithms.WINOGRAD_FUSED)
                .forward(inception).describe());
        assertEquals(ConvAlgorithms.CHANNEL_LANES, cpu.forward(inception).algorithm());
        var context = new PlanContext(CPU, ConvPolicy.defaultFor(DeviceClass.CPU), BLOCKED, GIB);
        assertEquals("WINOGRAD_FUSED needs a 3x3 or 5x5 kernel, stride 1, dilation 1 and one group, not 7x7 with "
                + SAME, ConvAlgorithms.WINOGRAD_FUSED.whyNot(shape(8, 16, 28, 16, 7, SAME), context));
        // A work-item's tiles in 440 channels and a block of 16 filters (AVX-512's 32 registers): 36 positions of 8
        // lanes by 456 floats, over 512 KiB.
        var deep = shape(1, 440, 8, 16, 3, SAME);
        assertEquals("WINOGRAD_FUSED needs 525312 bytes of local memory for a run of tiles in 440 channels, more than"
                + " CL_DEVICE_LOCAL_MEM_SIZE 524288", ConvAlgorithms.WINOGRAD_FUSED.whyNot(deep,
                new PlanContext(CPU, ConvPolicy.defaultFor(DeviceClass.CPU), BLOCKED, GIB)));
    }

    @Test
    void cpuDevicesTakeWinogradForWide3x3LayersWithEnoughTiles() {
        var cpu = automatic(CPU, BLOCKED);
        // 8 * 7 * 7 = 392 tiles of 4x4 (resnet_3x3_c128_28), the channel lanes aside.
        var plan = withoutLanes(CPU, BLOCKED).forward(shape(8, 128, 28, 128, 3, SAME));
        assertEquals(ConvAlgorithms.WINOGRAD, plan.algorithm());
        assertEquals(4, plan.winogradTile());
        // Its products read B in place with groups as tall as the output channels, up to 4 times the configured
        // height, or pack it (8 row groups of 512 channels) with the configured height, as a 1x1 layer's product
        // folded into packed panels does.
        assertEquals(BLOCKED.withLocalM(16), plan.sgemm());
        assertEquals(BLOCKED.withLocalM(32), cpu.forward(shape(8, 256, 14, 256, 3, SAME)).sgemm());
        assertEquals(BLOCKED, cpu.forward(shape(8, 512, 14, 512, 3, SAME)).sgemm());
        assertEquals(BLOCKED, pointwiseGemm(CPU, BLOCKED).forward(shape(8, 256, 14, 16, 1, Conv2dParams.DEFAULT))
                .sgemm());
        // Winograd before the channel lanes where both are preferred, up to 128 filters (fused unless told not to).
        var unfused = withPolicy(CPU, BLOCKED, "FUSED_WINOGRAD_CHANNELS=0");
        assertEquals(ConvAlgorithms.WINOGRAD, unfused.forward(shape(8, 64, 56, 64, 3, SAME)).algorithm());
        assertEquals(ConvAlgorithms.WINOGRAD, unfused.forward(shape(8, 128, 28, 128, 3, SAME)).algorithm());
        // F(4x4) from 32 of its tiles on CPUs (8 * 2 * 2 on 7x7 images), F(2x2) below, where pinned: the 128 tiles of
        // 2x2 that the planner's choice needs make at least 32 of 4x4. On GPUs F(4x4) from 256.
        assertEquals(4, cpu.forward(shape(8, 512, 7, 512, 3, SAME)).winogradTile());
        assertEquals(4, cpu.forward(shape(8, 256, 14, 256, 3, SAME)).winogradTile());
        assertEquals(2, planner(CPU, BLOCKED, GIB, ConvAlgorithms.WINOGRAD).forward(shape(7, 512, 7, 512, 3, SAME))
                .winogradTile());
        assertEquals(2, planner(GPU, TILED, GIB, ConvAlgorithms.WINOGRAD).forward(shape(8, 256, 14, 256, 3, SAME))
                .winogradTile());
        // Too few channels, too few tiles (one 14x14 image: 49 of 2x2, fewer than 128), or not 3x3 stride 1
        // dilation 1: the implicit GEMM.
        for (var s : List.of(shape(8, 32, 56, 64, 3, SAME), shape(8, 64, 56, 32, 3, SAME),
                shape(1, 256, 14, 256, 3, SAME),
                shape(8, 256, 28, 256, 3, SAME.withStride(2, 2)), shape(8, 256, 28, 256, 3, SAME.withDilation(2, 2)),
                shape(8, 256, 28, 256, 3, SAME.withGroups(2)), shape(8, 256, 28, 256, 5, SAME))) {
            assertEquals(ConvAlgorithms.IMPLICIT_GEMM, withoutLanes(CPU, BLOCKED).forward(s).algorithm(), s.toString());
        }
        // Not measured on GPUs: they keep the implicit GEMM.
        assertEquals(ConvAlgorithms.IMPLICIT_GEMM, automatic(GPU, TILED).forward(shape(8, 128, 28, 128, 3, SAME)).algorithm());
    }

    @Test
    void cpuStridedPointwiseLayersRunIm2colOnTheirSubsample() {
        var strided = shape(8, 512, 28, 1024, 1, Conv2dParams.DEFAULT.withStride(2, 2));
        assertEquals(ConvAlgorithms.IM2COL_GEMM, automatic(CPU, BLOCKED).forward(strided).algorithm());
        assertEquals(ConvAlgorithms.IM2COL_GEMM, automatic(CPU, BLOCKED)
                .forward(shape(8, 512, 28, 1024, 1, Conv2dParams.DEFAULT.withStride(1, 3))).algorithm());
        // Stride 1 is the pointwise path's; a wider window the implicit GEMM's; GPUs keep the implicit GEMM.
        assertEquals(ConvAlgorithms.POINTWISE, automatic(CPU, BLOCKED)
                .forward(shape(8, 512, 28, 1024, 1, Conv2dParams.DEFAULT)).algorithm());
        assertEquals(ConvAlgorithms.IMPLICIT_GEMM, automatic(CPU, BLOCKED)
                .forward(shape(8, 512, 28, 1024, 3, Conv2dParams.DEFAULT.withStride(2, 2))).algorithm());
        assertEquals(ConvAlgorithms.IMPLICIT_GEMM, automatic(GPU, TILED).forward(strided).algorithm());
    }

    @Test
    void cpuLayersOfFewShallowFiltersRunDirect() {
        var cpu = automatic(CPU, BLOCKED);
        // 6 * 2 * 2 = 24 deep, 32 filters: direct; one more filter, the implicit GEMM (too few taps for the lanes).
        assertEquals(ConvAlgorithms.DIRECT, cpu.forward(shape(8, 6, 56, 32, 2, SAME)).algorithm());
        assertEquals(ConvAlgorithms.IMPLICIT_GEMM, cpu.forward(shape(8, 6, 56, 33, 2, SAME)).algorithm());
        // 25 deep (MNIST's 5x5 on one channel): the channel lanes.
        var mnist = shape(64, 1, 28, 32, 5, Conv2dParams.DEFAULT);
        assertEquals(ConvAlgorithms.CHANNEL_LANES, cpu.forward(mnist).algorithm());
        // Not measured on GPUs.
        assertEquals(ConvAlgorithms.IMPLICIT_GEMM, automatic(GPU, TILED).forward(mnist).algorithm());
    }

    @Test
    void cpuLayersOfFewFiltersOverManyTapsRunInChannelLanes() {
        var cpu = automatic(CPU, BLOCKED);
        var inception = shape(8, 192, 28, 32, 5, Conv2dParams.DEFAULT.withPadding(2, 2));
        var plan = cpu.forward(inception);
        assertEquals(ConvAlgorithms.CHANNEL_LANES, plan.algorithm());
        // 16-float vectors, 32 registers: two vectors of weights, one broadcast pixel, 14 pixels of sums per vector;
        // 28 pixels a row in two work-items, built with their places in the row, which leave out the taps on the
        // padding, so the input is read as it is.
        assertEquals("CHANNEL_LANES, KV=2 PB=14 VW=16, input read in place", plan.describe());
        assertEquals(List.of(new ColumnChunks.Chunk(0, 8, 0, 28)), plan.chunks());
        // Two work-items a row of 28, one vector pair of 32 channels, 8 images.
        assertEquals(2 * 28 * 8, plan.workGroups());
        // 8-float vectors, 16 registers: 6 pixels, evened out to 6 over a row of 28 (5 work-items), sharing each
        // block's filters (307 KB) in groups of 16 of the 140 tiles of an image.
        assertEquals("CHANNEL_LANES, KV=2 PB=6 VW=8, filters shared by 16 tiles",
                planner(FakeDevices.cpu(8), BLOCKED, 1L << 30, ConvAlgorithms.CHANNEL_LANES).forward(inception)
                        .describe());
        // With those 16 registers the planner takes the fused F(2x2,5x5) for a 5x5 window whose rows of tiles fill
        // its runs, the lanes for 832 channels of a 7x7 image (4 tiles a row, half a run).
        var avx2Automatic = automatic(FakeDevices.cpu(8), BLOCKED);
        assertEquals("WINOGRAD_FUSED F(2x2,5x5)", avx2Automatic.forward(inception).describe());
        assertEquals(ConvAlgorithms.CHANNEL_LANES, avx2Automatic.forward(shape(8, 832, 7, 128, 5,
                Conv2dParams.DEFAULT.withPadding(2, 2))).algorithm());
        assertEquals(ConvAlgorithms.CHANNEL_LANES, withPolicy(FakeDevices.cpu(8), BLOCKED, "LANE_REGISTERS=0")
                .forward(inception).algorithm());
        // Rows of 100 on 16 floats and 32 registers: 10 work-items of 10, computing the row's 100 pixels, rather than
        // the fewest, 8 of 13, which compute 104 (the last tile overlapping the one before), or 7 of 14 and one of 2.
        // With 16 registers the fewest stay: Inception's rows of 28 above in 5 tiles of 6 (30), not 7 of 4 (28).
        var speech = Conv2dParams.DEFAULT.withStride(2, 2).withPadding(20, 5);
        var deepspeech = speech.shapeOf(new int[] {4, 1, 161, 200}, new int[] {32, 1, 41, 11}, null);
        assertEquals("CHANNEL_LANES, KV=2 PB=10 VW=16", cpu.forward(deepspeech).describe());
        // MNIST's layer, its windows within the input: no padding pass. With 25 taps the stores weigh: rows of 24 in
        // three tiles of 8, each transposed as one run of 8 and stored by one piece a channel, rather than in two of
        // 12, each a run of 16 padded and two pieces a channel.
        assertEquals("CHANNEL_LANES, KV=2 PB=8 VW=16, input read in place",
                cpu.forward(shape(64, 1, 28, 32, 5, Conv2dParams.DEFAULT)).describe());
        for (var s : List.of(shape(8, 3, 224, 64, 7, SAME), shape(8, 8, 56, 64, 3, SAME),
                shape(8, 3, 112, 64, 3, SAME))) {
            assertEquals(ConvAlgorithms.CHANNEL_LANES, cpu.forward(s).algorithm(), s.toString());
        }
        // Up to 32 vectors of filters: 512 on 16 floats, 256 on 8 (ResNet-50's 3x3 stride-2 layers, one image of
        // its last 3x3 layer, too few tiles for Winograd). 1x1 windows too where 32 registers hold the sums (AVX-512),
        // not with 16. More filters, fewer taps (3 * 3 * 2 = 18), or a GPU: not preferred.
        var strided = SAME.withStride(2, 2);
        var avx2 = automatic(FakeDevices.cpu(8), BLOCKED);
        for (var s : List.of(shape(8, 512, 14, 512, 3, strided), shape(1, 512, 7, 512, 3, SAME),
                shape(8, 192, 28, 512, 5, SAME))) {
            assertEquals(ConvAlgorithms.CHANNEL_LANES, cpu.forward(s).algorithm(), s.toString());
        }
        assertEquals(ConvAlgorithms.CHANNEL_LANES, avx2.forward(shape(8, 256, 28, 256, 3, strided)).algorithm());
        assertEquals(ConvAlgorithms.IMPLICIT_GEMM, avx2.forward(shape(8, 512, 14, 512, 3, strided)).algorithm());
        assertEquals(ConvAlgorithms.IMPLICIT_GEMM, avx2.forward(shape(8, 256, 28, 257, 3, strided)).algorithm());
        var pointwise = shape(8, 256, 56, 64, 1, Conv2dParams.DEFAULT);
        assertEquals(ConvAlgorithms.CHANNEL_LANES, cpu.forward(pointwise).algorithm());
        var downsample = shape(8, 256, 56, 512, 1, Conv2dParams.DEFAULT.withStride(2, 2));
        assertEquals(ConvAlgorithms.CHANNEL_LANES, cpu.forward(downsample).algorithm());
        assertEquals(ConvAlgorithms.POINTWISE, cpu.forward(shape(8, 256, 14, 1024, 1, Conv2dParams.DEFAULT))
                .algorithm());
        assertEquals(ConvAlgorithms.POINTWISE, avx2.forward(pointwise).algorithm());
        for (var s : List.of(shape(8, 192, 28, 513, 5, SAME), shape(8, 2, 28, 33, 3, SAME))) {
            assertTrue(cpu.forward(s).algorithm() != ConvAlgorithms.CHANNEL_LANES, s.toString());
        }
        assertEquals(ConvAlgorithms.IMPLICIT_GEMM, automatic(GPU, TILED).forward(inception).algorithm());
    }

    @Test
    void channelLanesVectorsFitTheGroupsFilters() {
        var cpu = planner(CPU, BLOCKED, 1L << 30, ConvAlgorithms.CHANNEL_LANES);
        var padded = Conv2dParams.DEFAULT.withPadding(2, 2);
        // 48 filters: three vectors of 16 pad none, where two would pad 16; 9 pixels evened out to 7 over 14.
        assertEquals("CHANNEL_LANES, KV=3 PB=7 VW=16, filters shared by 14 tiles, input read in place",
                cpu.forward(shape(8, 480, 14, 48, 5, padded)).describe());
        // 80: two vectors pad 16, and one vector's pixel a multiply-add costs more than the 20% of lanes wasted.
        assertEquals("CHANNEL_LANES, KV=2 PB=14 VW=16", cpu.forward(shape(8, 64, 56, 80, 3, SAME)).describe());
        // A 3x3 window on one channel: rows of 28 in four tiles of 8, the last overlapping the one before, rather than
        // two of 14, each a run of 16 padded and three pieces a channel, or four of 7, three pieces a channel too.
        assertEquals("CHANNEL_LANES, KV=2 PB=8 VW=16, input read in place",
                cpu.forward(shape(64, 1, 30, 32, 3, Conv2dParams.DEFAULT)).describe());
        // 16: one vector of 16 with 30 pixels (28 evened out), rather than two of 8.
        assertEquals("CHANNEL_LANES, KV=1 PB=28 VW=16, input read in place",
                cpu.forward(shape(8, 64, 28, 16, 3, SAME)).describe());
        // Groups of 8 and of 4 filters (ResNeXt's): vectors of 8 and of 4, as many multiply-adds, no lane wasted.
        assertEquals("CHANNEL_LANES, KV=1 PB=28 VW=8, input read in place",
                cpu.forward(shape(8, 256, 28, 256, 3, SAME.withGroups(32))).describe());
        assertEquals("CHANNEL_LANES, KV=1 PB=28 VW=4, input read in place",
                cpu.forward(shape(8, 128, 56, 128, 3, SAME.withGroups(32))).describe());
        // 64: four vectors hold them in one block where two would split them in two, so each input pixel is loaded
        // once for all 64 filters; 7 pixels beside the broadcast one, 8 work-items a row of 56.
        assertEquals("CHANNEL_LANES, KV=4 PB=7 VW=16, filters shared by 16 tiles, input read in place",
                cpu.forward(shape(8, 256, 56, 64, 1, Conv2dParams.DEFAULT)).describe());
        // 65 would need two blocks of four as well: two vectors, and 16 registers never take four. With 27 taps, rows
        // of 56 in seven tiles of 8 (one run of 8 each) store in fewer instructions than four of 14.
        assertEquals("CHANNEL_LANES, KV=2 PB=8 VW=16", cpu.forward(shape(8, 3, 56, 65, 3, SAME)).describe());
        assertEquals("CHANNEL_LANES, KV=2 PB=6 VW=8", planner(FakeDevices.cpu(8), BLOCKED, 1L << 30,
                ConvAlgorithms.CHANNEL_LANES).forward(shape(8, 3, 56, 64, 3, SAME)).describe());
        // AVX's 8 floats: 48 filters are three blocks of two vectors; 16 registers leave 6 pixels, 5 over 14.
        assertEquals("CHANNEL_LANES, KV=2 PB=5 VW=8, filters shared by 14 tiles",
                planner(FakeDevices.cpu(8), BLOCKED, 1L << 30, ConvAlgorithms.CHANNEL_LANES).forward(shape(8, 480, 14, 48, 5, padded)).describe());
    }

    @Test
    void channelLanesShareTheFiltersOfABlockThatOutgrowsL1AmongFewPixels() {
        var avx2 = planner(FakeDevices.cpu(8), BLOCKED, 1L << 30, ConvAlgorithms.CHANNEL_LANES);
        // ResNet-50's 3x3 over 256 channels of 14x14: 147 KB of filters a block of 16, 5 pixels a work-item, so the
        // 42 tiles of an image take each block of channels in groups of 14.
        assertEquals("CHANNEL_LANES, KV=2 PB=5 VW=8, filters shared by 14 tiles, images inside each filter block",
                avx2.forward(shape(8, 256, 14, 256, 3, SAME)).describe());
        // 4x4 windows and blocks of 16 filters: 32 channels are 32 KiB a block, which L1 holds; 33 are not.
        assertFalse(avx2.forward(shape(8, 32, 28, 32, 4, SAME)).lanes().sharesFilters());
        assertTrue(avx2.forward(shape(8, 33, 28, 32, 4, SAME)).lanes().sharesFilters());
        // A 7x7 over 3 channels, as the stem's: 9.4 KB a block.
        assertFalse(avx2.forward(shape(8, 3, 224, 64, 7, SAME)).lanes().sharesFilters());
        // AVX-512's 14 pixels use each filter they read often enough.
        var avx512 = planner(CPU, BLOCKED, 1L << 30, ConvAlgorithms.CHANNEL_LANES);
        assertEquals("CHANNEL_LANES, KV=2 PB=14 VW=16, input read in place, images inside each filter block",
                avx512.forward(shape(8, 256, 14, 256, 3, SAME)).describe());
    }

    @Test
    void channelLanesRunEachImageInsideTheBlocksOfFiltersWhereTheFiltersAreTheLarger() {
        var cpu = planner(CPU, BLOCKED, 1L << 30, ConvAlgorithms.CHANNEL_LANES);
        var padded = Conv2dParams.DEFAULT.withPadding(2, 2);
        // Inception's last 5x5: 832 * 25 * 128 floats of filters (10.6 MB) in 4 blocks against 832 * 7 * 7 of input
        // an image: 8 images and a block (4.0 MB) cycle less than an image and all the blocks (10.8 MB), and the 7
        // tiles of an image share each block of filters.
        var deep = cpu.forward(shape(8, 832, 7, 128, 5, padded));
        assertEquals("CHANNEL_LANES, KV=2 PB=7 VW=16, filters shared by 7 tiles, input read in place, images inside"
                        + " each filter block",
                deep.describe());
        // ResNet's 3x3 on 64 channels of 56x56: 147 KB of filters, 0.9 MB of input an image.
        var wide = cpu.forward(shape(8, 64, 56, 64, 3, SAME));
        assertFalse(wide.lanes().imagesInner(wide.shape(), 8), wide.describe());
        // One block of filters: the images inside it would cycle each image's input for nothing.
        var oneBlock = cpu.forward(shape(8, 480, 14, 48, 5, padded));
        assertFalse(oneBlock.lanes().imagesInner(oneBlock.shape(), 8), oneBlock.describe());
    }

    @Test
    void channelLanesChunkWholeImagesWithinTheColumnBudget() {
        // One image padded: 192 channels of 60 x 60 floats (rows of four work-items of 14 pixels, more than a
        // kernel is built with the places of, so the padding is written out).
        var inception = shape(8, 192, 56, 32, 5, Conv2dParams.DEFAULT.withPadding(2, 2));
        long image = 192L * 60 * 60 * Float.BYTES;
        var pinned = planner(CPU, BLOCKED, 3 * image, ConvAlgorithms.CHANNEL_LANES).forward(inception);
        assertEquals(List.of(new ColumnChunks.Chunk(0, 3, 0, 56), new ColumnChunks.Chunk(3, 3, 0, 56),
                new ColumnChunks.Chunk(6, 2, 0, 56)), pinned.chunks());
        assertEquals(3 * image / Float.BYTES, pinned.largestChunkFloats());
        var e = assertThrows(IllegalArgumentException.class,
                () -> planner(CPU, BLOCKED, image - 1, ConvAlgorithms.CHANNEL_LANES).forward(inception));
        assertEquals("path: CHANNEL_LANES needs one image's padded input, " + image + " bytes, within the column"
                + " budget of " + (image - 1) + " bytes", e.getMessage());
        // Unpinned, the planner goes on to the implicit GEMM, which needs no column matrix.
        assertEquals(ConvAlgorithms.IMPLICIT_GEMM, planner(CPU, BLOCKED, image - 1, null).forward(inception)
                .algorithm());
    }

    @Test
    void winogradChunksOnCpusKeepTheirTilesInTheCacheButWideEnoughForTheProducts() {
        // 3x3 C=K=64 56x56: 196 tiles of 4x4 an image, 36 positions of C + K = 128 floats each, 3.6 MB an image
        // against 4 MiB (an eighth of the fake CPU's 32 MiB cache); 512 tiles at least: chunks of two images.
        var s = shape(8, 64, 56, 64, 3, SAME);
        var plan = withoutLanes(CPU, BLOCKED).forward(s);
        assertEquals(4, plan.winogradTile());
        assertEquals(List.of(new ColumnChunks.Chunk(0, 2, 0, 56), new ColumnChunks.Chunk(2, 2, 0, 56),
                new ColumnChunks.Chunk(4, 2, 0, 56), new ColumnChunks.Chunk(6, 2, 0, 56)), plan.chunks());
        // 392 tiles in all: fewer than 512, so the whole batch.
        assertEquals(List.of(new ColumnChunks.Chunk(0, 8, 0, 28)),
                withoutLanes(CPU, BLOCKED).forward(shape(8, 128, 28, 128, 3, SAME)).chunks());
        // A GPU, pinned to Winograd, keeps the whole batch.
        assertEquals(List.of(new ColumnChunks.Chunk(0, 8, 0, 56)),
                planner(GPU, TILED, GIB, ConvAlgorithms.WINOGRAD).forward(s).chunks());
    }

    @Test
    void winogradChunksImagesThenRowsOfTiles() {
        var s = shape(3, 16, 20, 8, 3, SAME);
        // F(2x2): 10 tiles a row, each with 16 positions of C + K = 24 floats: 3840 floats a row of tiles; after
        // each position of V and of M a gap of one cache line: 512 floats a chunk.
        long tileRow = 16L * 24 * 10, gaps = 16L * 2 * 16;
        var images = planner(GPU, TILED, (tileRow * 10 * 2 + gaps) * Float.BYTES, ConvAlgorithms.WINOGRAD).forward(s);
        assertEquals(2, images.winogradTile());
        assertEquals(List.of(new ColumnChunks.Chunk(0, 2, 0, 20), new ColumnChunks.Chunk(2, 1, 0, 20)),
                images.chunks());
        assertEquals(tileRow * 10 * 2 + gaps, images.largestChunkFloats());
        var fewer = planner(GPU, TILED, (tileRow * 10 * 2 + gaps - 1) * Float.BYTES, ConvAlgorithms.WINOGRAD)
                .forward(s);
        assertEquals(3, fewer.chunks().size());
        // Four rows of tiles: slices of 8 output rows, starting on a tile.
        var rows = planner(GPU, TILED, (tileRow * 4 + gaps) * Float.BYTES, ConvAlgorithms.WINOGRAD).forward(s);
        assertEquals(9, rows.chunks().size());
        assertEquals(new ColumnChunks.Chunk(1, 1, 16, 4), rows.chunks().get(5));
        assertEquals(tileRow * 4 + gaps, rows.largestChunkFloats());
        var e = assertThrows(IllegalArgumentException.class,
                () -> planner(GPU, TILED, (tileRow + gaps) * Float.BYTES - 1, ConvAlgorithms.WINOGRAD).forward(s));
        assertTrue(e.getMessage().startsWith("input: one row of Winograd tiles needs 17408 bytes"), e.getMessage());
    }

    @Test
    void theBackwardPassChunksAsForwardIm2colWould() {
        var s = shape(3, 16, 20, 8, 3, SAME.withStride(2, 2));
        long budget = 16L * 9 * 10 * 4 * Float.BYTES; // four output rows of one image
        var cpu = planner(CPU, BLOCKED, budget, null);
        var gpu = planner(GPU, TILED, budget, ConvAlgorithms.IM2COL_GEMM);
        assertEquals(ConvAlgorithms.IM2COL_GEMM, cpu.backward(s).algorithm());
        assertEquals(gpu.forward(s).chunks(), cpu.backward(s).chunks());
        assertEquals(new ColumnChunks.Chunk(0, 1, 8, 2), cpu.backward(s).chunks().get(2));
    }

    private static Conv2dPlanner withPolicy(DeviceInfo device, SgemmConfig sgemm, String policy) {
        var parsed = ConvPolicy.parse(policy, ConvPolicy.defaultFor(DeviceClass.of(device)));
        return new Conv2dPlanner(new PlanContext(device, parsed, sgemm, GIB), null);
    }

    private static boolean folds(Conv2dPlan plan) {
        return plan.gemm().foldsBatch();
    }

    @Test
    void gpusFoldTheBatchOfSmallImagesIntoTheGemmsColumns() {
        var h100 = FakeDevices.nvidia();
        var nvidia = automatic(h100, SgemmConfig.defaultFor(h100));
        // ResNet-50's last 3x3: 8 images of 7x7. Unfolded, 1024 work-groups of 16x16 tiles, each image's last a
        // sixteenth full; folded, 392 columns in 25 tiles by 32 row tiles.
        var last = nvidia.forward(shape(8, 512, 7, 512, 3, SAME));
        assertTrue(folds(last), last.describe());
        assertEquals(25 * 32, last.workGroups());
        assertTrue(last.describe().endsWith("batch folded into N"), last.describe());
        // 49 columns an image: no vector of C may straddle two images, so scalar stores.
        assertEquals(1, ((SgemmConfig.Tiled) last.sgemm()).vwn());
        // The same 1x1 on the pointwise path; two groups stay along z, each folded.
        var pointwise = nvidia.forward(shape(8, 512, 7, 512, 1, Conv2dParams.DEFAULT));
        assertEquals(ConvAlgorithms.POINTWISE, pointwise.algorithm());
        assertTrue(folds(pointwise), pointwise.describe());
        var grouped = nvidia.forward(shape(8, 512, 7, 512, 3, SAME.withGroups(2)));
        assertTrue(folds(grouped), grouped.describe());
        var tile = (SgemmConfig.Tiled) grouped.sgemm();
        assertEquals((392 + tile.nwg() - 1) / tile.nwg() * ((256 + tile.mwg() - 1) / tile.mwg()) * 2,
                grouped.workGroups());
        // 14x14 = 196 columns, a multiple of 4: float4 vectors still.
        var fourteen = nvidia.forward(shape(8, 256, 14, 256, 3, SAME));
        assertTrue(folds(fourteen), fourteen.describe());
        assertEquals(4, ((SgemmConfig.Tiled) fourteen.sgemm()).vwn());

        // One image has nothing to fold; 56x56 = 49 tiles of 64 columns, nothing to save.
        assertFalse(folds(nvidia.forward(shape(1, 512, 7, 512, 3, SAME))));
        assertFalse(folds(nvidia.forward(shape(8, 64, 56, 64, 3, SAME))));
        // The rule is data: off at 0.
        assertFalse(folds(withPolicy(h100, SgemmConfig.defaultFor(h100), "FOLD_PERCENT=0")
                .forward(shape(8, 512, 7, 512, 3, SAME))));
        for (var gpu : List.of(FakeDevices.amd(), FakeDevices.intelGpu())) {
            assertTrue(folds(automatic(gpu, SgemmConfig.defaultFor(gpu)).forward(shape(8, 512, 7, 512, 3, SAME))),
                    gpu.name());
        }
    }

    @Test
    void cpusFoldOnlyThePointwiseProductsOfSmallImagesIntoPackedPanels() {
        var cpu = withoutLanes(CPU, BLOCKED);
        // ResNet-50's 1x1 layer on 14x14 images: 196 columns an image pad to 240 in panels of 48, 1568 folded to 1584.
        var fourteen = cpu.forward(shape(8, 256, 14, 1024, 1, Conv2dParams.DEFAULT));
        assertEquals(ConvAlgorithms.POINTWISE, fourteen.algorithm());
        assertTrue(folds(fourteen) && fourteen.gemm().packsB(), fourteen.describe());
        assertTrue(fourteen.describe().endsWith("B packed, batch folded into N"), fourteen.describe());
        // The implicit GEMM gathers B rather than packing it: nothing to fold into.
        assertFalse(folds(cpu.forward(shape(8, 512, 7, 512, 3, SAME))));
        // 56x56 = 3136 columns fill 66 panels of 48 within 32 columns: nothing to save; one image, nothing to fold.
        assertFalse(folds(cpu.forward(shape(8, 256, 56, 64, 1, Conv2dParams.DEFAULT))));
        assertFalse(folds(cpu.forward(shape(1, 256, 14, 1024, 1, Conv2dParams.DEFAULT))));
        // The rule is data: off at 0.
        assertFalse(folds(withPolicy(CPU, BLOCKED, "FOLD_PERCENT=0 LANE_FILTER_VECTORS=0")
                .forward(shape(8, 256, 14, 1024, 1, Conv2dParams.DEFAULT))));
    }

    @Test
    void atOneHundredPercentAnyBatchFoldsWhereItsColumnsFitAnInt() {
        // A tile other than the class default stays as it is configured.
        var always = withPolicy(GPU, SgemmConfig.Tiled.of(32, 32, 8, 8, 8), "FOLD_PERCENT=100");
        // 8x8 images: two whole tiles of 32 columns each unfolded, as many folded.
        var whole = always.forward(shape(3, 32, 8, 32, 3, SAME));
        assertTrue(folds(whole), whole.describe());
        assertEquals(6, whole.workGroups());
        assertFalse(folds(always.forward(shape(1, 32, 8, 32, 3, SAME))));
        // 7x7 images whose columns together pass 2^31 - 1: the kernel's column indices are ints.
        int images = Integer.MAX_VALUE / 49 + 1;
        var huge = always.forward(shape(images, 1, 7, 4, 1, Conv2dParams.DEFAULT));
        assertFalse(folds(huge), huge.describe());
        assertTrue(folds(always.forward(shape(images - 64, 1, 7, 4, 1, Conv2dParams.DEFAULT))));
    }

    @Test
    void pinnedPathsAreRefusedWhereTheyCannotRun() {
        var pointwise = planner(CPU, BLOCKED, GIB, ConvAlgorithms.POINTWISE);
        var e = assertThrows(IllegalArgumentException.class, () -> pointwise.forward(shape(1, 4, 8, 4, 3, SAME)));
        assertTrue(e.getMessage().startsWith("path: POINTWISE needs a 1x1 kernel"), e.getMessage());

        var winograd = planner(CPU, BLOCKED, GIB, ConvAlgorithms.WINOGRAD);
        for (var s : List.of(shape(1, 4, 8, 4, 5, SAME), shape(1, 4, 8, 4, 3, SAME.withStride(2, 2)),
                shape(1, 4, 8, 4, 3, SAME.withDilation(2, 2)), shape(1, 4, 8, 4, 3, SAME.withGroups(2)))) {
            e = assertThrows(IllegalArgumentException.class, () -> winograd.forward(s));
            assertTrue(e.getMessage().startsWith(
                    "path: WINOGRAD needs a 3x3 kernel, stride 1, dilation 1 and one group"), e.getMessage());
        }

        var tiny = shape(1, 1, 8, 1, 3, SAME);
        for (var path : List.of(ConvAlgorithms.DIRECT, ConvAlgorithms.IMPLICIT_GEMM, ConvAlgorithms.IM2COL_GEMM,
                ConvAlgorithms.WINOGRAD)) {
            assertEquals(path, planner(CPU, BLOCKED, GIB, path).forward(tiny).algorithm());
        }
    }
}
