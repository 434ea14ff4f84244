package dev.lanegrad.bench;

import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.Kernels;
import dev.lanegrad.engine.PrepackedGemm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The pair behind the recurrent step: h (m, k) . W_hh^T with W_hh (n, k) stored as PyTorch keeps it,
 * {@link #sgemm} (packs or gathers W_hh on every call) against {@link #prepacked} (packed once, as Rnn
 * does per direction), and {@link #pack}, the one-off cost. m = batch, n = G*H, k = H.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PrepackedGemmBench extends JmhDefaults {

    @Param({"1x1024x256", "16x1024x256", "32x1024x256", "64x1024x256", "64x4096x1024"})
    String shape;

    int m;
    int n;
    int k;
    float[] h;
    float[] w;
    float[] c;
    float[] packed;
    Gemm gemm;
    PrepackedGemm pg;

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        n = Integer.parseInt(p[1]);
        k = Integer.parseInt(p[2]);
        Random r = new Random(1);
        h = new float[m * k];
        w = new float[n * k];
        c = new float[m * n];
        for (int i = 0; i < h.length; i++) {
            h[i] = r.nextFloat() - 0.5f;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextFloat() - 0.5f;
        }
        gemm = Kernels.gemm();
        pg = (PrepackedGemm) gemm;
        packed = new float[pg.packedSize(k, n)];
        pg.pack(true, k, n, w, 0, k, packed, 0);
    }

    @Benchmark
    public float sgemm() {
        gemm.sgemm(false, true, m, n, k, 1f, h, 0, k, w, 0, k, 1f, c, 0, n);
        return c[0];
    }

    @Benchmark
    public float prepacked() {
        pg.multiply(m, n, k, 1f, h, 0, k, packed, 0, 1f, c, 0, n);
        return c[0];
    }

    @Benchmark
    public float pack() {
        pg.pack(true, k, n, w, 0, k, packed, 0);
        return packed[0];
    }
}
