package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.convcl.Conv2dParams;
import org.convcl.Tolerance;
import org.convcl.opencl.device.DeviceInfo;
import org.convcl.opencl.tuning.GpuSgemmSpace;
import org.convcl.opencl.tuning.SgemmConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GPU SGEMM family without a GPU: a set of configurations that takes every value of every parameter of the
 * tuner's space for NVIDIA, AMD and Intel GPUs at least once, plus their vendor defaults, each run on this
 * machine's OpenCL device (POCL runs the GPU kernel as written, only slowly) against the reference, on the im2col
 * and implicit GEMM paths, over shapes with partial tiles in M, N and K.
 */
@Tag("slow") // every GPU SGEMM configuration family on POCL: left out of run-tests --quick
class GpuSgemmFamilyTest {
    static final List<DeviceInfo> GPUS = List.of(FakeDevices.nvidia(), FakeDevices.amd(), FakeDevices.intelGpu());
    private static final long SEED = 13;

    /**
     * The covering set of each fake GPU's space, each family's default, the unknown GPU's, the small fallback and the
     * direct small-GEMM.
     */
    static List<SgemmConfig.Tiled> configs() {
        var all = new LinkedHashSet<SgemmConfig.Tiled>();
        for (var gpu : GPUS) {
            all.add((SgemmConfig.Tiled) SgemmConfig.defaultFor(gpu));
        }
        all.add((SgemmConfig.Tiled) SgemmConfig.defaultFor(FakeDevices.gpu()));
        all.add(SgemmConfig.Tiled.of(16, 16, 8, 8, 8));
        // The direct small-GEMM the planner takes for the smallest products (GpuDefaults.DIRECT).
        all.add(new SgemmConfig.Tiled(8, 8, 8, 8, 8, 8, 8, 1, 1, false, false, false, false));
        for (var gpu : GPUS) {
            all.addAll(new GpuSgemmSpace(gpu).covering(SEED, all));
        }
        return new ArrayList<>(all);
    }

    /**
     * The cases, few because each new vector width is a new build and builds take most of the time: M = 37 output
     * channels, K = 72 and N = 80 pixels, aligned for vectors of 8 but past the edge of most tiles; and odd groups
     * (M = 3, K = 10, N = 20 per group) whose strides allow vectors of 2 along k and 4 along n, not 8.
     */
    private static final List<DeviceCase> CASES = List.of(
            DeviceCase.named("aligned, partial tiles").input(2, 8, 10, 12).filters(37, 3, 3).withBias().seed(81),
            DeviceCase.named("grouped").input(2, 15, 9, 10).filters(9, 2, 1)
                    .params(Conv2dParams.DEFAULT.withGroups(3).withStride(2, 2)).withBias().seed(83));

    @Test
    void theConfigurationsTakeEveryValueOfEverySpacesParameters() {
        var configs = configs();
        for (var gpu : GPUS) {
            var space = new GpuSgemmSpace(gpu);
            for (int i = 0; i < GpuSgemmSpace.NAMES.size(); i++) {
                for (int v : space.values(i)) {
                    final int axis = i;
                    assertTrue(configs.stream().anyMatch(t -> GpuSgemmSpace.valuesOf(t)[axis] == v
                                    && space.at(GpuSgemmSpace.valuesOf(t)) != null),
                            GpuSgemmSpace.NAMES.get(i) + "=" + v + " is never tested in a configuration that "
                                    + gpu.name() + " can run");
                }
            }
        }
        assertTrue(configs.size() <= 60, configs.size() + " configurations: the test takes too long");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void everyConfigurationMatchesTheReferenceOnEveryGemmPath(SgemmConfig.Tiled config) {
        var device = Devices.choose(null);
        assertNull(config.fits(device), "POCL runs any GPU configuration the tuner may choose");
        var options = BackendOptions.defaultsFor(device).withSgemm(config);
        // The pointwise path differs from im2col only in where B lies, which SgemmConfigTest covers.
        for (var path : List.of(Conv2dPath.IM2COL_GEMM, Conv2dPath.IMPLICIT_GEMM)) {
            try (var backend = OpenClBackend.open(device, options.withPath(path))) {
                for (var c : CASES) {
                    Conv2dDeviceTest.assertMatchesReference(backend, c, Tolerance.FLOAT32);
                }
            }
        }
    }

    /**
     * NVIDIA's default (both operands staged, strided, vectors of 4), and vectors of 8 along n with B read by each
     * work-item straight from memory, contiguous: the two ways the folded kernel reads B and stores C. The other
     * vendors' defaults differ from NVIDIA's in tile sizes only, which the unfolded sweep covers.
     */
    static List<SgemmConfig.Tiled> foldedConfigs() {
        return List.of((SgemmConfig.Tiled) SgemmConfig.defaultFor(FakeDevices.nvidia()),
                new SgemmConfig.Tiled(32, 64, 16, 8, 8, 8, 8, 2, 8, true, false, true, false));
    }

    /** 24 pixels an image, a multiple of 8, in tiles that straddle the three images. */
    private static final DeviceCase POINTWISE = DeviceCase.named("pointwise").input(3, 16, 4, 6).filters(37, 1, 1)
            .withBias().seed(84);

    /**
     * The batch folded into N on both paths that fold, each case's tiles straddling images: 80 and 24 pixels an
     * image keep vectors of 8, 20 narrow them to 4.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("foldedConfigs")
    void foldedConfigurationsMatchTheReference(SgemmConfig.Tiled config) {
        var device = Devices.choose(null);
        var options = Conv2dDeviceTest.folding(BackendOptions.defaultsFor(device).withSgemm(config));
        for (var path : Conv2dDeviceTest.FOLDING_PATHS) {
            try (var backend = OpenClBackend.open(device, options.withPath(path))) {
                for (var c : path == Conv2dPath.POINTWISE ? List.of(POINTWISE) : CASES) {
                    String plan = backend.describeConv2d(c.shape());
                    assertTrue(plan.contains("batch folded into N"), plan);
                    Conv2dDeviceTest.assertMatchesReference(backend, c, Tolerance.FLOAT32);
                }
            }
        }
    }

    /** Vectors that the operands' strides do not allow are narrowed, with the rule named where asked. */
    @Test
    void vectorWidthsFollowTheOperandsAlignment() {
        var t = new SgemmConfig.Tiled(64, 64, 16, 8, 8, 16, 8, 4, 8, true, true, true, true);
        long[] aligned = {0, 80, 80 * 72, 0};
        assertNull(t.misalignment(72, aligned, aligned));
        assertEquals(t, t.alignedTo(72, aligned, aligned));
        assertEquals("VWM=4 needs A's row stride K to be a multiple of 4, but K is 63",
                t.misalignment(63, aligned, aligned));
        long[] rows20 = {0, 20, 0, 60};
        assertEquals("VWN=8 needs C's row stride to be a multiple of 8, but it is 20", t.misalignment(72, null, rows20));
        assertEquals(t.withVectors(4, 4), t.alignedTo(72, null, rows20));
        assertEquals(t.withVectors(1, 8), t.alignedTo(63, null, aligned));
        assertEquals(t.withVectors(1, 1), t.alignedTo(63, new long[] {3, 80, 0, 0}, aligned));
        assertEquals(t.withVectors(2, 4), t.alignedTo(50, aligned, rows20));
    }
}
