package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchSuiteTest {

    @Test
    void outputShapesAndFlopsOfTheSuite() {
        assertArrayEquals(new int[] {6, 5, 2, 4}, BenchSuite.byName("seed_s2x1").shape().outputShape());
        assertArrayEquals(new int[] {8, 64, 56, 56}, BenchSuite.byName("resnet_3x3_c64_56").shape().outputShape());
        assertArrayEquals(new int[] {8, 64, 112, 112}, BenchSuite.byName("stem_7x7_s2_c3_224").shape().outputShape());
        assertArrayEquals(new int[] {64, 32, 24, 24}, BenchSuite.byName("mnist_5x5_c1_k32_28").shape().outputShape());
        assertArrayEquals(new int[] {8, 256, 28, 28}, BenchSuite.byName("depthwise_3x3_c256_28").shape().outputShape());
        // 2 * N * K * OH * OW * (C/groups) * KH * KW
        assertEquals(2.0 * 8 * 64 * 56 * 56 * 64 * 9, BenchSuite.byName("resnet_3x3_c64_56").flops());
        assertEquals(2.0 * 8 * 256 * 28 * 28 * 9, BenchSuite.byName("depthwise_3x3_c256_28").flops());
        assertEquals(2.0 * 1024 * 1024 * 1024, BenchSuite.byName("sgemm_1024").flops());
        assertEquals(11, BenchSuite.ALL.size());
    }

    @Test
    void selectionKeepsSuiteOrderAndNamesUnknownCases() {
        assertEquals(List.of(BenchSuite.byName("seed_s2x1"), BenchSuite.byName("sgemm_256")),
                BenchSuite.select("sgemm_256, seed_s2x1"));
        assertEquals(BenchSuite.ALL, BenchSuite.select(null));
        var e = assertThrows(IllegalArgumentException.class, () -> BenchSuite.select("resnet"));
        assertTrue(e.getMessage().startsWith("suite: no case 'resnet'"), e.getMessage());
    }
}
