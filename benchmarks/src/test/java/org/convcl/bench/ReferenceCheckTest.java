package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.convcl.Tensor;
import org.convcl.reference.Conv2dReference;
import org.junit.jupiter.api.Test;

/**
 * A large case is checked on its sample (borders of every plane and seeded rows), which the reference computes
 * alone; a wrong element on any border is caught and named by its place in the whole output.
 */
class ReferenceCheckTest {
    /** 0.27 GFLOP: above the limit for a full check; 4 x 64 planes of 30 x 30. */
    private static final BenchCase LARGE = BenchCase.conv("sampled_3x3", 4, 64, 30, 64, 3, 3, 1, 1, 1, 1);

    @Test
    void aLargeCaseIsCheckedOnItsBordersAndSampledRows() {
        assertTrue(LARGE.flops() > ReferenceCheck.FULL_UP_TO_FLOPS, "flops " + LARGE.flops());
        Tensor x = LARGE.input(), w = LARGE.weight();
        var check = ReferenceCheck.of(LARGE, x, w);
        assertTrue(check.describe().matches("sampled \\(\\d+ of 230400\\)"), check.describe());
        // Borders: 2 rows of 30 and 28 rows' 2 columns in each of 256 planes, 29696 elements, plus up to 32 rows.
        assertTrue(check.checkedElements() >= 29696 && check.checkedElements() <= 29696 + 32 * 28,
                "checked " + check.checkedElements());

        var y = Conv2dReference.conv2d(x, w, null, LARGE.params());
        assertNull(check.firstMismatch(y));
        // Each border of a plane: top-left corner, bottom row, left and right column of a middle row.
        int[][] wrong = {{0, 0, 0, 0}, {2, 37, 29, 13}, {1, 3, 15, 0}, {3, 63, 16, 29}};
        for (int[] at : wrong) {
            var bad = copy(y);
            int flat = ((at[0] * 64 + at[1]) * 30 + at[2]) * 30 + at[3];
            bad.data()[flat] += 1;
            var m = check.firstMismatch(bad);
            assertNotNull(m, "an error at " + java.util.Arrays.toString(at));
            assertEquals(flat, m.index(), m.toString());
        }
    }

    @Test
    void aSmallCaseIsCheckedInFull() {
        var c = BenchSuite.byName("seed_s2x1");
        var check = ReferenceCheck.of(c, c.input(), c.weight());
        assertEquals("full", check.describe());
        var y = copy(Conv2dReference.conv2d(c.input(), c.weight(), null, c.params()));
        assertNull(check.firstMismatch(y));
        y.data()[7] += 1;
        assertEquals(7, check.firstMismatch(y).index());
    }

    @Test
    void anSgemmCaseSamplesRowsOfTheMatrix() {
        var c = BenchSuite.byName("sgemm_1024");
        var check = ReferenceCheck.of(c, c.input(), c.weight());
        // C's first and last rows, 32 sampled rows (fewer where they coincide), and every row's first and last column.
        long rows = (check.checkedElements() - 2L * 1024) / (1024 - 2);
        assertTrue(rows >= 2 && rows <= 34, check.describe());
        assertTrue(check.describe().endsWith(" of 1048576)"), check.describe());
    }

    private static Tensor copy(Tensor t) {
        return new Tensor(t.data().clone(), t.shape());
    }
}
