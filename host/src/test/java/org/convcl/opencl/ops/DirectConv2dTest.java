package org.convcl.opencl.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.convcl.Conv2dParams;
import org.convcl.Conv2dShape;
import org.convcl.opencl.FakeDevices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DirectConv2dTest {

    @ParameterizedTest(name = "{0} planes per group: {1} per work-item")
    @CsvSource({"1, 1", "2, 2", "3, 1", "6, 2", "12, 4", "32, 8", "24, 8", "7, 1"})
    void aWorkItemTakesTheMostPlanesUpToEightThatDivideTheGroup(int kPerGroup, int expected) {
        assertEquals(expected, DirectConv2d.planesPerItem(kPerGroup));
    }

    @ParameterizedTest(name = "{0} planes per work-item: {1} rows")
    @CsvSource({"1, 8", "2, 4", "4, 2", "8, 1"})
    void aWorkItemTakesRowsUntilItHasEightAccumulators(int planesPerItem, int expected) {
        assertEquals(expected, DirectConv2d.rowsPerItem(planesPerItem));
    }

    @Test
    void runsHoldWhatTheSimdRegistersOfACpuHoldUpToSixteenAndEightElsewhere() {
        assertEquals(16, DirectConv2d.runWidth(FakeDevices.cpu(16)));
        assertEquals(8, DirectConv2d.runWidth(FakeDevices.cpu(8)));
        assertEquals(8, DirectConv2d.runWidth(FakeDevices.cpu(4)));
        assertEquals(8, DirectConv2d.runWidth(FakeDevices.gpu()));
        assertEquals(8, DirectConv2d.runWidth(FakeDevices.amd()));
    }

    @ParameterizedTest(name = "{0} pixels a row, SIMD {1}: runs of {2}")
    @CsvSource({"28, 16, 16", "16, 16, 16", "56, 16, 16", "15, 16, 8", "14, 16, 8", "24, 16, 8", "40, 16, 8",
            "7, 16, 4", "3, 16, 4", "1, 16, 4", "28, 8, 8", "6, 8, 4", "12, 16, 4"})
    void depthwiseRowsTakeTheWidestRunsTheRowFillsButForAnEighth(int ow, int simdWidth, int expected) {
        var s = depthwise(8, 16, ow, 3, 1);
        assertEquals(expected, DirectConv2d.depthwiseRows(s, 2, simdWidth, false).runWidth());
    }

    @ParameterizedTest(name = "{0} pixels a row, SIMD {1}, weights streamed: runs of {2}")
    @CsvSource({"24, 16, 16", "17, 16, 16", "16, 16, 16", "15, 16, 8", "12, 16, 8", "7, 16, 4", "3, 16, 4",
            "24, 8, 8", "6, 8, 4"})
    void streamedWeightsTakeTheWidestRunsTheRowHoldsHoweverManyLanesIdle(int ow, int simdWidth, int expected) {
        var choice = DirectConv2d.depthwiseRows(depthwise(8, 16, ow, 3, 1), 2, simdWidth, true);
        assertEquals(expected, choice.runWidth());
        assertTrue(choice.streamedWeights());
    }

    @Test
    void onlyBuiltInWindowsOfTheDepthwiseRowsKernelStreamTheirWeights() {
        var mnist = Conv2dParams.DEFAULT.shapeOf(new int[] {64, 1, 28, 28}, new int[] {32, 1, 5, 5}, null);
        var streamed = DirectConv2d.chooseStreamed(mnist, FakeDevices.cpu(16));
        assertEquals(16, streamed.runWidth());
        assertEquals(8, DirectConv2d.choose(mnist, FakeDevices.cpu(16)).runWidth());
        var thrown = assertThrows(IllegalArgumentException.class,
                () -> DirectConv2d.chooseStreamed(mnist, FakeDevices.gpu()));
        assertTrue(thrown.getMessage().startsWith("streamed weights"), thrown.getMessage());
        var notBuiltIn = depthwise(2, 8, 20, 9, 1);
        assertThrows(IllegalArgumentException.class, () -> DirectConv2d.chooseStreamed(notBuiltIn,
                FakeDevices.cpu(16)));
    }

    @ParameterizedTest(name = "N={0} C={1} {2} rows, {3} compute units: {4} rows a work-item")
    @CsvSource({"8, 256, 28, 2, 28", "1, 2, 40, 2, 5", "1, 2, 38, 2, 5", "1, 1, 3, 64, 1", "1, 4, 56, 2, 14"})
    void depthwiseRowsSplitPlanesUntilEachComputeUnitHasEightWorkItems(int n, int c, int oh, int units, int rows) {
        // Depthwise: one plane a group, so one a work-item.
        var s = depthwise(n, c, oh, 3, 1);
        var choice = DirectConv2d.depthwiseRows(s, units, 16, false);
        assertEquals(rows, choice.rowsPerItem());
        assertTrue(choice.depthwiseRows() && choice.fixedWindow());
        assertEquals((long) n * c * ((oh + rows - 1) / rows), choice.workGroups());
    }

    @Test
    void onlyCpusRunDepthwiseRowsAndOnlyForGroupsOfOneInputChannel() {
        assertTrue(DirectConv2d.choose(depthwise(2, 8, 20, 3, 1), FakeDevices.cpu(16)).depthwiseRows());
        assertTrue(DirectConv2d.choose(depthwise(2, 8, 20, 7, 2), FakeDevices.cpu(8)).depthwiseRows());
        assertFalse(DirectConv2d.choose(depthwise(2, 8, 20, 3, 1), FakeDevices.gpu()).depthwiseRows());
        // A window not built in is read from the arguments.
        var wide = DirectConv2d.choose(depthwise(2, 8, 20, 9, 1), FakeDevices.cpu(16));
        assertTrue(wide.depthwiseRows() && !wide.fixedWindow());
        // One input channel, 32 filters: 8 planes a work-item share each loaded input vector.
        var oneChannel = Conv2dParams.DEFAULT.shapeOf(new int[] {4, 1, 20, 20}, new int[] {32, 1, 5, 5}, null);
        var choice = DirectConv2d.choose(oneChannel, FakeDevices.cpu(16));
        assertTrue(choice.depthwiseRows());
        assertEquals(8, choice.planesPerItem());
        var grouped = Conv2dParams.DEFAULT.withGroups(2).shapeOf(new int[] {4, 4, 20, 20}, new int[] {8, 2, 3, 3},
                null);
        assertFalse(DirectConv2d.choose(grouped, FakeDevices.cpu(16)).depthwiseRows());
    }

    /** A depthwise layer whose output is {@code outSide} square, its window {@code taps} a side. */
    private static Conv2dShape depthwise(int n, int c, int outSide, int taps, int stride) {
        int side = (outSide - 1) * stride + taps;
        return Conv2dParams.DEFAULT.withStride(stride, stride).withGroups(c)
                .shapeOf(new int[] {n, c, side, side}, new int[] {c, 1, taps, taps}, null);
    }

    @ParameterizedTest(name = "{0}x{1} stride {2}x{3} dilation {4}: built in {5}")
    @CsvSource({"3, 3, 1, 1, 1, true", "7, 7, 2, 2, 1, true",
            "1, 1, 1, 1, 1, true", "3, 2, 1, 1, 1, false", "3, 3, 1, 2, 1, false",
            "3, 3, 3, 3, 1, false", "3, 3, 1, 1, 2, false", "9, 9, 1, 1, 1, false"})
    void onlyCommonSquareWindowsAreBuiltIn(int kh, int kw, int sh, int sw, int dilation, boolean expected) {
        var params = Conv2dParams.DEFAULT.withStride(sh, sw).withDilation(dilation, dilation).withGroups(4);
        Conv2dShape s = params.shapeOf(new int[] {1, 4, 20, 20}, new int[] {4, 1, kh, kw}, null);
        assertEquals(expected, DirectConv2d.fixedWindow(s));
    }
}
