package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.convcl.opencl.BackendOptions;
import org.convcl.opencl.FakeDevices;
import org.convcl.opencl.conv.Conv2dPlanner;
import org.convcl.opencl.conv.PlanContext;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.ops.Sgemm;
import org.convcl.opencl.tuning.SgemmConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every convolution and SGEMM of the bench suite, planned for a fake NVIDIA H100, AMD MI50 and Intel UHD 630 with
 * their untuned defaults, launches at least two work-groups per compute unit, or as many as the smallest tile (or
 * the direct kernel at one output row per work-item) can make of the problem; each launches the work-groups and
 * tiles of its device's table, with the batch folded into N where its images are small; on a CPU no case folds.
 * Prints the table of work-groups.
 */
class GpuWorkSizeTest {
    /** The smallest staged tile the planner may step down to. */
    private static final SgemmConfig.Tiled SMALLEST = SgemmConfig.Tiled.of(16, 16, 8, 8, 8);
    /** The direct small-GEMM's tile, for products that even the smallest staged tile leaves too few work-groups. */
    private static final int DIRECT_TILE = 8;

    /** One case as planned: its work-groups, C's tile (or the direct kernel) and whether the batch lies along N. */
    private record Planned(String name, long groups, String how, SgemmConfig sgemm, boolean smallest,
                           boolean folded) {
        /** The case's line of a device's table: name, work-groups, tile ("direct" for the direct kernel), "folded". */
        String line() {
            String tile = sgemm instanceof SgemmConfig.Tiled t ? t.mwg() + "x" + t.nwg()
                    : sgemm == null ? "direct" : "blocked";
            return name + " " + groups + " " + tile + (folded ? " folded" : "");
        }
    }

    static Stream<DeviceInfo> gpus() {
        return Stream.of(FakeDevices.nvidia(), FakeDevices.amd(), FakeDevices.intelGpu());
    }

    /** Every bench case but pooling, planned with the device's defaults. */
    private static List<Planned> planned(DeviceInfo device) {
        var defaults = BackendOptions.defaultsFor(device);
        var planner = new Conv2dPlanner(new PlanContext(device, defaults.policy(), defaults.sgemm(),
                defaults.columnBudgetBytes()), null);
        var planned = new ArrayList<Planned>();
        for (var c : BenchSuite.ALL) {
            if (c.pooling()) {
                continue;
            } else if (c.sgemm()) {
                var choice = Sgemm.choose(defaults.sgemm(), device, defaults.policy(),
                        new Sgemm.Size(c.cout(), c.cout(), c.cout(), 1, 1), new long[] {0, c.cout(), 0, 0},
                        new long[] {0, c.cout(), 0, 0});
                planned.add(new Planned(c.name(), choice.workGroups(), choice.toString(), choice.config(),
                        isSmallest(choice.config()), choice.foldsBatch()));
            } else {
                var plan = planner.forward(c.shape());
                planned.add(new Planned(c.name(), plan.workGroups(), plan.describe(), plan.sgemm(),
                        plan.sgemm() != null ? isSmallest(plan.sgemm()) : plan.direct() == null
                                || plan.direct().rowsPerItem() == 1,
                        plan.gemm() != null && plan.gemm().foldsBatch()));
            }
        }
        return planned;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gpus")
    void everyBenchCaseFillsTheGpu(DeviceInfo gpu) {
        long target = 2L * gpu.computeUnits();
        List<String> idle = new ArrayList<>();
        System.out.println(gpu.name() + ", " + gpu.computeUnits() + " compute units:");
        for (var p : planned(gpu)) {
            System.out.printf("  %-32s %6d work-groups  %s%n", p.name(), p.groups(), p.how());
            if (p.groups() < target && !p.smallest()) {
                idle.add(p.name() + " (" + p.groups() + ")");
            }
        }
        assertTrue(idle.isEmpty(), () -> gpu.name() + ": fewer than " + target + " work-groups with a larger tile"
                + " than the smallest: " + idle);
    }

    /**
     * The work-groups and tiles of each case: ResNet-50's 7x7 and 14x14 layers, the 14x14 1x1 and the strided 1x1
     * (14x14 out) fold their 8 images into N everywhere, whose last tile of each image was mostly empty; MNIST's
     * 24x24 outputs fill 4.5 tiles of 128 (NVIDIA, AMD) but whole tiles of 64 (Intel); 56x56 and 28x28 images leave
     * too little of a tile empty to be worth it.
     */
    static Stream<Arguments> tables() {
        return Stream.of(Arguments.of(FakeDevices.nvidia(), """
                seed_s2x1 8 direct
                resnet_3x3_c64_56 392 64x64
                resnet_3x3_c128_28 800 32x32
                pointwise_1x1_c256_k1024_14 400 64x64 folded
                resnet50_1x1_c256_k64_56 392 64x64
                resnet50_1x1_c512_k128_28 800 32x32
                resnet50_3x3_c256_14 392 32x32 folded
                resnet50_1x1_c2048_k512_7 800 16x16 folded
                resnet50_3x3_c512_7 800 16x16 folded
                resnet50_1x1_s2_c512_k1024_28 400 64x64 folded
                inception_5x5_c192_k32_28 784 16x16
                inception_5x5_c480_k48_14 312 16x16
                inception_5x5_c832_k128_7 200 16x16 folded
                resnext_3x3_g32_c256_28 1568 128x128 folded
                deepspeech_41x11_s2_c1_k32 508 64x64
                stem_7x7_s2_c3_224 784 128x128
                mnist_5x5_c1_k32_28 288 128x128 folded
                depthwise_3x3_c256_28 512 direct
                mobilenet_dw_3x3_s2_c64_112 512 direct
                mobilenet_dw_3x3_c512_14 1024 direct
                efficientnet_dw_5x5_s2_c240_28 480 direct
                convnext_dw_7x7_c192_28 384 direct
                sgemm_256 256 16x16
                sgemm_512 1024 16x16
                sgemm_1024 1024 32x32
                sgemm_2048 1024 64x64
                vgg_3x3_c64_224 392 128x128
                vgg_3x3_c128_112 392 64x64
                """), Arguments.of(FakeDevices.amd(), """
                seed_s2x1 8 direct
                resnet_3x3_c64_56 200 64x128
                resnet_3x3_c128_28 208 64x64
                pointwise_1x1_c256_k1024_14 208 64x128 folded
                resnet50_1x1_c256_k64_56 200 64x128
                resnet50_1x1_c512_k128_28 208 64x64
                resnet50_3x3_c256_14 392 32x32 folded
                resnet50_1x1_c2048_k512_7 208 32x32 folded
                resnet50_3x3_c512_7 208 32x32 folded
                resnet50_1x1_s2_c512_k1024_28 208 64x128 folded
                inception_5x5_c192_k32_28 200 32x32
                inception_5x5_c480_k48_14 312 16x16
                inception_5x5_c832_k128_7 200 16x16 folded
                resnext_3x3_g32_c256_28 1568 64x128 folded
                deepspeech_41x11_s2_c1_k32 256 64x128
                stem_7x7_s2_c3_224 784 64x128
                mnist_5x5_c1_k32_28 288 64x128 folded
                depthwise_3x3_c256_28 512 direct
                mobilenet_dw_3x3_s2_c64_112 256 direct
                mobilenet_dw_3x3_c512_14 1024 direct
                efficientnet_dw_5x5_s2_c240_28 480 direct
                convnext_dw_7x7_c192_28 384 direct
                sgemm_256 256 16x16
                sgemm_512 256 32x32
                sgemm_1024 128 64x128
                sgemm_2048 512 64x128
                vgg_3x3_c64_224 392 64x128
                vgg_3x3_c128_112 196 64x128
                """), Arguments.of(FakeDevices.intelGpu(), """
                seed_s2x1 8 direct
                resnet_3x3_c64_56 392 64x64
                resnet_3x3_c128_28 208 64x64
                pointwise_1x1_c256_k1024_14 400 64x64 folded
                resnet50_1x1_c256_k64_56 392 64x64
                resnet50_1x1_c512_k128_28 208 64x64
                resnet50_3x3_c256_14 100 64x64 folded
                resnet50_1x1_c2048_k512_7 56 64x64 folded
                resnet50_3x3_c512_7 56 64x64 folded
                resnet50_1x1_s2_c512_k1024_28 400 64x64 folded
                inception_5x5_c192_k32_28 104 64x64
                inception_5x5_c480_k48_14 98 32x32 folded
                inception_5x5_c832_k128_7 52 32x32 folded
                resnext_3x3_g32_c256_28 3328 64x64
                deepspeech_41x11_s2_c1_k32 508 64x64
                stem_7x7_s2_c3_224 1568 64x64
                mnist_5x5_c1_k32_28 576 64x64
                depthwise_3x3_c256_28 512 direct
                mobilenet_dw_3x3_s2_c64_112 256 direct
                mobilenet_dw_3x3_c512_14 1024 direct
                efficientnet_dw_5x5_s2_c240_28 480 direct
                convnext_dw_7x7_c192_28 384 direct
                sgemm_256 64 32x32
                sgemm_512 64 64x64
                sgemm_1024 256 64x64
                sgemm_2048 1024 64x64
                vgg_3x3_c64_224 784 64x64
                vgg_3x3_c128_112 392 64x64
                """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tables")
    void everyBenchCaseLaunchesItsTabledWorkGroupsAndTile(DeviceInfo gpu, String table) {
        assertEquals(table, planned(gpu).stream().map(p -> p.line() + "\n").collect(Collectors.joining()));
    }

    static Stream<DeviceInfo> cpus() {
        return Stream.of(FakeDevices.cpu(8), FakeDevices.cpu(16));
    }

    /**
     * The blocked kernel folds the batch into packed panels on the pointwise path, and on im2col's path for a strided
     * 1x1 layer's subsample, where that saves a tenth of the padded columns: ResNet-50's 1x1 layer on 7x7 images with
     * vectors of 8 floats, and with 16 the ones of 1024 filters on 14x14 images and from 28x28 to 14x14 at stride 2
     * (196 columns an image pad to 240 in panels of 48; with 8 floats, to 208 in panels of 16, within a tenth of
     * folded), the channel lanes taking those of at most 512 filters with 32 vector registers.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cpus")
    void onACpuOnlyThePointwiseLayersOnSmallImagesFold(DeviceInfo cpu) {
        var folded = new ArrayList<String>();
        for (var p : planned(cpu)) {
            assertEquals(p.folded(), p.how().contains("batch folded into N"), p.name() + ": " + p.how());
            if (p.folded()) {
                assertTrue((p.how().startsWith("POINTWISE") || p.how().startsWith("IM2COL_GEMM"))
                        && p.how().contains("B packed"), p.name() + ": " + p.how());
                folded.add(p.name());
            }
            if (p.sgemm() != null) {
                assertInstanceOf(SgemmConfig.Blocked.class, p.sgemm(), p.name());
            }
        }
        assertEquals(cpu.preferredFloatVectorWidth() >= 16
                ? List.of("pointwise_1x1_c256_k1024_14", "resnet50_1x1_s2_c512_k1024_28")
                : List.of("resnet50_1x1_c2048_k512_7"), folded);
    }

    private static boolean isSmallest(SgemmConfig config) {
        return config instanceof SgemmConfig.Tiled t && (t.mwg() == SMALLEST.mwg() && t.nwg() == SMALLEST.nwg()
                || t.mwg() == DIRECT_TILE && t.nwg() == DIRECT_TILE && !t.sa() && !t.sb());
    }
}
