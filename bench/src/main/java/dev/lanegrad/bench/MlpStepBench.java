package dev.lanegrad.bench;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.engine.ArrayOps;
import dev.lanegrad.engine.Gemm;
import dev.lanegrad.engine.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One training step of a 2-layer MLP of fixed shape (forward, backward, SGD update, tape reset):
 * x [batch, in] -> linear(in, hidden) -> relu -> linear(hidden, classes) -> cross-entropy.
 *
 * What it guards: the tape's workspace is reused after reset, so a steady step allocates only the
 * small Tensor and node objects. Run with {@code -prof gc} and read gc.alloc.rate.norm (bytes per
 * step); the budget is 1 KB. {@link #kernelsOnly()} makes the same engine calls on plain arrays
 * without the tape: the difference between the two is autograd's overhead, in time and in bytes.
 * Measured (JDK 17 and 25, 2 shared cores): trainStep 1226 B/step, kernelsOnly 803 B/step, so the
 * tape itself costs ~423 B/step (the Tensor and node objects of 5 ops); the engine's 803 B come from
 * its argument checks building description strings on every call (Checks.matrix), not from buffers.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Measurement(iterations = 3, time = 1)
public class MlpStepBench extends JmhDefaults {

    @Param({"32"})
    int batch;
    @Param({"64"})
    int in;
    @Param({"128"})
    int hidden;
    @Param({"10"})
    int classes;

    private Tensor x;
    private int[] targets;
    private Tensor w1;
    private Tensor b1;
    private Tensor w2;
    private Tensor b2;
    private List<Tensor> parameters;
    private Tape tape;

    @Setup(Level.Trial)
    public void setUp() {
        x = Tensor.normal(0f, 1f, 1, batch, in);
        targets = new int[batch];
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < batch; i++) {
            targets[i] = random.nextInt(classes);
        }
        float s1 = (float) (1 / Math.sqrt(in)), s2 = (float) (1 / Math.sqrt(hidden));
        w1 = Tensor.uniform(-s1, s1, 3, hidden, in).requiresGrad(true).named("w1");
        b1 = Tensor.uniform(-s1, s1, 4, hidden).requiresGrad(true).named("b1");
        w2 = Tensor.uniform(-s2, s2, 5, classes, hidden).requiresGrad(true).named("w2");
        b2 = Tensor.uniform(-s2, s2, 6, classes).requiresGrad(true).named("b2");
        parameters = List.of(w1, b1, w2, b2);
        tape = new Tape(); // this benchmark thread's current tape
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tape.close();
    }

    // plain buffers for kernelsOnly
    private float[] h;
    private float[] logits;
    private float[] dLogits;
    private float[] dh;

    @Setup(Level.Trial)
    public void setUpKernels() {
        h = new float[batch * hidden];
        dh = new float[batch * hidden];
        logits = new float[batch * classes];
        dLogits = new float[batch * classes];
    }

    @Benchmark
    public float trainStep() {
        Tensor h = Ops.relu(Ops.linear(x, w1, b1));
        Tensor loss = Ops.crossEntropy(Ops.linear(h, w2, b2), targets);
        tape.backward(loss);
        float value = loss.item();
        ArrayOps ops = Kernels.ops();
        for (int i = 0; i < parameters.size(); i++) {
            Tensor p = parameters.get(i);
            ops.axpy(-0.01f, p.grad(), p.gradOffset(), p.data(), p.offset(), p.size());
            p.zeroGrad();
        }
        tape.reset();
        return value;
    }

    /** The same step written directly against the engine (what the tape adds nothing to). */
    @Benchmark
    public float kernelsOnly() {
        Gemm gemm = Kernels.gemm();
        ArrayOps ops = Kernels.ops();
        float[] xd = x.data(), w1d = w1.data(), b1d = b1.data(), w2d = w2.data(), b2d = b2.data();
        float[] gw1 = w1.grad(), gb1 = b1.grad(), gw2 = w2.grad(), gb2 = b2.grad();
        // forward: h = relu(x w1^T + b1), logits = h w2^T + b2, loss = CE
        gemm.sgemm(false, true, batch, hidden, in, 1f, xd, 0, in, w1d, 0, in, 0f, h, 0, hidden);
        ops.addRowBias(h, 0, batch, hidden, hidden, b1d, 0);
        ops.relu(h, 0, h, 0, batch * hidden);
        gemm.sgemm(false, true, batch, classes, hidden, 1f, h, 0, hidden, w2d, 0, hidden, 0f, logits, 0, classes);
        ops.addRowBias(logits, 0, batch, classes, classes, b2d, 0);
        float value = (float) (ops.softmaxCrossEntropy(logits, 0, batch, classes, targets, 0, -100, null, 0,
                dLogits, 0, 1f / batch) / batch);
        // backward
        gemm.sgemm(true, false, classes, hidden, batch, 1f, dLogits, 0, classes, h, 0, hidden, 1f, gw2, 0, hidden);
        ops.addColumnSums(dLogits, 0, batch, classes, classes, gb2, 0);
        gemm.sgemm(false, false, batch, hidden, classes, 1f, dLogits, 0, classes, w2d, 0, hidden, 0f, dh, 0, hidden);
        for (int i = 0; i < batch * hidden; i++) {
            dh[i] = h[i] > 0f ? dh[i] : 0f;
        }
        gemm.sgemm(true, false, hidden, in, batch, 1f, dh, 0, hidden, xd, 0, in, 1f, gw1, 0, in);
        ops.addColumnSums(dh, 0, batch, hidden, hidden, gb1, 0);
        // SGD
        for (int i = 0; i < parameters.size(); i++) {
            Tensor p = parameters.get(i);
            ops.axpy(-0.01f, p.grad(), p.gradOffset(), p.data(), p.offset(), p.size());
            p.zeroGrad();
        }
        return value;
    }
}
