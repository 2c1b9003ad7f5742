package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.convcl.Conv2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.convcl.opencl.tuning.ConvPolicy;
import org.convcl.opencl.tuning.DeviceClass;
import org.convcl.opencl.tuning.FindDatabase;
import org.convcl.reference.Conv2dReference;
import org.convcl.reference.Magnitudes;
import org.junit.jupiter.api.Test;

/** Find mode times the algorithms once per problem, stores the fastest, and later backends plan it untimed. */
class FindModeTest extends TemporaryCaches {
    private static final Conv2dParams SAME = Conv2dParams.DEFAULT.withPadding(1, 1);

    private static OpenClBackend open(FindMode mode) {
        var device = Devices.choose(null);
        return OpenClBackend.open(device, BackendOptions.defaultsFor(device).withFind(mode));
    }

    @Test
    void theFirstCallTimesEveryAlgorithmAndLaterBackendsPlanTheWinnerUntimed() {
        var x = Tensor.seeded(1).uniform(2, 8, 13, 11);
        var w = Tensor.seeded(2).uniform(6, 8, 3, 3);
        var b = Tensor.seeded(3).uniform(6);
        var expected = Conv2dReference.conv2d(x, w, b, SAME);
        var magnitude = Magnitudes.conv2d(x, w, b, SAME, null);
        var s = SAME.shapeOf(x, w, b);
        try (var backend = open(FindMode.ON)) {
            assertFalse(backend.describeConv2d(s).contains("found by timing"));
            var got = backend.conv2d(x, w, b, SAME);
            assertNull(Tolerance.WINOGRAD.firstMismatch(got, expected, magnitude), "the call's own result is the winner's");
            assertTrue(backend.findNanos() > 0);
            assertTrue(backend.describeConv2d(s).contains("found by timing"), backend.describeConv2d(s));
            long spent = backend.findNanos();
            backend.conv2d(x, w, b, SAME);
            assertEquals(spent, backend.findNanos(), "a problem is timed once");
        }
        try (var stored = open(FindMode.STORED); var off = open(FindMode.OFF)) {
            assertTrue(stored.describeConv2d(s).contains("found by timing"), stored.describeConv2d(s));
            assertNull(Tolerance.WINOGRAD.firstMismatch(stored.conv2d(x, w, b, SAME), expected, magnitude));
            assertEquals(0, stored.findNanos());
            assertFalse(off.describeConv2d(s).contains("found by timing"), off.describeConv2d(s));
        }
    }

    /**
     * On a 1x1 layer POINTWISE multiplies the images in place, so the column GEMMs, the same product with B copied or
     * gathered first, are left out of the timing; on a 3x3 layer at stride 2 they are timed. At stride 1 a CPU leaves
     * im2col out once the channel lanes are timed (the fused Winograd, on rows of two tiles, is left out too).
     */
    @Test
    void findLeavesOutTheColumnGemmsWherePointwiseRunsTheProduct() {
        var x = Tensor.seeded(6).uniform(2, 16, 6, 5);
        // Layers this small are tiny to the device classes' policies, which time the direct kernel alone.
        var defaults = ConvPolicy.parse("TINY_LAYER_FLOPS=0", ConvPolicy.defaultFor(DeviceClass.of(Devices.choose(null))));
        String pointwise = findReport(defaults, x, Tensor.seeded(7).uniform(8, 16, 1, 1),
                Conv2dParams.DEFAULT);
        assertTrue(pointwise.contains(" k8 1x1 ") && pointwise.matches(".*POINTWISE [0-9.]+ ms.*")
                && pointwise.contains("IM2COL_GEMM left out (POINTWISE runs its product)")
                && pointwise.contains("IMPLICIT_GEMM left out (POINTWISE runs its product)"), pointwise);
        var w = Tensor.seeded(8).uniform(8, 16, 3, 3);
        String strided = findReport(defaults, x, w, SAME.withStride(2, 2));
        assertTrue(strided.contains(" k8 3x3 s2x2 ") && strided.matches(".*IM2COL_GEMM [0-9.]+ ms.*")
                && strided.matches(".*IMPLICIT_GEMM [0-9.]+ ms.*") && strided.matches(".*DIRECT [0-9.]+ ms.*")
                && !strided.contains("left out"), strided);
        String dense = findReport(defaults, x, w, SAME);
        String im2col = defaults.laneFilterVectors() > 0
                ? "IM2COL_GEMM left out (CHANNEL_LANES reads the input in place, where im2col copies each pixel 9"
                        + " times)"
                : "IM2COL_GEMM ";
        assertTrue(dense.contains(" k8 3x3 s1x1 ") && dense.contains(im2col)
                && dense.matches(".*IMPLICIT_GEMM [0-9.]+ ms.*") && dense.matches(".*CHANNEL_LANES [0-9.]+ ms.*"),
                dense);
    }

    /**
     * From the policy's FLOPs on, the planner's fallbacks are timed only where the planner chooses them: the direct
     * kernel of few shallow filters, not the implicit GEMM; neither where the planner takes the channel lanes, but the
     * implicit GEMM on a strided window over channels enough to tabulate its taps.
     */
    @Test
    void findTimesTheFallbacksOfLargeLayersOnlyWhereThePlannerChoosesThem() {
        // Shapes of their own: a problem found before (here or by another test) is not timed again.
        var w = Tensor.seeded(10).uniform(8, 16, 3, 3);
        var deviceClass = DeviceClass.of(Devices.choose(null));
        var defaults = ConvPolicy.defaultFor(deviceClass);
        String few = findReport(ConvPolicy.parse("FIND_FALLBACK_FLOPS=1000 TINY_LAYER_FLOPS=0 FEW_FILTERS=8"
                + " SHALLOW_DEPTH=18", defaults), Tensor.seeded(9).uniform(1, 2, 6, 5), Tensor.seeded(18).uniform(8,
                2, 3, 3), SAME);
        assertTrue(few.matches(".*DIRECT [0-9.]+ ms.*") && few.contains("IMPLICIT_GEMM left out (a fallback the "
                + "planner does not choose here, at 1000 FLOPs or more)") && few.endsWith("ms"), few);
        assumeTrue(deviceClass == DeviceClass.CPU, "the channel lanes run on CPUs");
        String lanes = findReport(ConvPolicy.parse("FIND_FALLBACK_FLOPS=1000 TINY_LAYER_FLOPS=0 FEW_FILTERS=0", defaults),
                Tensor.seeded(11).uniform(1, 16, 7, 6), w, SAME);
        assertTrue(lanes.contains("DIRECT left out (a fallback") && lanes.contains("IMPLICIT_GEMM left out (a fallback")
                && lanes.matches(".*CHANNEL_LANES [0-9.]+ ms.*"), lanes);
        // At stride 2, over channels enough to tabulate its taps, the implicit GEMM gathers a quarter of the input's
        // pixels: it is timed beside the lanes; over fewer it is left out.
        var strided = Conv2dParams.DEFAULT.withStride(2, 2);
        String tabulated = findReport(ConvPolicy.parse("FIND_FALLBACK_FLOPS=1000 TINY_LAYER_FLOPS=0 FEW_FILTERS=0"
                + " TAP_TABLE_CHANNELS=16", defaults), Tensor.seeded(12).uniform(1, 16, 9, 8), w, strided);
        assertTrue(tabulated.contains("DIRECT left out (a fallback") && tabulated.matches(".*IMPLICIT_GEMM [0-9.]+ ms.*")
                && tabulated.matches(".*CHANNEL_LANES [0-9.]+ ms.*"), tabulated);
        String untabulated = findReport(ConvPolicy.parse("FIND_FALLBACK_FLOPS=1000 TINY_LAYER_FLOPS=0 FEW_FILTERS=0"
                + " TAP_TABLE_CHANNELS=17", defaults), Tensor.seeded(13).uniform(1, 16, 9, 10), w, strided);
        assertTrue(untabulated.contains("IMPLICIT_GEMM left out (a fallback")
                && untabulated.matches(".*CHANNEL_LANES [0-9.]+ ms.*"), untabulated);
    }

    /**
     * On a CPU, a depthwise layer is timed on the direct kernel's two ways alone: the algorithms that treat it as a
     * dense layer are left out. A layer over one channel with one group is no depthwise layer: the channel lanes
     * are timed.
     */
    @Test
    void findTimesOnlyTheDirectKernelOnDepthwiseLayersOfACpu() {
        var deviceClass = DeviceClass.of(Devices.choose(null));
        assumeTrue(deviceClass == DeviceClass.CPU, "the depthwise rows kernel runs on CPUs");
        // Without a register count in the policy, both ways of the weights are timed at stride 1 whatever the CPU.
        var defaults = ConvPolicy.parse("TINY_LAYER_FLOPS=0 LANE_REGISTERS=0", ConvPolicy.defaultFor(deviceClass));
        String depthwise = findReport(defaults, Tensor.seeded(12).uniform(2, 12, 9, 7),
                Tensor.seeded(13).uniform(12, 1, 3, 3), SAME.withGroups(12));
        for (var id : List.of("CHANNEL_LANES", "IM2COL_GEMM", "IMPLICIT_GEMM")) {
            assertTrue(depthwise.contains(id + " left out (the depthwise rows kernel runs this depthwise layer)"),
                    depthwise);
        }
        assertTrue(depthwise.matches(".*DIRECT [0-9.]+ ms.*") && depthwise.matches(".*DIRECT_STREAMED [0-9.]+ ms.*"),
                depthwise);
        String oneChannel = findReport(defaults, Tensor.seeded(14).uniform(2, 1, 9, 7),
                Tensor.seeded(15).uniform(12, 1, 3, 3), SAME);
        assertTrue(oneChannel.matches(".*CHANNEL_LANES [0-9.]+ ms.*") && !oneChannel.contains("depthwise"),
                oneChannel);
        // Nor is the fused Winograd timed on so few channels; from 8 it is.
        assertTrue(oneChannel.contains("WINOGRAD_FUSED left out (fewer than 8 input channels)"), oneChannel);
        String eight = findReport(defaults, Tensor.seeded(16).uniform(1, 8, 6, 20),
                Tensor.seeded(17).uniform(4, 8, 3, 3), SAME);
        assertTrue(eight.matches(".*WINOGRAD_FUSED [0-9.]+ ms.*"), eight);
    }

    /** A layer under the policy's tiny-layer FLOPs is timed on the planner's direct kernel alone. */
    @Test
    void findTimesOnlyTheDirectKernelOnTinyLayers() {
        var defaults = ConvPolicy.defaultFor(DeviceClass.of(Devices.choose(null)));
        var x = Tensor.seeded(19).uniform(1, 16, 6, 7);
        var w = Tensor.seeded(20).uniform(8, 16, 3, 3);
        // 2 * 8 * 6 * 7 * 16 * 9 = 96768 FLOPs.
        String tiny = findReport(ConvPolicy.parse("TINY_LAYER_FLOPS=96769", defaults), x, w, SAME);
        assertTrue(tiny.matches(".*; DIRECT in [0-9.]+ ms") && tiny.contains("IMPLICIT_GEMM left out (a layer under"
                + " 96769 FLOPs, which any algorithm runs in about a launch's time)"), tiny);
        assertEquals(1, Pattern.compile("[A-Z_0-9]+ [0-9.]+ ms").matcher(tiny).results().count(),
                "one algorithm timed: " + tiny);
        String atTheBound = findReport(ConvPolicy.parse("TINY_LAYER_FLOPS=96768", defaults),
                Tensor.seeded(21).uniform(1, 16, 7, 6), w, SAME);
        assertTrue(!atTheBound.contains("a layer under") && atTheBound.matches(".*IMPLICIT_GEMM [0-9.]+ ms.*"),
                atTheBound);
    }

    /** The find log's line for one conv2d, run with find on and the policy given, after checking its result. */
    private static String findReport(ConvPolicy policy, Tensor x, Tensor w, Conv2dParams p) {
        var messages = new ArrayList<String>();
        var handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                messages.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        var logger = Logger.getLogger("org.convcl.find");
        logger.addHandler(handler);
        var device = Devices.choose(null);
        try (var backend = OpenClBackend.open(device,
                BackendOptions.defaultsFor(device).withFind(FindMode.ON).withPolicy(policy))) {
            assertNull(Tolerance.WINOGRAD.firstMismatch(backend.conv2d(x, w, null, p),
                    Conv2dReference.conv2d(x, w, null, p), Magnitudes.conv2d(x, w, null, p, null)));
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals(1, messages.size(), messages.toString());
        return messages.get(0);
    }

    @Test
    void storedAlgorithmsThatCannotRunTheProblemOrDoNotExistArePassedOver() throws IOException {
        var x = Tensor.seeded(4).uniform(1, 3, 9, 9);
        var w = Tensor.seeded(5).uniform(4, 3, 3, 3);
        var s = SAME.shapeOf(x, w, null);
        var db = FindDatabase.beside(tuningCache());
        String key = FindDatabase.deviceKey(Devices.choose(null)) + " | conv2d n1 c3 9x9 k4 3x3 s1x1 p1,1,1,1 d1x1 g1";
        for (String id : new String[] {"POINTWISE", "FFT"}) {
            Files.writeString(db.file(), key + "\t" + id + "\n");
            try (var backend = open(FindMode.STORED)) {
                assertFalse(backend.describeConv2d(s).contains("found by timing"), backend.describeConv2d(s));
                assertNull(Tolerance.FLOAT32.firstMismatch(backend.conv2d(x, w, null, SAME),
                        Conv2dReference.conv2d(x, w, null, SAME), Magnitudes.conv2d(x, w, null, SAME, null)));
            }
        }
        Files.writeString(db.file(), key + "\tDIRECT\n");
        try (var backend = open(FindMode.STORED)) {
            assertTrue(backend.describeConv2d(s).startsWith("DIRECT"), backend.describeConv2d(s));
        }
    }

    @Test
    void theModeIsNamedOrRefusedWithItsValues() {
        assertEquals(FindMode.STORED, FindMode.parse("CONVCL_FIND", null));
        assertEquals(FindMode.ON, FindMode.parse("CONVCL_FIND", " On "));
        var e = assertThrows(IllegalArgumentException.class, () -> FindMode.parse("--find", "always"));
        assertEquals("--find: 'always', must be off, stored or on", e.getMessage());
    }
}
