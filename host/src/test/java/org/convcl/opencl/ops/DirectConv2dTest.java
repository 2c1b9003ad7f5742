package org.convcl.opencl.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
