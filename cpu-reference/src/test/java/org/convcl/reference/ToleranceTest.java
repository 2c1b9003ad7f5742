package org.convcl.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.convcl.Tensor;
import org.convcl.Tolerance;
import org.junit.jupiter.api.Test;

class ToleranceTest {
    @Test
    void mixedBound() {
        var t = new Tolerance(0.01, 0.1);
        assertTrue(t.accepts(10.9f, 10f));
        assertFalse(t.accepts(11.2f, 10f));
        assertTrue(t.accepts(0.009f, 0f));
        assertFalse(t.accepts(0.02f, 0f));
    }

    @Test
    void nanAndInfinityMustMatchExactly() {
        assertFalse(Tolerance.FLOAT32.accepts(1f, Float.NaN));
        assertFalse(Tolerance.FLOAT32.accepts(Float.NaN, 1f));
        assertTrue(Tolerance.FLOAT32.accepts(Float.NaN, Float.NaN));
        assertFalse(Tolerance.FLOAT32.accepts(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY));
        assertFalse(Tolerance.FLOAT32.accepts(Float.POSITIVE_INFINITY, 1f));
        assertFalse(Tolerance.FLOAT32.accepts(Float.NaN, Float.POSITIVE_INFINITY));
    }

    @Test
    void mismatchNamesIndexAndValues() {
        var expected = new Tensor(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        var got = new Tensor(new float[] {1, 2, 3, 5}, 1, 1, 2, 2);
        var m = Tolerance.FLOAT32.firstMismatch(got, expected);
        assertNotNull(m);
        assertEquals(3, m.index());
        assertTrue(m.toString().startsWith("index [0, 0, 1, 1] (flat 3): got 5.0, expected 4.0"), m.toString());
    }
}
