package org.convcl.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.convcl.Conv2dParams;
import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.junit.jupiter.api.Test;

/** Known answers from the source material, then im2col + GEMM against the direct loops. */
class Conv2dReferenceTest {

    private static float[] range(int from, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = from + i;
        }
        return v;
    }

    @Test
    void twoChannelBlurAndEdgeFilters() {
        var y = Conv2dReference.conv2d(SourceExample.input(), SourceExample.filters(), null, Conv2dParams.DEFAULT);
        assertArrayEquals(new int[] {1, 2, 2, 2}, y.shape());
        assertArrayEquals(new float[] {64, 72, 88, 96, 4, 4, 4, 4}, y.data());
    }

    @Test
    void singleChannelCorrelation() {
        var input = new Tensor(range(0, 9), 1, 1, 3, 3);
        var kernel = new Tensor(new float[] {0, 1, 2, 3}, 1, 1, 2, 2);
        var y = Conv2dReference.conv2d(input, kernel, null, Conv2dParams.DEFAULT);
        assertArrayEquals(new float[] {19, 25, 37, 43}, y.data());
    }

    @Test
    void biasIsAddedPerOutputChannel() {
        var input = new Tensor(range(0, 9), 1, 1, 3, 3);
        var kernel = new Tensor(new float[] {0, 1, 2, 3, 1, 0, 0, 0}, 2, 1, 2, 2);
        var bias = new Tensor(new float[] {0.5f, -1}, 2);
        var y = Conv2dReference.conv2d(input, kernel, bias, Conv2dParams.DEFAULT);
        assertArrayEquals(new float[] {19.5f, 25.5f, 37.5f, 43.5f, -1, 0, 2, 3}, y.data());
    }

    @Test
    void outputShapesOfTheSourceMaterial() {
        assertShape(new int[] {117, 5, 9, 1}, new int[] {117, 4, 10, 3}, new int[] {5, 4, 2, 3}, Conv2dParams.DEFAULT);
        assertShape(new int[] {1, 1, 4, 4}, new int[] {1, 1, 8, 8}, new int[] {1, 1, 3, 3},
                Conv2dParams.DEFAULT.withPadding(1, 1).withStride(2, 2));
        assertShape(new int[] {1, 1, 2, 2}, new int[] {1, 1, 8, 8}, new int[] {1, 1, 3, 5},
                Conv2dParams.DEFAULT.withPadding(0, 1).withStride(3, 4));
    }

    private static void assertShape(int[] expected, int[] input, int[] weight, Conv2dParams p) {
        var y = Conv2dReference.conv2d(Tensor.seeded(1).uniform(input), Tensor.seeded(2).uniform(weight), null, p);
        assertArrayEquals(expected, y.shape());
    }

    @Test
    void outputSizeFormula() {
        assertEquals(4, Conv2dParams.outputSize(8, 3, 2, 1, 1, 1));
        assertEquals(2, Conv2dParams.outputSize(8, 5, 4, 1, 1, 1));
        assertEquals(3, Conv2dParams.outputSize(7, 3, 1, 0, 0, 2));
        assertEquals(1, Conv2dParams.outputSize(5, 5, 7, 0, 0, 1));
    }

    @Test
    void im2colThenGemmEqualsDirectLoops() {
        var random = new Random(42);
        for (int trial = 0; trial < 60; trial++) {
            int g = 1 + random.nextInt(2);
            int c = g * (1 + random.nextInt(3)), k = g * (1 + random.nextInt(3));
            int kh = 1 + random.nextInt(3), kw = 1 + random.nextInt(3);
            var p = new Conv2dParams(1 + random.nextInt(3), 1 + random.nextInt(3), random.nextInt(kh),
                    random.nextInt(kw), 1 + random.nextInt(2), 1 + random.nextInt(2), g);
            int h = p.dilationH() * (kh - 1) + 1 + random.nextInt(5), w = p.dilationW() * (kw - 1) + 1 + random.nextInt(5);
            var input = Tensor.seeded(trial).uniform(2, c, h, w);
            var weight = Tensor.seeded(1000 + trial).uniform(k, c / g, kh, kw);
            var bias = Tensor.seeded(2000 + trial).uniform(k);
            var direct = Conv2dReference.conv2d(input, weight, bias, p);
            var lowered = viaIm2col(input, weight, bias, p);
            assertNull(Tolerance.FLOAT32.firstMismatch(lowered, direct, Magnitudes.conv2d(input, weight, bias, p, null)),
                    () -> "params " + p);
        }
    }

    /** Selected output rows and columns are exactly those elements of the whole output. */
    @Test
    void selectedRowsAndColumnsAreThoseOfTheWholeOutput() {
        var p = new Conv2dParams(2, 1, 1, 2, 1, 2, 2);
        var x = Tensor.seeded(1).uniform(2, 4, 9, 11);
        var w = Tensor.seeded(2).uniform(6, 2, 3, 2);
        var b = Tensor.seeded(3).uniform(6);
        var whole = Conv2dReference.conv2d(x, w, b, p);
        int oh = whole.dim(2), ow = whole.dim(3);
        int[] rows = {0, oh - 1, 5 * oh + 2, 2 * 6 * oh - 1};
        int[] columns = {ow - 1, 0, 3};
        var selected = Conv2dReference.conv2d(x, w, b, p, rows, columns);
        assertArrayEquals(new int[] {rows.length, columns.length}, selected.shape());
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < columns.length; c++) {
                assertEquals(whole.data()[rows[r] * ow + columns[c]], selected.data()[r * columns.length + c]);
            }
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> Conv2dReference.conv2d(x, w, b, p, new int[] {2 * 6 * oh}, columns));
        assertEquals("rows: " + 2 * 6 * oh + " is outside [0, " + 2 * 6 * oh + ")", e.getMessage());
    }

    /** conv2d as im2col then one GEMM per image and group, with the bias added afterwards. */
    private static Tensor viaIm2col(Tensor input, Tensor weight, Tensor bias, Conv2dParams p) {
        var s = p.shapeOf(input, weight, bias);
        var out = Tensor.zeros(s.outputShape());
        int plane = (int) s.outputPlane(), patch = s.patchSize(), kg = s.kPerGroup();
        for (int n = 0; n < s.n(); n++) {
            float[] col = Im2colReference.im2col(input, n, s).data();
            for (int g = 0; g < s.groups(); g++) {
                // weight rows of group g are (kg, patch); column rows of group g are (patch, plane)
                var a = new Tensor(java.util.Arrays.copyOfRange(weight.data(), g * kg * patch, (g + 1) * kg * patch),
                        kg, patch);
                var b = new Tensor(java.util.Arrays.copyOfRange(col, g * patch * plane, (g + 1) * patch * plane),
                        patch, plane);
                float[] prod = GemmReference.gemm(a, b).data();
                for (int i = 0; i < kg * plane; i++) {
                    int k = g * kg + i / plane;
                    out.data()[(n * s.k() + k) * plane + i % plane] = prod[i] + bias.data()[k];
                }
            }
        }
        return out;
    }
}
