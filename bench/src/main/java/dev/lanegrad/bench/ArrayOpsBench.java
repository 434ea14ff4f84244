package dev.lanegrad.bench;

import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Elementwise kernels, reductions and the softmax family, scalar specification vs Vector API, in ns
 * per call: n = 4096 floats for the elementwise ones and reductions; (rows, cols) = (32, 1024) for
 * softmax and the fused cross-entropy (a language model's output layer at batch 32).
 *
 * Run: ./lanegrad jmh -- ArrayOpsBench -f 1 -wi 3 -i 5 -prof gc
 */
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ArrayOpsBench extends JmhDefaults {

    static final int N = 4096;
    static final int ROWS = 32;
    static final int COLS = 1024;

    @Param({"scalar", "vector"})
    public String impl;

    private ArrayOps ops;
    private float[] a;
    private float[] b;
    private float[] out;
    private float[] logits;
    private float[] probs;
    private float[] dLogits;
    private int[] target;

    @Setup
    public void setup() {
        ops = "scalar".equals(impl) ? Kernels.scalar().ops() : vector().ops();
        Random r = new Random(3);
        a = new float[N];
        b = new float[N];
        out = new float[N];
        for (int i = 0; i < N; i++) {
            a[i] = r.nextFloat() - 0.5f;
            b[i] = r.nextFloat() - 0.5f;
        }
        logits = new float[ROWS * COLS];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (r.nextGaussian() * 4);
        }
        probs = new float[ROWS * COLS];
        dLogits = new float[ROWS * COLS];
        target = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            target[i] = r.nextInt(COLS);
        }
    }

    @Benchmark
    public float[] add() {
        ops.add(a, 0, b, 0, out, 0, N);
        return out;
    }

    /** out += 1e-3 a: grows slowly, stays far from overflow */
    @Benchmark
    public float[] axpy() {
        ops.axpy(1e-3f, a, 0, out, 0, N);
        return out;
    }

    @Benchmark
    public float dot() {
        return ops.dot(a, 0, b, 0, N);
    }

    @Benchmark
    public float sum() {
        return ops.sum(a, 0, N);
    }

    @Benchmark
    public float max() {
        return ops.max(a, 0, N);
    }

    @Benchmark
    public float[] softmaxRows() {
        ops.softmaxRows(logits, 0, probs, 0, ROWS, COLS);
        return probs;
    }

    @Benchmark
    public float[] logSoftmaxRows() {
        ops.logSoftmaxRows(logits, 0, probs, 0, ROWS, COLS);
        return probs;
    }

    @Benchmark
    public double softmaxCrossEntropy() {
        return ops.softmaxCrossEntropy(logits, 0, ROWS, COLS, target, 0, -100, null, 0, dLogits, 0, 1f / ROWS);
    }
}
