package org.convcl.opencl.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GridTest {
    @Test
    void aLaunchWithinTheLimitsIsOneEnqueue() {
        var parts = Grid.split("k", new long[] {128, 65_535 * 4L, 65_535}, new long[] {64, 4, 1});
        assertEquals(1, parts.size());
        assertArrayEquals(new long[] {0, 0, 0}, parts.get(0).offset());
        assertArrayEquals(new long[] {128, 65_535 * 4L, 65_535}, parts.get(0).global());
    }

    @Test
    void seventyThousandPlanesAlongYAreCutAtTheLimit() {
        var parts = Grid.split("k", new long[] {64, 70_000 * 4L}, new long[] {64, 4});
        assertEquals(2, parts.size());
        assertArrayEquals(new long[] {0, 0}, parts.get(0).offset());
        assertArrayEquals(new long[] {64, 65_535 * 4L}, parts.get(0).global());
        assertArrayEquals(new long[] {0, 65_535 * 4L}, parts.get(1).offset());
        assertArrayEquals(new long[] {64, (70_000 - 65_535) * 4L}, parts.get(1).global());
    }

    @Test
    void bothYAndZCutCoverEveryGroupOnce() {
        long[] global = {32, 140_000, 200_000};
        long[] local = {32, 2, 1};
        var parts = Grid.split("k", global, local);
        assertEquals(2 * 4, parts.size());
        long covered = 0;
        for (var p : parts) {
            for (int axis = 0; axis < 3; axis++) {
                assertTrue(p.global()[axis] / local[axis] <= Grid.MAX_GROUPS[axis], p::toString);
                assertEquals(0, p.offset()[axis] % local[axis]);
                assertEquals(0, p.global()[axis] % local[axis]);
            }
            covered += p.global()[0] * p.global()[1] * p.global()[2];
        }
        assertEquals(global[0] * global[1] * global[2], covered);
    }

    @Test
    void tooManyGroupsAlongXAreRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Grid.split("direct", new long[] {(1L << 31) * 64}, new long[] {64}));
        assertTrue(e.getMessage().startsWith("direct: 2147483648 work-groups along x"), e.getMessage());
    }

    @Test
    void withoutALocalSizeEveryWorkItemCountsAsAGroup() {
        var parts = Grid.split("pack", new long[] {3, 100_000, 2}, null);
        assertEquals(2, parts.size());
        assertArrayEquals(new long[] {3, 65_535, 2}, parts.get(0).global());
        assertArrayEquals(new long[] {0, 65_535, 0}, parts.get(1).offset());
    }
}
