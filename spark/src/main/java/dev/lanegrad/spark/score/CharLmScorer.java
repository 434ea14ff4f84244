package dev.lanegrad.spark.score;

import dev.lanegrad.autograd.Ops;
import dev.lanegrad.autograd.Tape;
import dev.lanegrad.autograd.Tensor;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.nn.RecurrentOutput;
import dev.lanegrad.tasks.charlm.CharLanguageModel;
import dev.lanegrad.tasks.data.CharVocabulary;

import java.util.List;

/**
 * A character language model's checkpoint (`lanegrad train`): each row a text, out the distribution of the
 * character that follows it (probabilities over the vocabulary, in id order) or the top layer's final state. The
 * texts of a batch run as one forward with their lengths (the packed path), each from a zero state.
 */
public final class CharLmScorer extends SequenceModel {

    private final CharLanguageModel model;
    private final CharVocabulary vocabulary;

    public CharLmScorer(CharLanguageModel model, CharVocabulary vocabulary) {
        super(Input.TEXT, 0, List.of(Output.PROBABILITIES, Output.HIDDEN));
        this.model = model;
        this.vocabulary = vocabulary;
        model.eval();
    }

    @Override
    protected Object[] scoreTexts(List<String> texts, Output output) {
        int b = texts.size();
        int[][] encoded = new int[b][];
        int[] lengths = new int[b];
        int steps = 0;
        for (int j = 0; j < b; j++) {
            encoded[j] = vocabulary.encode(texts.get(j));
            if (encoded[j].length == 0) {
                throw new IllegalArgumentException("an empty text, expected at least one character");
            }
            lengths[j] = encoded[j].length;
            steps = Math.max(steps, lengths[j]);
        }
        int[] ids = new int[steps * b]; // time-major; id 0 past a text's end (the packed path never reads it)
        for (int j = 0; j < b; j++) {
            for (int t = 0; t < lengths[j]; t++) {
                ids[t * b + j] = encoded[j][t];
            }
        }
        RecurrentLayer rnn = model.rnn();
        int h = rnn.hiddenSize();
        Object[] out = new Object[b];
        try (Tape tape = new Tape(); Tape.NoGrad ng = tape.noGrad()) {
            Tensor x = model.embedding().forward(ids, steps, b);
            RecurrentOutput r = rnn.forward(x, lengths);
            Tensor top = Ops.select(r.hn(), rnn.numLayers() - 1); // [B, H]
            float[] values = (output == Output.HIDDEN ? top : Ops.softmax(model.decoder().forward(top))).toArray();
            int w = output == Output.HIDDEN ? h : vocabulary.size();
            for (int j = 0; j < b; j++) {
                if (output == Output.HIDDEN) {
                    out[j] = java.util.Arrays.copyOfRange(values, j * w, (j + 1) * w);
                } else {
                    double[] p = new double[w];
                    for (int k = 0; k < w; k++) {
                        p[k] = values[j * w + k];
                    }
                    out[j] = p;
                }
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return "the character language model " + model;
    }
}
