package dev.lanegrad.bench;

import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.Kernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Activations in ns per element over 4096 floats (inputs uniform in [-8, 8]).
 *
 * impl = scalar: the scalar specification (double-precision Math.tanh / Math.exp, rounded);
 * vector: the engine's Vector API kernels (VectorMath polynomials on FMA lanes);
 * jdk: the JDK's lanewise VectorOperators.TANH / EXP (SVML intrinsics on x86), the candidate we
 * measured VectorMath against; naive: a plain float loop over Math.tanh / 1/(1+Math.exp(-x)) /
 * Math.exp / Math.log, the baseline the vector kernels must beat 20x.
 *
 * impl=vector runs whichever candidate VectorMath picked for this platform (the lanewise operators
 * on x86_64 Linux/Windows); to measure the FMA-polynomial candidate there, force it:
 * ./lanegrad jmh -- 'ActivationBench' -p impl=vector -jvmArgsAppend "--add-modules jdk.incubator.vector -Dlanegrad.vectormath=poly"
 * (a -jvmArgsAppend on the command line replaces the one in JmhDefaults' @Fork, hence --add-modules again).
 *
 * deterministic = true (the default mode) or false (SVML's lanewise exp/tanh where the platform has them):
 * the cost of the deterministic mode is impl=vector at true against false. Each JMH fork is a new JVM and
 * the setup sets -Dlanegrad.deterministic before the kernels load, so -p switches the mode:
 * ./lanegrad jmh -- ActivationBench -p impl=vector -p deterministic=true,false -f 1 -wi 3 -i 5
 *
 * Run: ./lanegrad jmh -- ActivationBench -f 1 -wi 3 -i 5 -prof gc
 */
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ActivationBench.N)
public class ActivationBench extends JmhDefaults {

    static final int N = 4096;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    @Param({"naive", "scalar", "jdk", "vector"})
    public String impl;

    @Param({"true"})
    public String deterministic;

    private ArrayOps ops;
    private float[] x;
    private float[] pos;
    private float[] y;
    private float[] dy;
    private float[] dx;

    @Setup
    public void setup() {
        if (System.getProperty("lanegrad.deterministic") == null) {
            System.setProperty("lanegrad.deterministic", deterministic); // before the kernels' classes initialise
        }
        ops = "scalar".equals(impl) ? Kernels.scalar().ops() : vector().ops();
        Random random = new Random(42);
        x = new float[N];
        pos = new float[N];
        y = new float[N];
        dy = new float[N];
        dx = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = random.nextFloat() * 16f - 8f;
            pos[i] = (float) Math.exp(random.nextFloat() * 20f - 10f);
            dy[i] = random.nextFloat() - 0.5f;
        }
    }

    @Benchmark
    public float[] tanh() {
        switch (impl) {
            case "naive":
                for (int i = 0; i < N; i++) {
                    y[i] = (float) Math.tanh(x[i]);
                }
                break;
            case "jdk":
                for (int i = 0; i < N; i += F.length()) {
                    FloatVector.fromArray(F, x, i).lanewise(VectorOperators.TANH).intoArray(y, i);
                }
                break;
            default:
                ops.tanh(x, 0, y, 0, N);
        }
        return y;
    }

    @Benchmark
    public float[] sigmoid() {
        switch (impl) {
            case "naive":
                for (int i = 0; i < N; i++) {
                    y[i] = (float) (1.0 / (1.0 + Math.exp(-x[i])));
                }
                break;
            case "jdk":
                for (int i = 0; i < N; i += F.length()) {
                    FloatVector e = FloatVector.fromArray(F, x, i).neg().lanewise(VectorOperators.EXP);
                    FloatVector.broadcast(F, 1f).div(e.add(1f)).intoArray(y, i);
                }
                break;
            default:
                ops.sigmoid(x, 0, y, 0, N);
        }
        return y;
    }

    @Benchmark
    public float[] exp() {
        switch (impl) {
            case "naive":
                for (int i = 0; i < N; i++) {
                    y[i] = (float) Math.exp(x[i]);
                }
                break;
            case "jdk":
                for (int i = 0; i < N; i += F.length()) {
                    FloatVector.fromArray(F, x, i).lanewise(VectorOperators.EXP).intoArray(y, i);
                }
                break;
            default:
                ops.exp(x, 0, y, 0, N);
        }
        return y;
    }

    /** vector and jdk are the same code here: the engine's log IS the JDK's lanewise LOG */
    @Benchmark
    public float[] log() {
        switch (impl) {
            case "naive":
                for (int i = 0; i < N; i++) {
                    y[i] = (float) Math.log(pos[i]);
                }
                break;
            case "jdk":
                for (int i = 0; i < N; i += F.length()) {
                    FloatVector.fromArray(F, pos, i).lanewise(VectorOperators.LOG).intoArray(y, i);
                }
                break;
            default:
                ops.log(pos, 0, y, 0, N);
        }
        return y;
    }

    /** backward from the saved output: dx += dy (1 - y^2); naive and jdk run the scalar spec */
    @Benchmark
    public float[] tanhBackward() {
        ("vector".equals(impl) ? ops : Kernels.scalar().ops()).tanhBackward(x, 0, dy, 0, dx, 0, N);
        return dx;
    }
}
