import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The LM case of `lanegrad bench` on PyTorch 2.7.1 (libtorch CPU: MKL + oneDNN) through DJL 0.36.0, which
 * the shared peer harnesses do not have: one full training step of bench/pytorch/bench_rnn.py's CharLM,
 * Embedding(65, 128) -> 2-layer LSTM 512 -> Linear(65), cross-entropy over all T*B = 64 * 32 positions,
 * backward, Adam (lr 2e-3). Each op is libtorch's own: torch::embedding, torch::lstm (DJL's LSTM block),
 * torch::linear, log_softmax + gather + mean, and DJL's Adam update (libtorch ops per parameter, not
 * torch.optim.Adam's foreach kernels). Gradients are zeroed in place (DJL keeps the .grad tensors), where
 * bench_rnn.py sets them to None. Prints one JSON row in `lanegrad bench --compare`'s format.
 *
 * Usage (see run.sh): java -cp <DJL jars>:<the peer harness's classes>:. DjlCharLm THREADS MIN_SECONDS OUT.json [on|off]
 * (the last: torch.backends.mkldnn.enabled, through the peer harness's TorchNative; default: libtorch's own).
 */
public final class DjlCharLm {

    static final int VOCAB = 65, EMBED = 128, HIDDEN = 512, T = 64, B = 32;

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        double minSeconds = Double.parseDouble(args[1]);
        Engine engine = Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
        String mkldnn = args.length > 3 ? args[3] : "default";
        if (!mkldnn.equals("default")) {
            anchor.TorchNative.setMkldnnEnabled(mkldnn.equals("on"));
        }
        engine.setRandomSeed(0);
        try (NDManager base = NDManager.newBaseManager()) {
            LSTM lstm = LSTM.builder().setStateSize(HIDDEN).setNumLayers(2).optBatchFirst(false)
                    .optReturnState(false).build();
            float bound = (float) (1.0 / Math.sqrt(HIDDEN)); // PyTorch's defaults: LSTM and Linear U(-1/sqrt(fan), ..)
            lstm.setInitializer(new UniformInitializer(bound), Parameter.Type.WEIGHT);
            lstm.setInitializer(new UniformInitializer(bound), Parameter.Type.BIAS);
            lstm.initialize(base, DataType.FLOAT32, new Shape(T, B, EMBED));
            NDArray embedding = base.randomNormal(new Shape(VOCAB, EMBED)); // nn.Embedding: N(0, 1)
            NDArray weight = base.randomUniform(-bound, bound, new Shape(VOCAB, HIDDEN));
            NDArray bias = base.randomUniform(-bound, bound, new Shape(VOCAB));
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("embedding", embedding);
            for (var p : lstm.getParameters().values()) {
                params.put(p.getId(), p.getArray());
            }
            params.put("head.weight", weight);
            params.put("head.bias", bias);
            for (NDArray p : params.values()) {
                p.setRequiresGradient(true);
            }
            NDArray tokens = base.randomInteger(0, VOCAB, new Shape(T, B), DataType.INT64);
            NDArray targets = base.randomInteger(0, VOCAB, new Shape(T * B, 1), DataType.INT64);
            Adam adam = Adam.builder().optLearningRateTracker(Tracker.fixed(2e-3f)).build();
            ParameterStore store = new ParameterStore(base, false);
            float[] lastLoss = new float[1];
            Runnable step = () -> {
                for (NDArray p : params.values()) {
                    JniUtils.zeroGrad((PtNDArray) p);
                }
                try (NDManager sm = base.newSubManager(); GradientCollector gc = engine.newGradientCollector()) {
                    tokens.tempAttach(sm);
                    NDArray x = tokens.getNDArrayInternal().embedding(tokens, embedding, SparseFormat.DENSE).head();
                    NDArray h = lstm.forward(store, new NDList(x), true).head();
                    NDArray logits = h.getNDArrayInternal().linear(h, weight, bias).head().reshape(T * B, VOCAB);
                    NDArray loss = logits.logSoftmax(1).gather(targets, 1).mean().neg();
                    gc.backward(loss);
                    lastLoss[0] = loss.getFloat();
                }
                for (Map.Entry<String, NDArray> p : params.entrySet()) {
                    adam.update(p.getKey(), p.getValue(), p.getValue().getGradient());
                }
            };
            for (int i = 0; i < 3; i++) {
                step.run();
            }
            List<Long> times = new ArrayList<>();
            long start = System.nanoTime();
            while (times.size() < 10 || (System.nanoTime() - start) / 1e9 < minSeconds) {
                long t0 = System.nanoTime();
                step.run();
                times.add(System.nanoTime() - t0);
            }
            long[] t = times.stream().mapToLong(Long::longValue).sorted().toArray();
            double median = t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2.0;
            double tokensPerSecond = T * B / (median / 1e9);
            String row = String.format(java.util.Locale.ROOT,
                    "[{\"case\": \"LM\", \"cell\": \"lstm\", \"threads\": %d, \"value\": %.1f, \"unit\": \"tokens/s\","
                            + " \"reps\": %d, \"median_ms\": %.3f, \"p25_ms\": %.3f, \"p75_ms\": %.3f, \"loss\": %.4f,"
                            + " \"mkldnn\": %s, \"engine\": \"PyTorch %s via DJL %s\"}]%n",
                    threads, tokensPerSecond, t.length, median / 1e6, t[t.length / 4] / 1e6, t[3 * t.length / 4] / 1e6,
                    lastLoss[0], anchor.TorchNative.mkldnnEnabled(), engine.getVersion(), Engine.getDjlVersion());
            System.out.print(row);
            if (args.length > 2) {
                Files.writeString(Path.of(args[2]), row);
            }
        }
    }
}
