package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.convcl.reference.Conv2dReference;
import org.convcl.reference.PoolReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BenchSuiteTest {

    /** (N, K, OH, OW) of the convolution cases; the network layers' are their published shapes. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "seed_s2x1, 6, 5, 2, 4",
            "resnet_3x3_c64_56, 8, 64, 56, 56",
            "stem_7x7_s2_c3_224, 8, 64, 112, 112",
            "mnist_5x5_c1_k32_28, 64, 32, 24, 24",
            "depthwise_3x3_c256_28, 8, 256, 28, 28",
            "resnet50_1x1_c256_k64_56, 8, 64, 56, 56",
            "resnet50_1x1_c512_k128_28, 8, 128, 28, 28",
            "resnet50_3x3_c256_14, 8, 256, 14, 14",
            "resnet50_1x1_c2048_k512_7, 8, 512, 7, 7",
            "resnet50_3x3_c512_7, 8, 512, 7, 7",
            "resnet50_1x1_s2_c512_k1024_28, 8, 1024, 14, 14",
            "inception_5x5_c192_k32_28, 8, 32, 28, 28",
            "inception_5x5_c480_k48_14, 8, 48, 14, 14",
            "inception_5x5_c832_k128_7, 8, 128, 7, 7",
            "resnext_3x3_g32_c256_28, 8, 256, 28, 28",
            "mobilenet_dw_3x3_c512_14, 8, 512, 14, 14",
            "deepspeech_41x11_s2_c1_k32, 4, 32, 81, 100",
            "vgg_3x3_c64_224, 1, 64, 224, 224",
            "vgg_3x3_c128_112, 1, 128, 112, 112",
            "mobilenet_dw_3x3_s2_c64_112, 8, 64, 56, 56",
            "efficientnet_dw_5x5_s2_c240_28, 8, 240, 14, 14",
            "convnext_dw_7x7_c192_28, 8, 192, 28, 28"})
    void outputShapesOfTheSuite(String name, int n, int k, int oh, int ow) {
        assertArrayEquals(new int[] {n, k, oh, ow}, BenchSuite.byName(name).shape().outputShape());
    }

    @Test
    void flopsAndSizesOfTheSuite() {
        // 2 * N * K * OH * OW * (C/groups) * KH * KW
        assertEquals(2.0 * 8 * 64 * 56 * 56 * 64 * 9, BenchSuite.byName("resnet_3x3_c64_56").flops());
        assertEquals(2.0 * 8 * 256 * 28 * 28 * 9, BenchSuite.byName("depthwise_3x3_c256_28").flops());
        assertEquals(2.0 * 8 * 240 * 14 * 14 * 25, BenchSuite.byName("efficientnet_dw_5x5_s2_c240_28").flops());
        assertEquals(2.0 * 1024 * 1024 * 1024, BenchSuite.byName("sgemm_1024").flops());
        // One VGG image is 3.7 GFLOP: 2 * K * OH * OW * C * 9.
        assertEquals(2.0 * 64 * 224 * 224 * 64 * 9, BenchSuite.byName("vgg_3x3_c64_224").flops());
        // Grouped: each filter sums C/groups = 8 channels.
        assertEquals(2.0 * 8 * 256 * 28 * 28 * 8 * 9, BenchSuite.byName("resnext_3x3_g32_c256_28").flops());
        assertEquals(28, BenchSuite.DEFAULT.size());
        assertEquals(30, BenchSuite.ALL.size());
    }

    @Test
    void aBatchChangesTheImagesOfConvolutionsAndPoolingAndNotOfMatrixProducts() {
        var stem = BenchSuite.byName("stem_7x7_s2_c3_224").withBatch(1);
        assertEquals("stem_7x7_s2_c3_224_n1", stem.name());
        assertArrayEquals(new int[] {1, 64, 112, 112}, stem.outputShape());
        assertEquals(BenchSuite.byName("stem_7x7_s2_c3_224").flops() / 8, stem.flops());
        assertTrue(stem.describe().startsWith("N1 C3 224x224 K64 7x7 s2 p3"), stem.describe());
        var pool = BenchSuite.byName("maxpool_3x3_s2_p1_c64_112").withBatch(3);
        assertArrayEquals(new int[] {3, 64, 56, 56}, pool.outputShape());
        var gemm = BenchSuite.byName("sgemm_256");
        assertEquals(gemm, gemm.withBatch(4));
        var seed = BenchSuite.byName("seed_s2x1");
        assertEquals(seed, seed.withBatch(seed.n()));
    }

    @Test
    void theDepthwiseLayersHaveOneInputChannelPerFilter() {
        assertArrayEquals(new int[] {64, 1, 3, 3}, BenchSuite.byName("mobilenet_dw_3x3_s2_c64_112").weight().shape());
        assertArrayEquals(new int[] {240, 1, 5, 5}, BenchSuite.byName("efficientnet_dw_5x5_s2_c240_28").weight().shape());
        assertArrayEquals(new int[] {192, 1, 7, 7}, BenchSuite.byName("convnext_dw_7x7_c192_28").weight().shape());
    }

    @Test
    void poolingCasesCountOneOperationPerWindowElementAndHaveNoWeight() {
        var max = BenchSuite.byName("maxpool_3x3_s2_p1_c64_112");
        assertEquals(BenchCase.Kind.MAX_POOL, max.kind());
        assertArrayEquals(new int[] {8, 64, 56, 56}, max.outputShape());
        assertEquals(8.0 * 64 * 56 * 56 * 9, max.flops());
        assertNull(max.weight());
        var avg = BenchSuite.byName("avgpool_2x2_s2_c256_28");
        assertArrayEquals(new int[] {8, 256, 14, 14}, avg.outputShape());
        assertEquals(8.0 * 256 * 14 * 14 * 4, avg.flops());
        assertTrue(avg.describe().startsWith("avg pool N8 C256 28x28 2x2 s2"), avg.describe());
        assertThrows(IllegalStateException.class, avg::shape);
    }

    @Test
    void theExpectedAnswerIsTheReferenceOfTheCasesOperation() {
        var c = BenchCase.pool("small_max", BenchCase.Kind.MAX_POOL, 2, 3, 9, 3, 2, 1);
        var x = c.input();
        assertArrayEquals(PoolReference.maxPool2d(x, c.pool()).output().data(), c.reference(x, null).data());
        var a = BenchCase.pool("small_avg", BenchCase.Kind.AVG_POOL, 2, 3, 8, 2, 2, 0);
        assertArrayEquals(PoolReference.avgPool2d(a.input(), a.pool()).data(), a.reference(a.input(), null).data());
        var conv = BenchSuite.byName("seed_s2x1");
        assertArrayEquals(Conv2dReference.conv2d(conv.input(), conv.weight(), null, conv.params()).data(),
                conv.reference(conv.input(), conv.weight()).data());
    }

    @Test
    /** Issue 24, stumble 10: the cases ran in suite order whatever order --suite named them in. */
    void selectionKeepsTheOrderNamedAndNamesUnknownCases() {
        assertEquals(List.of(BenchSuite.byName("sgemm_256"), BenchSuite.byName("seed_s2x1")),
                BenchSuite.select("sgemm_256, seed_s2x1"));
        assertEquals(List.of(BenchSuite.byName("seed_s2x1"), BenchSuite.byName("sgemm_256")),
                BenchSuite.select("seed_s2x1,sgemm_256,seed_s2x1"));
        assertEquals(BenchSuite.DEFAULT, BenchSuite.select(null));
        // Opt-in cases run when named.
        assertEquals(List.of(BenchSuite.byName("vgg_3x3_c64_224"), BenchSuite.byName("sgemm_256")),
                BenchSuite.select("vgg_3x3_c64_224,sgemm_256"));
        assertTrue(BenchSuite.OPT_IN.stream().noneMatch(BenchSuite.DEFAULT::contains));
        var e = assertThrows(IllegalArgumentException.class, () -> BenchSuite.select("resnet"));
        assertTrue(e.getMessage().startsWith("suite: no case 'resnet'"), e.getMessage());
    }
}
