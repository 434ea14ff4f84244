package dev.lanegrad.spark;

import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.State;
import dev.lanegrad.models.optim.GradClip;
import dev.lanegrad.models.optim.LrSchedule;
import dev.lanegrad.models.optim.Optimizer;
import dev.lanegrad.spark.train.DataParallelCharLm;
import dev.lanegrad.spark.train.ParameterVector;
import dev.lanegrad.tasks.GradientShards;
import dev.lanegrad.tasks.charlm.CharLanguageModel;
import dev.lanegrad.tasks.charlm.CharLmCheckpoint;
import dev.lanegrad.tasks.charlm.CharLmTrainer;
import dev.lanegrad.tasks.charlm.TrainingConfig;
import dev.lanegrad.tasks.data.CharVocabulary;
import dev.lanegrad.tasks.data.LmBatcher;
import dev.lanegrad.tasks.data.TokenBatch;
import dev.lanegrad.tasks.data.TokenSplit;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The char-LM trained on 2 partitions against one process: the same bits, and a checkpoint `sample` and `eval` load. */
class DataParallelCharLmTest {

    /** 2 layers of LSTM (h and c carried), 2 x 4 streams of 16 characters, passes of 3 windows: 6 steps cross a pass. */
    private static final TrainingConfig CONFIG = TrainingConfig.defaults().toBuilder().cell("lstm").embed(8).hidden(12).layers(2)
            .dropout(0f).seqLen(16).batch(8).lr(3e-3f).minLr(3e-4f).warmupSteps(2).clip(0.5f).steps(6).seconds(0)
            .valFrac(0.1).valEvery(3).build();
    private static final int K = 2;

    @TempDir
    Path dir;

    @Test
    void twoPartitionsAtBatch4EqualOneProcessAtBatch8InTwoShardsAndTheCheckpointLoads() throws Exception {
        String text = text(500);
        Path out = dir.resolve("charlm");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(LocalSpark.session().sparkContext());
        DataParallelCharLm.Result r = DataParallelCharLm.train(jsc, text, CONFIG, K, out, null);

        assertArrayEquals(oneProcess(text, CONFIG, K), r.parameters(), "2 partitions x 4 streams against one process in 2 shards");

        // what `./lanegrad sample` and `eval` load: the weights of the last step, its vocabulary, step and held-out loss
        CharLmCheckpoint.Loaded loaded = CharLmCheckpoint.load(out);
        assertArrayEquals(r.parameters(), ParameterVector.values(loaded.model().parameters()));
        assertEquals(r.vocabulary(), loaded.vocabulary());
        assertEquals(6, loaded.step());
        int[] validation = TokenSplit.tail(r.vocabulary().encode(text), CONFIG.valFrac()).validation();
        assertEquals(r.validationLoss(), loaded.model().evaluate(validation).loss());
    }

    @Test
    void oneShardIsTheTrainerOfLanegradTrainBitForBit() throws Exception {
        // no Spark here: the reference loop above, at one shard, is `lanegrad train`'s own trainer (CharLmTrainer)
        TrainingConfig c = CONFIG.toBuilder().valEvery(100).build(); // validated once, at the end: its best = its last
        String text = text(500);
        CharLmTrainer trainer = new CharLmTrainer(c, text);
        trainer.fit(null, null);
        assertArrayEquals(oneProcess(text, c, 1), ParameterVector.values(trainer.model().parameters()));
    }

    @Test
    void settingsASynchronousRunCannotKeepAreRefused() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(LocalSpark.session().sparkContext());
        for (TrainingConfig bad : List.of(CONFIG.toBuilder().dropout(0.1f).build(), CONFIG.toBuilder().batching("random").build(),
                CONFIG.toBuilder().seconds(60).build(), CONFIG.toBuilder().batch(7).build())) {
            assertThrows(IllegalArgumentException.class, () -> DataParallelCharLm.train(jsc, text(500), bad, K, null, null));
        }
    }

    /**
     * One process: the text's vocabulary and held-out tail, the sequential batcher at batch K*b, each step's gradient
     * in {@code shards} gradient shards (shard k: streams k*b ... (k+1)*b - 1, each with its carried state), the
     * config's optimizer, schedule and clipping.
     */
    static float[] oneProcess(String text, TrainingConfig config, int shards) {
        CharVocabulary vocabulary = CharVocabulary.of(text);
        TokenSplit split = TokenSplit.tail(vocabulary.encode(text), config.valFrac());
        CharLanguageModel model = new CharLanguageModel(config.modelConfig(vocabulary.size()), config.seed());
        List<Tensor> params = model.parameters();
        Optimizer optimizer = config.newOptimizer(params);
        LrSchedule schedule = config.learningRates();
        int t = config.seqLen();
        int batch = config.batch();
        int b = batch / shards;
        LmBatcher batcher = new LmBatcher(split.train(), t, batch, LmBatcher.Mode.SEQUENTIAL, config.seed());
        GradientShards gradients = new GradientShards(params, shards);
        State[] states = new State[shards];
        CharLanguageModel.Output[] outs = new CharLanguageModel.Output[shards];
        for (int k = 0; k < shards; k++) {
            states[k] = model.zeroState(b);
        }
        model.train(true);
        try (Tape tape = new Tape()) {
            for (long s = 0; s < config.steps(); s++) {
                TokenBatch tb = batcher.next();
                if (tb.startOfPass()) {
                    for (State st : states) {
                        st.reset();
                    }
                }
                optimizer.setLearningRate(schedule.rate(s));
                gradients.compute(tape, new GradientShards.Batch() {
                    @Override
                    public Tensor loss(int k) {
                        int[] ids = new int[t * b];
                        int[] targets = new int[t * b];
                        for (int i = 0; i < t; i++) {
                            for (int j = 0; j < b; j++) {
                                ids[i * b + j] = tb.input(i, k * b + j);
                                targets[i * b + j] = tb.target(i, k * b + j);
                            }
                        }
                        outs[k] = model.forward(ids, t, b, states[k]);
                        return CharLanguageModel.loss(outs[k].logits(), targets);
                    }

                    @Override
                    public void afterBackward(int k) {
                        outs[k].recurrent().detachedState(states[k]);
                    }
                });
                GradClip.byGlobalNorm(params, config.clip());
                optimizer.step();
                optimizer.zeroGrad();
            }
        }
        return ParameterVector.values(params);
    }

    /** Seeded pseudo-English of n characters. */
    static String text(int n) {
        String[] words = {"the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "far", "away"};
        SplittableRandom r = new SplittableRandom(17);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < n) {
            sb.append(words[r.nextInt(words.length)]).append(r.nextInt(8) == 0 ? ".\n" : " ");
        }
        return sb.substring(0, n);
    }
}
