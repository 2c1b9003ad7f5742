package org.convcl.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.convcl.Conv2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.junit.jupiter.api.Test;

/** Known answers of the source material and PyTorch's rules for sizes, padding, NaN and ties. */
class PoolReferenceTest {

    private static Tensor range(int count, int... shape) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = i;
        }
        return new Tensor(v, shape);
    }

    @Test
    void maxAndAveragePoolingOfA3x3Input() {
        // input is 0..8 as (1, 1, 3, 3); 2x2 windows with stride 1
        var x = range(9, 1, 1, 3, 3);
        var p = Pool2dParams.of(2, 2).withStride(1, 1);
        var max = PoolReference.maxPool2d(x, p);
        assertArrayEquals(new float[] {4, 5, 7, 8}, max.output().data());
        assertArrayEquals(new long[] {4, 5, 7, 8}, max.indices());
        assertArrayEquals(new float[] {2, 3, 5, 6}, PoolReference.avgPool2d(x, p).data());
    }

    @Test
    void sourcePipelineConvThenPool() {
        var y = Conv2dReference.conv2d(SourceExample.input(), SourceExample.filters(), null, Conv2dParams.DEFAULT);
        var pooled = PoolReference.maxPool2d(y, Pool2dParams.of(2, 2));
        assertArrayEquals(new float[] {96, 4}, pooled.output().data());
    }

    @Test
    void ceilModeDropsAWindowStartingInTheRightPadding() {
        assertEquals(3, Pool2dParams.outputSize(5, 2, 2, 0, 0, 1, true));
        assertEquals(2, Pool2dParams.outputSize(5, 2, 2, 0, 0, 1, false));
        assertEquals(4, Pool2dParams.outputSize(6, 2, 2, 1, 1, 1, true));
        assertEquals(2, Pool2dParams.outputSize(4, 3, 3, 1, 1, 1, true));
    }

    @Test
    void nanPropagatesAndTiesKeepTheFirst() {
        var x = new Tensor(new float[] {1, Float.NaN, 3, 3, 2, 2, 2, 2}, 1, 2, 2, 2);
        var r = PoolReference.maxPool2d(x, Pool2dParams.of(2, 2));
        assertTrue(Float.isNaN(r.output().data()[0]));
        assertEquals(1, r.indices()[0]);
        assertEquals(2, r.output().data()[1]);
        assertEquals(0, r.indices()[1]);
    }

    @Test
    void averageDivisors() {
        var x = range(16, 1, 1, 4, 4);
        var p = Pool2dParams.of(3, 3).withStride(2, 2).withPadding(1, 1);
        // window at (0, 0) covers rows -1..1, cols -1..1: 4 cells inside summing 0+1+4+5 = 10
        assertEquals(10f / 9, PoolReference.avgPool2d(x, p).data()[0], 1e-6);
        assertEquals(10f / 4, PoolReference.avgPool2d(x, p.withCountIncludePad(false)).data()[0], 1e-6);
        assertEquals(10f / 7, PoolReference.avgPool2d(x, p.withDivisorOverride(7)).data()[0], 1e-6);
    }

    @Test
    void rulesNameTheArgument() {
        var e = assertThrows(IllegalArgumentException.class, () -> Pool2dParams.of(3, 3).withPadding(2, 1));
        assertTrue(e.getMessage().startsWith("padding: top 2 is more than half the kernel height 3"), e.getMessage());
        var small = assertThrows(IllegalArgumentException.class, () -> Pool2dParams.of(5, 5).shapeOf(new int[] {1, 1, 3, 3}));
        assertTrue(small.getMessage().startsWith("kernel: (5, 5)"), small.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Pool2dParams.of(0, 2));
    }
}
