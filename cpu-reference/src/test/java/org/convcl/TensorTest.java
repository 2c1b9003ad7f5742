package org.convcl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tensors from and back into the caller's arrays and buffers, and the seeded generator. */
class TensorTest {
    private static final float[] SIX = {1, 2, 3, 4, 5, 6};

    @Test
    void copyOfCopiesWhileTheConstructorShares() {
        float[] mine = SIX.clone();
        var copied = Tensor.copyOf(mine, 2, 3);
        var shared = new Tensor(mine, 2, 3);
        mine[0] = 42;
        assertEquals(1, copied.data()[0], "a later write to the array does not reach the copy");
        assertEquals(42, shared.data()[0], "the constructor wraps the array");
        assertSame(mine, shared.data());
        assertNotSame(mine, copied.data());
        assertArrayEquals(new int[] {2, 3}, copied.shape());
    }

    @Test
    void copyOfABufferTakesTheRemainingElementsAndLeavesThePosition() {
        var direct = ByteBuffer.allocateDirect(8 * Float.BYTES).order(ByteOrder.BIG_ENDIAN).asFloatBuffer();
        direct.put(new float[] {9, 1, 2, 3, 4, 5, 6, 9}).position(1).limit(7);
        var t = Tensor.copyOf(direct, 3, 2);
        assertArrayEquals(SIX, t.data());
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertEquals(1, direct.position());
        direct.put(1, 0);
        assertEquals(1, t.data()[0], "a copy");
    }

    @Test
    void copyToWritesIntoTheCallersArrayAtTheOffset() {
        var t = Tensor.copyOf(SIX, 6);
        float[] out = new float[9];
        t.copyTo(out, 2);
        assertArrayEquals(new float[] {0, 0, 1, 2, 3, 4, 5, 6, 0}, out);
        t.copyTo(out, 3);
        assertEquals(6, out[8]);
    }

    @Test
    void copyToWritesIntoTheCallersBufferAndAdvancesIt() {
        var buffer = FloatBuffer.allocate(8).position(1);
        Tensor.copyOf(SIX, 2, 3).copyTo(buffer);
        assertEquals(7, buffer.position());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 0}, buffer.array());
    }

    @Test
    void sizeMismatchesNameTheArgument() {
        var t = Tensor.copyOf(SIX, 2, 3);
        assertMessage("data: length 6 does not match shape [2, 2]", () -> Tensor.copyOf(SIX, 2, 2));
        assertMessage("data: 6 elements remaining do not match shape [7]", () -> Tensor.copyOf(FloatBuffer.wrap(SIX), 7));
        assertMessage("shape: dimension 0 is -1, must be >= 0", () -> Tensor.copyOf(SIX, -1, -6));
        assertMessage("destination: length 7 has room for 5 elements after offset 2, the tensor [2, 3] has 6",
                () -> t.copyTo(new float[7], 2));
        assertMessage("destination: length 3 has room for 0 elements after offset 5, the tensor [2, 3] has 6",
                () -> t.copyTo(new float[3], 5));
        assertMessage("offset: -1, must be >= 0", () -> t.copyTo(new float[9], -1));
        assertMessage("destination: 5 elements remaining, the tensor [2, 3] has 6", () -> t.copyTo(FloatBuffer.allocate(5)));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }

    /** The sequences the tests and benchmarks were built on: java.util.Random's, so seeds keep their data. */
    @Test
    void seededDrawsJavaUtilRandomsSequence() {
        var random = new Random(5);
        float[] uniform = Tensor.seeded(5).uniform(3, 4).data();
        for (float v : uniform) {
            assertEquals(random.nextFloat() * 2 - 1, v);
            assertTrue(v >= -1 && v < 1);
        }
        random = new Random(5);
        float[] integers = Tensor.seeded(5).integers(3, 50).data();
        for (float v : integers) {
            assertEquals(random.nextInt(7) - 3, v);
        }
    }

    @Test
    void oneGeneratorContinuesItsSequenceAndTheSeedStartsItAgain() {
        var g = Tensor.seeded(11);
        float[] first = g.uniform(4).data();
        float[] second = g.uniform(4).data();
        assertArrayEquals(Tensor.seeded(11).uniform(8).data(), concat(first, second));
        assertArrayEquals(new int[] {2, 3, 4}, Tensor.seeded(1).uniform(2, 3, 4).shape(), "every number is a dim");
        assertMessage("bound: -1, must be in [0, ", () -> Tensor.seeded(1).integers(-1, 2));
    }

    private static float[] concat(float[] a, float[] b) {
        float[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
