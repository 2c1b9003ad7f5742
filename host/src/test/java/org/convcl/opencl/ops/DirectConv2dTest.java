package org.convcl.opencl.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
