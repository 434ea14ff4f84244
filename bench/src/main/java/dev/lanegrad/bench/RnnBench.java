package dev.lanegrad.bench;

import dev.lanegrad.bench.rnn.BenchCase;
import dev.lanegrad.bench.rnn.RnnWorkloads;
import dev.lanegrad.bench.rnn.Workload;
import dev.lanegrad.engine.EngineThreads;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Every recurrent benchmark case ({@link BenchCase}: S1-S5, LM) for every cell at 1 and 2 engine
 * threads; the time of one operation (a sequence, a step, a training step) in microseconds. Convert
 * with the case's unit: S1/S3/S4 ms = us / 1000; S5 seq/s = B * 1e6 / us; LM tokens/s = B*T * 1e6 / us.
 * Run with {@code -prof gc}: gc.alloc.rate.norm is the allocation per operation (S3 budget: 1 KB).
 *
 * <pre>
 * ./lanegrad jmh -- RnnBench -p benchCase=S3 -p cell=lstm -p threads=1 -prof gc -jvmArgs -Djmh.ignoreLock=true
 * </pre>
 * The pairs (case, cell) that do not exist (LM with rnn or gru) are skipped.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
public class RnnBench extends JmhDefaults {

    @Param({"S1", "S2", "S3", "S4", "S5", "LM"})
    String benchCase;
    @Param({"rnn", "lstm", "gru"})
    String cell;
    @Param({"1", "2"})
    int threads;
    /** api: S3/S4 through Tape + layer + Ops.mseLoss (what users write); core: the Rnn core directly. */
    @Param({"api"})
    String path;

    private Workload workload;
    private int threadsBefore;

    @Setup(Level.Trial)
    public void setUp() {
        BenchCase c = BenchCase.parse(benchCase);
        threadsBefore = EngineThreads.threads();
        EngineThreads.setThreads(threads);
        // LM is an LSTM model: under another cell it measures nothing (and says so in its name only)
        workload = !c.hasCell(cell) ? () -> 0f
                : path.equals("core") ? RnnWorkloads.createCore(c, cell) : RnnWorkloads.create(c, cell);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        EngineThreads.setThreads(threadsBefore);
    }

    @Benchmark
    public float op() {
        return workload.run();
    }
}
