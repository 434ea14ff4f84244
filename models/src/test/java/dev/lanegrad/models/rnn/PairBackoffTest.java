package dev.lanegrad.models.rnn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The back-off of StepPair after passes whose meetings were often slow: when it holds and how long. */
class PairBackoffTest {

    private static final long FIRST = PairBackoff.FIRST_NANOS;

    @Test
    void aGoodPassKeepsThePair() {
        PairBackoff b = new PairBackoff(true);
        b.record(100, 12, 0); // 12 of 100: not more than an eighth
        assertTrue(b.allows(1));
    }

    @Test
    void aSlowPassSendsTheNextPassesToOneThreadForTheFirstBackoff() {
        PairBackoff b = new PairBackoff(true);
        b.record(100, 13, 1_000);
        assertFalse(b.allows(1_000 + FIRST - 1));
        assertTrue(b.allows(1_000 + FIRST));
    }

    @Test
    void slowPassesInARowDoubleTheBackoffUpToTheMaximumAndAGoodOneResetsIt() {
        PairBackoff b = new PairBackoff(true);
        long now = 0;
        long expected = FIRST;
        for (int i = 0; i < 12; i++) {
            b.record(100, 100, now);
            assertFalse(b.allows(now + expected - 1), "slow pass " + (i + 1));
            assertTrue(b.allows(now + expected), "slow pass " + (i + 1));
            now += expected;
            expected = Math.min(2 * expected, PairBackoff.MAX_NANOS);
        }
        b.record(100, 0, now);
        assertTrue(b.allows(now));
        b.record(100, 100, now);
        assertFalse(b.allows(now + FIRST - 1));
        assertTrue(b.allows(now + FIRST));
    }

    @Test
    void switchedOffItNeverHolds() {
        PairBackoff b = new PairBackoff(false);
        b.record(100, 100, 0);
        assertTrue(b.allows(0));
    }
}
