package dev.lanegrad.spark.train;

import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.Module;
import dev.lanegrad.models.nn.State;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.charlm.CharLanguageModel;
import dev.lanegrad.tasks.data.LmBatcher;
import dev.lanegrad.tasks.data.TokenBatch;

/**
 * The char-LM's shard of a step. The partition holds b contiguous streams of the training text (its block: streams
 * {@code k*b ... (k+1)*b - 1} of the global batch's K*b, as {@link LmBatcher}'s sequential mode cuts them), and step
 * s reads window {@code s mod passes} of each, from the state its streams ended the previous step with (the
 * driver sends it back; zeros at the start of a pass). It returns its streams' final state (h, then c for an
 * LSTM, layer-major) for the next step: truncated BPTT exactly as one process carries the state of all K*b streams.
 */
public record CharLmShardModel(RnnMode cell, int vocabSize, int embed, int hidden, int layers, long seed, int seqLen,
                               int batchPerPartition) implements ShardModel<int[], float[]> {

    public CharLanguageModel.Config config() {
        return new CharLanguageModel.Config(cell, vocabSize, embed, hidden, layers, 0f);
    }

    @Override
    public CharLanguageModel build() {
        return new CharLanguageModel(config(), seed);
    }

    @Override
    public Forward forward(Module replica, int[] block, long step, float[] carried) {
        CharLanguageModel m = (CharLanguageModel) replica;
        int b = batchPerPartition;
        LmBatcher batcher = new LmBatcher(block, seqLen, b, LmBatcher.Mode.SEQUENTIAL, 0L);
        batcher.skip(step % batcher.batchesPerPass());
        TokenBatch batch = batcher.next();
        State state = m.zeroState(b);
        if (carried != null && !batch.startOfPass()) {
            read(state, carried);
        }
        CharLanguageModel.Output out = m.forward(batch.inputs(), seqLen, b, state);
        Tensor loss = CharLanguageModel.loss(out.logits(), batch.targets());
        return new Forward() {
            @Override
            public Tensor loss() {
                return loss;
            }

            @Override
            public float[] output() {
                return write(out.recurrent().detachedState(state));
            }
        };
    }

    /** h then c (if any) as one vector. */
    static float[] write(State s) {
        Tensor h = s.h();
        Tensor c = s.c();
        float[] v = new float[h.size() + (c == null ? 0 : c.size())];
        System.arraycopy(h.data(), h.offset(), v, 0, h.size());
        if (c != null) {
            System.arraycopy(c.data(), c.offset(), v, h.size(), c.size());
        }
        return v;
    }

    static void read(State s, float[] v) {
        Tensor h = s.h();
        Tensor c = s.c();
        int n = h.size() + (c == null ? 0 : c.size());
        if (v.length != n) {
            throw new IllegalArgumentException("a carried state of " + v.length + " values, expected " + n);
        }
        System.arraycopy(v, 0, h.data(), h.offset(), h.size());
        if (c != null) {
            System.arraycopy(v, h.size(), c.data(), c.offset(), c.size());
        }
    }
}
