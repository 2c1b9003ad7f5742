package org.convcl.opencl.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How find mode compares candidates' timed runs; no OpenCL context. */
class AlgorithmFinderTest {
    @Test
    void aCandidatesTypicalTimeIsTheLowerMedianOfItsRuns() {
        assertEquals(7L, AlgorithmFinder.typical(List.of(9L, 7L)));
        assertEquals(5L, AlgorithmFinder.typical(List.of(8L, 5L, 2L)));
        assertEquals(4L, AlgorithmFinder.typical(List.of(6L, 1L, 4L, 5L)));
        assertEquals(3L, AlgorithmFinder.typical(List.of(3L)));
    }

    @Test
    void aCandidateFastOnlyAtTimesLosesToASteadyOne() {
        // Microseconds of runs in rounds: the first has the best run, the second is faster in most.
        var fastAtTimes = List.of(3_700L, 5_800L, 3_900L, 5_700L, 5_800L, 4_500L);
        var steady = List.of(4_000L, 4_200L, 4_100L, 4_300L, 4_200L, 4_100L);
        assertTrue(fastAtTimes.stream().mapToLong(Long::longValue).min().getAsLong()
                < steady.stream().mapToLong(Long::longValue).min().getAsLong());
        assertTrue(AlgorithmFinder.typical(steady) < AlgorithmFinder.typical(fastAtTimes));
    }

    @Test
    void aCandidateWithRoundsIsJudgedByThemNotByItsFirstRunsBackToBack() {
        // Microseconds: the unfused Winograd's intermediates stay cached back to back, not called in turn.
        var unfusedFirst = List.of(6_900L, 6_880L);
        var unfusedRounds = List.of(8_400L, 8_300L, 10_900L, 8_500L);
        var fusedFirst = List.of(7_050L, 7_040L);
        var fusedRounds = List.of(6_500L, 6_400L, 7_300L, 6_600L);
        assertTrue(AlgorithmFinder.typical(unfusedFirst) < AlgorithmFinder.typical(fusedFirst));
        assertEquals(8_400L, AlgorithmFinder.typical(unfusedFirst, unfusedRounds));
        assertEquals(6_500L, AlgorithmFinder.typical(fusedFirst, fusedRounds));
        // Without rounds (a lone contender, or one slower than twice the fastest), its first runs count.
        assertEquals(20_000L, AlgorithmFinder.typical(List.of(21_000L, 20_000L), List.of()));
    }

    @Test
    void contendersGetAboutTwoTenthsOfASecondOfRoundsAndSlowOnesAtLeastThreeUpToASecond() {
        // Typical times of the contenders of a round, added up, in milliseconds.
        assertEquals(AlgorithmFinder.MAX_ROUNDS, AlgorithmFinder.rounds(1_000_000), "0.05 s of 50 rounds of 1 ms");
        assertEquals(20, AlgorithmFinder.rounds(10_000_000));
        assertEquals(AlgorithmFinder.MIN_ROUNDS, AlgorithmFinder.rounds(60_000_000), "the 7x7 stem's two: 0.18 s");
        assertEquals(3, AlgorithmFinder.rounds(300_000_000), "0.9 s");
        assertEquals(2, AlgorithmFinder.rounds(400_000_000), "three would take 1.2 s");
        assertEquals(1, AlgorithmFinder.rounds(1_500_000_000), "at least one");
        assertEquals(AlgorithmFinder.MAX_ROUNDS, AlgorithmFinder.rounds(0));
    }
}
