package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs timed side by side, on a clock the runs themselves advance, so that every time is known exactly. */
class TimingTest {
    private static final long MS = 1_000_000;

    /** A clock that only the runs move: each takes its own time, twice that within a slow spell. */
    private static final class FakeMachine {
        long now;
        long spellFrom = Long.MAX_VALUE;
        long spellUntil = Long.MAX_VALUE;
        final StringBuilder order = new StringBuilder();

        Runnable run(char name, long nanos) {
            return () -> {
                order.append(name);
                now += now >= spellFrom && now < spellUntil ? 2 * nanos : nanos;
            };
        }
    }

    @Test
    void runsTakeTurnsInBlocksSoThatASlowSpellFallsOnEachAlike() {
        var machine = new FakeMachine();
        // Timed one after the other, A's second (100 runs of 10 ms) would fall wholly in the spell.
        machine.spellFrom = 0;
        machine.spellUntil = 900 * MS;
        var outcomes = Timing.interleaved(List.of(machine.run('A', 10 * MS), machine.run('B', 20 * MS)),
                () -> machine.now, () -> 7, 1000 * MS, 0, 100 * MS);
        assertEquals(10.0, outcomes.get(0).result().medianMillis(), 1e-9);
        assertEquals(20.0, outcomes.get(1).result().medianMillis(), 1e-9);
        // Two warm-up runs each, then blocks of 100 ms in turn (5 runs of A, 3 of B in the spell): AB...AB, in about
        // ten rounds for the second each needs.
        String timed = machine.order.substring(4);
        assertTrue(timed.startsWith("A".repeat(5) + "B".repeat(3) + "A"), timed);
        assertTrue(timed.split("(?<=B)(?=A)").length >= 8, timed);
        assertEquals(0.0, outcomes.get(0).result().faultsPerRun());
    }

    @Test
    void eachRunIsTimedAtLeastFiveTimesAndForTheLeastTimeAndNoMore() {
        var machine = new FakeMachine();
        var outcomes = Timing.interleaved(List.of(machine.run('A', 300 * MS), machine.run('B', MS)),
                () -> machine.now, () -> -1, 1000 * MS, 0, 100 * MS);
        String timed = machine.order.substring(4);
        // Five runs of A (1.5 s), a thousand of B (1 s), each block of B a hundred runs.
        assertEquals(5, timed.chars().filter(ch -> ch == 'A').count());
        assertEquals(1000, timed.chars().filter(ch -> ch == 'B').count());
        assertTrue(timed.startsWith("A" + "B".repeat(100) + "A"), timed);
        assertTrue(Double.isNaN(outcomes.get(1).result().faultsPerRun()), "no page-fault counter");
    }

    @Test
    void aRunThatFailsStopsAndTheOthersAreStillTimed() {
        var machine = new FakeMachine();
        var failure = new IllegalStateException("device lost");
        var calls = new ArrayList<Integer>();
        Runnable failing = () -> {
            calls.add(1);
            machine.now += MS;
            if (calls.size() == 4) {
                throw failure;
            }
        };
        var outcomes = Timing.interleaved(List.of(failing, machine.run('B', 10 * MS)), () -> machine.now, () -> 0,
                200 * MS, 0, 50 * MS);
        assertSame(failure, outcomes.get(0).failure());
        assertNull(outcomes.get(0).result());
        assertEquals(4, calls.size(), "not run again once it failed");
        assertEquals(10.0, outcomes.get(1).result().medianMillis(), 1e-9);
    }
}
