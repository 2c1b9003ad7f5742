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
}
