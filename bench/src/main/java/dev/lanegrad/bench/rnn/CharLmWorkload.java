package dev.lanegrad.bench.rnn;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.Embedding;
import dev.lanegrad.models.nn.LSTM;
import dev.lanegrad.models.nn.Linear;
import dev.lanegrad.models.optim.Adam;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * LM: one full training step of the char-LM as a user writes it: Embedding(65, 128) -> 2-layer LSTM 512
 * -> Linear(65), cross-entropy over all B*T positions, backward, Adam, zeroGrad; time-major tokens
 * [T=64, B=32] (bench_rnn.py's CharLM, same sizes).
 */
final class CharLmWorkload {

    static final int VOCAB = 65;

    private CharLmWorkload() {
    }

    static Workload create() {
        BenchCase c = BenchCase.LM;
        Embedding embed = new Embedding(VOCAB, c.input, 1);
        LSTM lstm = LSTM.builder(c.input, c.hidden).numLayers(2).seed(2).build();
        Linear head = new Linear(c.hidden, VOCAB, true, 3);
        List<Tensor> params = new ArrayList<>(embed.parameters());
        params.addAll(lstm.parameters());
        params.addAll(head.parameters());
        Adam adam = new Adam(params, 2e-3f);
        SplittableRandom random = new SplittableRandom(4);
        int n = c.steps * c.batch;
        int[] tokens = new int[n];
        int[] targets = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = random.nextInt(VOCAB);
            targets[i] = random.nextInt(VOCAB);
        }
        Tape tape = new Tape();
        return () -> {
            Tensor h = lstm.forward(embed.forward(tokens, c.steps, c.batch)).output();
            Tensor logits = Ops.reshape(head.forward(h), n, VOCAB);
            Tensor loss = Ops.crossEntropy(logits, targets);
            tape.backward(loss);
            adam.step();
            adam.zeroGrad();
            float value = loss.item();
            tape.reset();
            return value;
        };
    }
}
