package dev.lanegrad.serve;

import dev.lanegrad.io.Json;
import dev.lanegrad.io.SafeTensors;
import dev.lanegrad.models.nn.RecurrentLayer;
import dev.lanegrad.tasks.charlm.CharLmCheckpoint;
import dev.lanegrad.tasks.classify.TextClassifier;
import dev.lanegrad.tasks.forecast.Forecaster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The ONE place that knows the checkpoints the project writes, and which served model each becomes:
 * <ul>
 *   <li>a {@code .safetensors} file of a bare stack ({@code module} LSTM / GRU / RNN in its metadata,
 *       written by {@code layer.save}) -> {@link StackModel};</li>
 *   <li>a folder whose {@code config.json} says {@code "task": "forecast"} or {@code "classify"} ->
 *       {@link ForecastServed} / {@link ClassifierServed} (loaded by the task's own {@code load});</li>
 *   <li>a folder (or its {@code model.safetensors}) written by {@code lanegrad train} -> {@link CharLmModel};</li>
 *   <li>a folder holding only a stack's {@code model.safetensors} -> {@link StackModel}.</li>
 * </ul>
 * When the tasks' checkpoint-folder format changes, only this class changes.
 */
public final class ModelLoader {

    static final String WEIGHTS = "model.safetensors";
    static final String CONFIG = "config.json";
    private static final Set<String> STACKS = Set.of("LSTM", "GRU", "RNN");

    private ModelLoader() {
    }

    /** Loads the checkpoint at path (a folder or a safetensors file) as a model called name. */
    public static ServedModel load(String name, Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("checkpoint " + path + ": no such folder or file (expected a checkpoint "
                    + "folder written by lanegrad, or a .safetensors file of an LSTM / GRU / RNN)");
        }
        if (Files.isDirectory(path)) {
            String task = task(path);
            if ("forecast".equals(task)) {
                return new ForecastServed(name, Forecaster.load(path));
            }
            if ("classify".equals(task)) {
                return new ClassifierServed(name, TextClassifier.load(path));
            }
            Path weights = path.resolve(WEIGHTS);
            if (Files.isRegularFile(weights) && isStack(weights)) {
                return new StackModel(name, RecurrentLayer.load(weights));
            }
            return charLm(name, path);
        }
        if (isStack(path)) {
            return new StackModel(name, RecurrentLayer.load(path));
        }
        return charLm(name, path);
    }

    private static ServedModel charLm(String name, Path path) throws IOException {
        CharLmCheckpoint.Loaded l = CharLmCheckpoint.load(path);
        return new CharLmModel(name, l.model(), l.vocabulary());
    }

    private static boolean isStack(Path file) throws IOException {
        String module = SafeTensors.readHeader(file).metadata().get("module");
        return module != null && STACKS.contains(module);
    }

    /** The "task" of the folder's config.json, or null (no config, or none named). */
    private static String task(Path dir) throws IOException {
        Path config = dir.resolve(CONFIG);
        if (!Files.isRegularFile(config)) {
            return null;
        }
        Map<String, Object> m;
        try {
            m = Json.parseObject(Files.readString(config, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + CONFIG + " is damaged (" + e.getMessage() + ")");
        }
        return m.get("task") instanceof String s ? s : null;
    }

    /** A name for a model loaded from path when none is given: the folder's or file's name without extension. */
    public static String defaultName(Path path) {
        String n = path.toAbsolutePath().normalize().getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
