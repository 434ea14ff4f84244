package dev.lanegrad.bench;

import dev.lanegrad.engine.KernelProvider;
import dev.lanegrad.engine.Kernels;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH settings every benchmark of this module shares (JMH reads class annotations through the
 * superclass): one fork with the Vector API module, the average time of an operation in a per-thread
 * state, 3 warm-up and 5 measured iterations of 1 s. A benchmark extends this and annotates only what
 * differs: its time unit, longer warm-up, another mode. {@link #vector()} is the kernels of impl=vector.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public abstract class JmhDefaults {

    /**
     * The Vector API kernels, looked up through Kernels: touching the provider class first would make
     * Kernels initialise inside it, see the provider as missing and log a false warning.
     */
    static KernelProvider vector() {
        KernelProvider vector = Kernels.vectorOrNull();
        if (vector == null) {
            throw new IllegalStateException("the Vector API kernels cannot be loaded: add --add-modules jdk.incubator.vector");
        }
        return vector;
    }
}
