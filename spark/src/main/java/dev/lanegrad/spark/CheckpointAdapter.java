package dev.lanegrad.spark;

import dev.lanegrad.io.Json;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.spark.score.CharLmScorer;
import dev.lanegrad.spark.score.ForecastScorer;
import dev.lanegrad.spark.score.RecurrentStackScorer;
import dev.lanegrad.spark.score.SequenceModel;
import dev.lanegrad.spark.score.TextClassifierScorer;
import dev.lanegrad.tasks.charlm.CharLmCheckpoint;
import dev.lanegrad.tasks.classify.TextClassifier;
import dev.lanegrad.tasks.forecast.Forecaster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The ONE place that knows the checkpoint formats of models and tasks: it lays the broadcast bytes out as the
 * file or folder they came from (in a private temporary folder, deleted once loaded) and calls the owners'
 * own loaders, so a change of the checkpoint-folder format touches this class only.
 *
 * <ul>
 *   <li>a single file: a recurrent stack saved by {@code RecurrentLayer.save} ({@code module} LSTM, GRU or RNN in its metadata);</li>
 *   <li>a folder whose config.json says {@code "task": "forecast"}: {@link Forecaster#load};</li>
 *   <li>a folder whose config.json says {@code "task": "classify"}: {@link TextClassifier#load};</li>
 *   <li>a char-LM folder of {@code lanegrad train} (config.json {@code "module": "CharLanguageModel"}, or
 *       {@code "task": "charlm"}): {@link CharLmCheckpoint#load}.</li>
 * </ul>
 */
public final class CheckpointAdapter {

    private CheckpointAdapter() {
    }

    /** Loads the model the bytes hold (eval mode). */
    public static SequenceModel load(ModelBytes bytes) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("lanegrad-model-" + bytes.sha256().substring(0, 12));
            for (Map.Entry<String, byte[]> f : bytes.files().entrySet()) {
                Path p = dir.resolve(f.getKey()).normalize();
                if (!p.getParent().equals(dir)) {
                    throw new IllegalArgumentException("model file name " + f.getKey() + " is not a plain file name");
                }
                Files.write(p, f.getValue());
            }
            if (!bytes.isFolder()) {
                return new RecurrentStackScorer(RecurrentLayer.load(dir.resolve(bytes.files().keySet().iterator().next())));
            }
            String task = task(bytes);
            return switch (task) {
                case "forecast" -> new ForecastScorer(Forecaster.load(dir));
                case "classify" -> new TextClassifierScorer(TextClassifier.load(dir));
                case "charlm" -> {
                    CharLmCheckpoint.Loaded lm = CharLmCheckpoint.load(dir);
                    yield new CharLmScorer(lm.model(), lm.vocabulary());
                }
                default -> throw new IllegalArgumentException("checkpoint folder with \"task\": \"" + task + "\": the Spark "
                        + "scorer takes forecast, classify and char-LM folders, or a recurrent layer's .safetensors file");
            };
        } catch (IOException e) {
            throw new UncheckedIOException("loading " + bytes + ": " + e.getMessage(), e);
        } finally {
            if (dir != null) {
                deleteQuietly(dir);
            }
        }
    }

    /** The "task" of config.json, or an error naming what is there instead. */
    private static String task(ModelBytes bytes) {
        byte[] config = bytes.files().get("config.json");
        if (config == null) {
            throw new IllegalArgumentException("model " + bytes + " has no config.json; expected a checkpoint folder written by "
                    + "`lanegrad forecast` or `lanegrad classify`, or a recurrent layer's .safetensors file");
        }
        Map<String, Object> json = Json.parseObject(new String(config, java.nio.charset.StandardCharsets.UTF_8));
        Object task = json.get("task");
        if (task == null && "CharLanguageModel".equals(json.get("module"))) {
            return "charlm"; // `lanegrad train` folders name their module, not a task
        }
        if (!(task instanceof String s)) {
            throw new IllegalArgumentException("model " + bytes + ": config.json has no \"task\" string (found " + task + ")");
        }
        return s;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind costs disk only; the model is already in memory
        }
    }
}
