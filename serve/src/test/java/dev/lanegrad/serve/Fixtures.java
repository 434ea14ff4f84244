package dev.lanegrad.serve;

import dev.lanegrad.models.nn.GRU;
import dev.lanegrad.models.nn.LSTM;
import dev.lanegrad.models.nn.RNN;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.charlm.CharLanguageModel;
import dev.lanegrad.tasks.charlm.CharLmCheckpoint;
import dev.lanegrad.tasks.classify.ClassifierModel;
import dev.lanegrad.tasks.classify.ClassifyConfig;
import dev.lanegrad.tasks.classify.TextClassifier;
import dev.lanegrad.tasks.data.CharVocabulary;
import dev.lanegrad.tasks.data.Scaler;
import dev.lanegrad.tasks.data.WordVocabulary;
import dev.lanegrad.tasks.forecast.ForecastConfig;
import dev.lanegrad.tasks.forecast.ForecastModel;
import dev.lanegrad.tasks.forecast.Forecaster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Small checkpoints of every kind the project writes, saved the way the project saves them. */
final class Fixtures {

    static final int IN = 5;
    static final int HIDDEN = 12;
    static final String TEXT = "to be or not to be, that is the question\n";

    private Fixtures() {
    }

    static RecurrentLayer stack(String cell, int layers, boolean bidirectional) {
        return switch (cell) {
            case "lstm" -> LSTM.builder(IN, HIDDEN).numLayers(layers).bidirectional(bidirectional).seed(11).build();
            case "gru" -> GRU.builder(IN, HIDDEN).numLayers(layers).bidirectional(bidirectional).seed(12).build();
            default -> RNN.builder(IN, HIDDEN).numLayers(layers).bidirectional(bidirectional).seed(13).build();
        };
    }

    static Path saveStack(Path dir, String cell, int layers, boolean bidirectional) throws IOException {
        Path f = dir.resolve(cell + (bidirectional ? "-bi" : "") + ".safetensors");
        stack(cell, layers, bidirectional).save(f);
        return f;
    }

    static Path charLm(Path dir) throws IOException {
        CharVocabulary v = CharVocabulary.of(TEXT);
        CharLanguageModel m = new CharLanguageModel(
                new CharLanguageModel.Config(RnnMode.LSTM, v.size(), 6, 10, 2, 0f), 5L);
        Path d = dir.resolve("lm");
        CharLmCheckpoint.save(d, m, v, null, 0, Double.NaN);
        return d;
    }

    static Path forecaster(Path dir) throws IOException {
        ForecastConfig cfg = ForecastConfig.builder().cell(RnnMode.GRU).window(6).horizon(2).hidden(8).layers(1).build();
        Forecaster f = new Forecaster(new ForecastModel(cfg.cell(), cfg.hidden(), cfg.layers(), 0f, cfg.horizon(), 7L), cfg,
                new Scaler(Scaler.Kind.STANDARD, 3.0, 2.0));
        Path d = dir.resolve("forecast");
        f.save(d);
        return d;
    }

    static Path classifier(Path dir) throws IOException {
        ClassifyConfig cfg = ClassifyConfig.builder().cell(RnnMode.LSTM).embedding(6).hidden(8).dropout(0f).build();
        WordVocabulary v = WordVocabulary.build(List.of(List.of("good", "bad", "film", "plot")), 1, 0);
        TextClassifier c = new TextClassifier(new ClassifierModel(cfg, v.size(), 2), cfg, v, List.of("neg", "pos"));
        Path d = dir.resolve("classify");
        c.save(d);
        return d;
    }

    /** T steps of IN random values, row-major. */
    static float[] steps(Random r, int t) {
        float[] x = new float[t * IN];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** The same steps as the JSON a client sends: [[...], ...]. */
    static String stepsJson(float[] x) {
        StringBuilder sb = new StringBuilder("[");
        for (int t = 0; t < x.length / IN; t++) {
            sb.append(t > 0 ? "," : "").append('[');
            for (int i = 0; i < IN; i++) {
                sb.append(i > 0 ? "," : "").append(x[t * IN + i]);
            }
            sb.append(']');
        }
        return sb.append(']').toString();
    }
}
