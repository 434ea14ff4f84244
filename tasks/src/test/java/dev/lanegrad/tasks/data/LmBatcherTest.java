package dev.lanegrad.tasks.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LmBatcherTest {

    /** Tokens equal to their positions, so a window tells where it came from. */
    static int[] positions(int n) {
        return IntStream.range(0, n).toArray();
    }

    @Property
    void splitKeepsTheTailForValidation(@ForAll @IntRange(min = 0, max = 500) int n,
            @ForAll @DoubleRange(min = 0, max = 0.99) double fraction) {
        int[] tokens = positions(n);
        TokenSplit s = TokenSplit.tail(tokens, fraction);
        assertEquals(n, s.train().length + s.validation().length);
        assertEquals(Math.round(n * fraction), s.validation().length);
        for (int i = 0; i < s.validation().length; i++) {
            assertEquals(s.train().length + i, s.validation()[i]);
        }
    }

    @Test
    void splitRejectsBadFractions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenSplit.tail(new int[3], 1.0));
        assertEquals("validation fraction 1.0 is not in [0, 1)", e.getMessage());
    }

    @Property
    void randomWindowsAreContiguousAndTargetsAreShiftedByOne(@ForAll @IntRange(min = 2, max = 300) int n,
            @ForAll @IntRange(min = 1, max = 20) int seqLen, @ForAll @IntRange(min = 1, max = 8) int batch,
            @ForAll long seed) {
        if (n < seqLen + 1) {
            assertThrows(IllegalArgumentException.class, () -> new LmBatcher(positions(n), seqLen, batch, LmBatcher.Mode.RANDOM, seed));
            return;
        }
        LmBatcher batcher = new LmBatcher(positions(n), seqLen, batch, LmBatcher.Mode.RANDOM, seed);
        TokenBatch first = batcher.next();
        for (int k = 0; k < 3; k++) {
            TokenBatch tb = batcher.next();
            assertSame(first, tb, "one batch object, refilled");
            for (int b = 0; b < batch; b++) {
                int start = tb.input(0, b);
                assertTrue(start >= 0 && start + seqLen < n);
                for (int t = 0; t < seqLen; t++) {
                    assertEquals(start + t, tb.input(t, b));
                    assertEquals(start + t + 1, tb.target(t, b));
                    assertEquals(tb.inputs()[t * batch + b], tb.input(t, b));
                }
            }
        }
    }

    @Property
    void sameSeedSameBatches(@ForAll long seed) {
        LmBatcher a = new LmBatcher(positions(1000), 7, 5, LmBatcher.Mode.RANDOM, seed);
        LmBatcher b = new LmBatcher(positions(1000), 7, 5, LmBatcher.Mode.RANDOM, seed);
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(a.next().inputs(), b.next().inputs());
        }
        a.reset();
        LmBatcher c = new LmBatcher(positions(1000), 7, 5, LmBatcher.Mode.RANDOM, seed);
        assertArrayEquals(c.next().inputs(), a.next().inputs());
    }

    @Test
    void randomOffsetsReachBothEnds() {
        LmBatcher batcher = new LmBatcher(positions(12), 3, 4, LmBatcher.Mode.RANDOM, 42);
        Set<Integer> starts = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            TokenBatch tb = batcher.next();
            for (int b = 0; b < 4; b++) {
                starts.add(tb.input(0, b));
            }
        }
        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8), starts); // 8 + 3 = 11, the last token, is the last target
    }

    @Property
    void sequentialBatchesContinueEachStreamWithoutOverlap(@ForAll @IntRange(min = 1, max = 400) int n,
            @ForAll @IntRange(min = 1, max = 10) int seqLen, @ForAll @IntRange(min = 1, max = 6) int batch) {
        int streamLength = n / batch;
        if ((streamLength - 1) / seqLen < 1) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new LmBatcher(positions(n), seqLen, batch, LmBatcher.Mode.SEQUENTIAL, 0));
            assertEquals("a text of " + n + " tokens is too short for " + batch + " streams of " + seqLen + " + 1 tokens",
                    e.getMessage());
            return;
        }
        LmBatcher batcher = new LmBatcher(positions(n), seqLen, batch, LmBatcher.Mode.SEQUENTIAL, 0);
        int passes = batcher.batchesPerPass();
        assertEquals((streamLength - 1) / seqLen, passes);
        Set<Integer> seen = new HashSet<>();
        int[] previousEnd = new int[batch];
        for (int k = 0; k < passes; k++) {
            TokenBatch tb = batcher.next();
            assertEquals(k == 0, tb.startOfPass());
            for (int b = 0; b < batch; b++) {
                if (k == 0) {
                    assertEquals(b * streamLength, tb.input(0, b), "stream b starts at b * L");
                } else {
                    assertEquals(previousEnd[b], tb.input(0, b), "column b continues where it stopped");
                }
                for (int t = 0; t < seqLen; t++) {
                    assertTrue(seen.add(tb.input(t, b)), "no input position twice in a pass");
                    assertEquals(tb.input(t, b) + 1, tb.target(t, b));
                    assertTrue(tb.target(t, b) < (b + 1) * streamLength, "targets stay inside the stream");
                }
                previousEnd[b] = tb.input(seqLen - 1, b) + 1;
            }
        }
        TokenBatch again = batcher.next();
        assertTrue(again.startOfPass());
        assertEquals(0, again.input(0, 0));
    }

    @Test
    void sequentialExample() {
        // 20 tokens, 2 streams of 10: [0..9] and [10..19]; T = 4 gives (10 - 1) / 4 = 2 batches per pass
        LmBatcher batcher = new LmBatcher(positions(20), 4, 2, LmBatcher.Mode.SEQUENTIAL, 0);
        assertEquals(2, batcher.batchesPerPass());
        assertArrayEquals(new int[] {0, 10, 1, 11, 2, 12, 3, 13}, batcher.next().inputs());
        TokenBatch second = batcher.next();
        assertArrayEquals(new int[] {4, 14, 5, 15, 6, 16, 7, 17}, second.inputs());
        assertArrayEquals(new int[] {5, 15, 6, 16, 7, 17, 8, 18}, second.targets());
        assertFalse(second.startOfPass());
        assertTrue(batcher.next().startOfPass());
    }
}
