/**
 * Kernels on float[]: GEMM, activations, fused recurrent steps, in a scalar and a Vector API
 * implementation.
 *
 * <p>The incubator module is a static (compile-time only) dependency: when the JVM runs without
 * {@code --add-modules jdk.incubator.vector}, {@link dev.lanegrad.engine.Kernels} never loads the
 * vector classes and uses the scalar kernels (one warning in the log).
 */
module dev.lanegrad.engine {
    requires static jdk.incubator.vector;

    exports dev.lanegrad.engine;
    // the two implementations, for benchmarks and tests that pit them against each other
    exports dev.lanegrad.engine.scalar;
    exports dev.lanegrad.engine.vector;
}
