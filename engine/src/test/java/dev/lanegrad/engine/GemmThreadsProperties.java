package dev.lanegrad.engine;

import dev.lanegrad.engine.testing.BusyPool;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The SIMD GEMM split over several engine threads computes what one thread computes, and many callers
 * at once (each with its own packing buffers) do not disturb each other.
 */
class GemmThreadsProperties {

    private static final int INITIAL_THREADS = EngineThreads.threads();

    @AfterContainer
    static void restoreThreads() {
        EngineThreads.setThreads(INITIAL_THREADS);
    }

    /** Sizes on both sides of the parallel threshold, split by rows (m > n) and by columns. */
    @Provide
    Arbitrary<Integer> dims() {
        return Arbitraries.of(1, 5, 17, 64, 65, 130, 200, 257);
    }

    @Property(tries = 40)
    void threadedEqualsSingleThreaded(@ForAll("dims") int m, @ForAll("dims") int n, @ForAll("dims") int k,
                                      @ForAll boolean transA, @ForAll boolean transB,
                                      @ForAll @net.jqwik.api.constraints.IntRange(min = 2, max = 5) int threads,
                                      @ForAll long seed) {
        GemmVectorProperties.Case g = GemmVectorProperties.Case.random(new Random(seed), transA, transB, m, n, k, 1.25f, 0f);
        EngineThreads.setThreads(1);
        float[] single = g.run(GemmVectorProperties.VECTOR);
        EngineThreads.setThreads(threads);
        float[] multi = g.run(GemmVectorProperties.VECTOR);
        g.assertClose(single, multi, threads + " threads vs 1");
    }

    @Example
    void concurrentCallersGetTheirOwnResults() throws Exception {
        EngineThreads.setThreads(2);
        List<GemmVectorProperties.Case> cases = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        Random random = new Random(5);
        int[][] shapes = {{1, 300, 70}, {33, 47, 290}, {150, 140, 120}, {200, 17, 300}, {64, 256, 64}, {7, 513, 31}};
        for (int t = 0; t < 12; t++) {
            int[] s = shapes[t % shapes.length];
            GemmVectorProperties.Case g = GemmVectorProperties.Case.random(random, t % 2 == 0, t % 3 == 0, s[0], s[1], s[2], 1f, 0.5f);
            cases.add(g);
            expected.add(g.run(GemmVectorProperties.SCALAR));
        }
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (GemmVectorProperties.Case g : cases) {
                    results.add(callers.submit(() -> g.run(GemmVectorProperties.VECTOR)));
                }
            }
            for (int i = 0; i < results.size(); i++) {
                GemmVectorProperties.Case g = cases.get(i % cases.size());
                g.assertClose(expected.get(i % cases.size()), results.get(i).get(), "concurrent caller " + i);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * A split product whose pool cannot run its helpers (both workers busy for the whole call) is computed
     * by the caller alone, correctly, instead of waiting for tasks that never start; the next calls, with
     * the pool free again, still give the same results. (The code before it waited for its helpers here, for
     * ever.)
     */
    @Example
    void aSplitProductDoesNotWaitForHelpersThePoolNeverStarts() throws InterruptedException {
        EngineThreads.setThreads(2);
        GemmVectorProperties.Case g = GemmVectorProperties.Case.random(new Random(9), false, true, 200, 257, 130, 1f, 0.5f);
        float[] expected = g.run(GemmVectorProperties.SCALAR);
        try (BusyPool busy = BusyPool.occupy()) {
            for (int call = 0; call < 3; call++) {
                g.assertClose(expected, g.run(GemmVectorProperties.VECTOR), "pool busy, call " + call);
            }
        }
        for (int call = 0; call < 3; call++) {
            g.assertClose(expected, g.run(GemmVectorProperties.VECTOR), "pool free again, call " + call);
        }
    }
}
