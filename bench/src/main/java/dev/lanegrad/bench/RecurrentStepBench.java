package dev.lanegrad.bench;

import dev.lanegrad.engine.Kernels;
import dev.lanegrad.engine.RecurrentKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The fused pointwise part of one recurrent step, scalar specification vs Vector API, in us per
 * step. The forward kernels overwrite their gate buffer in place, so from the second call on they
 * work on activations (values in (-1, 1)) instead of fresh pre-activations: the same instructions,
 * without a 128 KiB copy per call distorting the figure.
 *
 * Run: ./lanegrad jmh -- RecurrentStepBench -f 1 -wi 3 -i 5 -prof gc
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RecurrentStepBench extends JmhDefaults {

    @Param({"scalar", "vector"})
    public String impl;

    @Param({"32"})
    public int batch;

    @Param({"256"})
    public int hidden;

    private RecurrentKernels k;
    private float[] gates4;
    private float[] gates3;
    private float[] gh;
    private float[] cPrev;
    private float[] c;
    private float[] h;
    private float[] dh;
    private float[] dc;
    private float[] dGates4;
    private float[] dGatesX;
    private float[] dGatesH;
    private float[] dhPrev;
    private float[] saved4;
    private float[] saved3;

    private static float[] gauss(Random r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    @Setup
    public void setup() {
        k = "scalar".equals(impl) ? Kernels.scalar().recurrent() : vector().recurrent();
        Random r = new Random(7);
        int bh = batch * hidden;
        gates4 = gauss(r, 4 * bh, 2);
        gates3 = gauss(r, 3 * bh, 2);
        gh = gauss(r, 3 * bh, 1);
        cPrev = gauss(r, bh, 1);
        c = new float[bh];
        h = new float[bh];
        dh = gauss(r, bh, 1);
        dc = gauss(r, bh, 1);
        dGates4 = new float[4 * bh];
        dGatesX = new float[3 * bh];
        dGatesH = new float[3 * bh];
        dhPrev = new float[bh];
        // activations for the backward benchmarks
        saved4 = gates4.clone();
        k.lstmForward(batch, hidden, saved4, 0, cPrev, 0, hidden, c, 0, hidden, h, 0, hidden);
        saved3 = gates3.clone();
        k.gruForward(batch, hidden, saved3, 0, gh, 0, cPrev, 0, hidden, h, 0, hidden);
    }

    @Benchmark
    public float[] lstmForward() {
        k.lstmForward(batch, hidden, gates4, 0, cPrev, 0, hidden, c, 0, hidden, h, 0, hidden);
        return h;
    }

    /** dc is overwritten with dc * f each call: bounded, since f < 1 */
    @Benchmark
    public float[] lstmBackward() {
        k.lstmBackward(batch, hidden, saved4, 0, cPrev, 0, hidden, c, 0, hidden, dh, 0, hidden, dc, 0, hidden, dGates4, 0);
        return dGates4;
    }

    @Benchmark
    public float[] gruForward() {
        k.gruForward(batch, hidden, gates3, 0, gh, 0, cPrev, 0, hidden, h, 0, hidden);
        return h;
    }

    /** dhPrev accumulates dh * z each call; it grows linearly, far from overflow within a run */
    @Benchmark
    public float[] gruBackward() {
        k.gruBackward(batch, hidden, saved3, 0, gh, 0, cPrev, 0, hidden, dh, 0, hidden, dGatesX, 0, dGatesH, 0, dhPrev, 0, hidden);
        return dGatesX;
    }

    @Benchmark
    public float[] rnnTanhForward() {
        k.rnnForward(batch, hidden, false, gates3, 0, h, 0, hidden);
        return h;
    }
}
