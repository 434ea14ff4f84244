package dev.lanegrad.tasks;

import dev.lanegrad.io.AtomicFile;

import dev.lanegrad.io.Checkpoint;
import dev.lanegrad.io.Json;
import dev.lanegrad.io.SafeTensors;
import dev.lanegrad.models.nn.Module;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one checkpoint-folder format of every task (char-LM, forecast, classify):
 * <ul>
 *   <li>{@value #WEIGHTS}: the weights under PyTorch's names (a plain state_dict: PyTorch's
 *       {@code load_state_dict(safetensors.torch.load_file(...))} takes it as it is), with the task and the
 *       {@code checkpoint_id} in its metadata (the char-LM also keeps its architecture and vocabulary there,
 *       so that file alone loads);</li>
 *   <li>{@value #CONFIG}: what rebuilds the model and maps its output back (sizes, scaler, labels,
 *       vocabulary, the training settings), with {@code "task"} and the same {@code checkpoint_id};</li>
 *   <li>{@value #VOCABULARY} for the word-level tasks;</li>
 *   <li>{@value #TRAINING} when the folder can resume a run exactly ({@link TrainingState}: the optimizer's
 *       moments under {@code optim.}, the schedule position, the random and data positions).</li>
 * </ul>
 * Every file is written to a temporary file and renamed into place, so an earlier checkpoint in the
 * folder is never half overwritten; every file carries the one random {@code checkpoint_id}, so a folder
 * mixing two saves is refused on load. Errors name the folder, the file and what was expected. Each task
 * has one public load for its folder: {@code CharLmCheckpoint.load(dir)}, {@code Forecaster.load(dir)},
 * {@code TextClassifier.load(dir)}.
 */
public final class CheckpointFolder {

    public static final String WEIGHTS = "model.safetensors";
    public static final String CONFIG = "config.json";
    public static final String VOCABULARY = "vocab.txt";
    public static final String TRAINING = "training.safetensors";
    public static final String ID = "checkpoint_id";

    private CheckpointFolder() {
    }

    /** A fresh id for one saved checkpoint. */
    public static String newId() {
        byte[] b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Saves the weights with the task name and id in the metadata (atomic). */
    public static void writeWeights(Path dir, Module model, String task, String id) throws IOException {
        writeWeights(dir, model, task, id, Map.of());
    }

    /** Saves the weights with the task name, the id and more metadata (atomic). */
    public static void writeWeights(Path dir, Module model, String task, String id, Map<String, String> more)
            throws IOException {
        Checkpoint c = model.stateDict();
        Map<String, String> meta = new java.util.LinkedHashMap<>(c.metadata());
        meta.putAll(more);
        meta.put("task", task);
        meta.put(ID, id);
        SafeTensors.write(dir.resolve(WEIGHTS), c.tensors().values(), meta);
    }

    /** Writes a text file atomically (temporary file in the same folder, flushed, renamed over the target). */
    public static void writeString(Path file, String text) throws IOException {
        AtomicFile.writeString(file, text);
    }

    /** The checkpoint folder, or an error when it is not one. */
    public static Path requireFolder(Path dir, String command) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("checkpoint " + dir + " is a file; expected the folder written by `lanegrad "
                    + command + "` (the one holding " + WEIGHTS + " and " + CONFIG + ")");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("checkpoint folder " + dir + " does not exist; expected a folder written by `lanegrad "
                    + command + "`");
        }
        return dir;
    }

    /** A file of the checkpoint as text; a missing file is named with what should be there. */
    public static String readString(Path dir, String name, String command) throws IOException {
        Path f = dir.resolve(name);
        if (Files.isDirectory(f)) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + name + " is a folder; expected a file written by `lanegrad "
                    + command + "`");
        }
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw missing(dir, name, command);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + name + " is damaged (not UTF-8 text)");
        }
    }

    /** config.json as a reader with named errors; the task must match. */
    public static Config readConfig(Path dir, String task, String command) throws IOException {
        String text = readString(dir, CONFIG, command);
        Map<String, Object> map;
        try {
            map = Json.parseObject(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + CONFIG + " is damaged (" + e.getMessage() + ")");
        }
        Config c = new Config(dir, map);
        String found = c.string("task");
        if (!found.equals(task)) {
            throw new IllegalArgumentException("checkpoint " + dir + " holds a " + found + " model, expected a " + task
                    + " model (written by `lanegrad " + command + "`)");
        }
        return c;
    }

    /**
     * Loads the weights into {@code model}: the file must be safetensors with exactly the model's tensors
     * and shapes, and the id of {@code config}.
     */
    public static void readWeights(Path dir, Module model, Config config, String command) throws IOException {
        Path f = dir.resolve(WEIGHTS);
        if (Files.isDirectory(f)) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + WEIGHTS + " is a folder; expected a safetensors file");
        }
        if (!Files.exists(f)) {
            throw missing(dir, WEIGHTS, command);
        }
        Checkpoint c;
        try {
            c = SafeTensors.read(f);
        } catch (IOException e) {
            if (e instanceof NoSuchFileException) {
                throw missing(dir, WEIGHTS, command);
            }
            throw new IllegalArgumentException("checkpoint " + dir + ": " + WEIGHTS + " is damaged (" + e.getMessage() + ")");
        }
        String id = c.metadata().get(ID);
        if (!config.string(ID).equals(id)) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + WEIGHTS + " (" + ID + " " + id + ") and " + CONFIG
                    + " (" + config.string(ID) + ") come from different runs; save the model again");
        }
        FiniteWeights.require(c);
        try {
            model.loadStateDict(c);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + WEIGHTS + " does not fit " + CONFIG + " ("
                    + e.getMessage() + ")");
        }
    }

    /** Writes the state a run resumes from ({@value #TRAINING}, atomic), with the checkpoint's id. */
    public static void writeTraining(Path dir, TrainingState state, String id) throws IOException {
        SafeTensors.write(dir.resolve(TRAINING), state.tensors(), state.metadata(id));
    }

    /**
     * The state to resume from, or null when the folder has none (a folder of weights only, or written
     * before exact resume existed); its id must be the config's.
     */
    public static TrainingState readTraining(Path dir, String id) throws IOException {
        Path f = dir.resolve(TRAINING);
        if (!Files.exists(f)) {
            return null;
        }
        Checkpoint c;
        try {
            c = SafeTensors.read(f);
        } catch (IOException e) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + TRAINING + " is damaged (" + e.getMessage() + ")");
        }
        if (id != null && !id.equals(c.metadata().get(ID))) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + TRAINING + " (" + ID + " " + c.metadata().get(ID)
                    + ") and the weights (" + id + ") come from different saves; resume from a complete checkpoint folder");
        }
        try {
            return TrainingState.from(c);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + TRAINING + " is damaged (" + e.getMessage() + ")");
        }
    }

    private static IllegalArgumentException missing(Path dir, String name, String command) {
        return new IllegalArgumentException("checkpoint " + dir + ": " + name + " is missing; expected a folder written by `lanegrad "
                + command + "` (" + WEIGHTS + ", " + CONFIG + (command.equals("classify") ? ", " + VOCABULARY : "") + ")");
    }

    // ---------------------------------------------------------------- config.json

    /** Starts a config.json body with the task and checkpoint id. */
    public static Map<String, Object> newConfig(String task, String id) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("task", task);
        m.put(ID, id);
        return m;
    }

    /** A JSON object of strings, numbers, booleans, lists and (inline) maps, one top-level member per line. */
    public static String toJson(Map<String, Object> members) {
        StringBuilder sb = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, Object> e : members.entrySet()) {
            sb.append("  ").append(Json.quote(e.getKey())).append(": ").append(value(e.getValue()));
            sb.append(++i < members.size() ? ",\n" : "\n");
        }
        return sb.append("}\n").toString();
    }

    private static String value(Object v) {
        if (v instanceof String s) {
            return Json.quote(s);
        }
        if ((v instanceof Double d && !Double.isFinite(d)) || (v instanceof Float f && !Float.isFinite(f))) {
            return "null"; // JSON has no NaN or Infinity: a reader would refuse the whole file
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        if (v == null) {
            return "null";
        }
        if (v instanceof Map<?, ?> map) {
            List<String> parts = new ArrayList<>();
            map.forEach((k, x) -> parts.add(Json.quote(k.toString()) + ": " + value(x)));
            return "{" + String.join(", ", parts) + "}";
        }
        if (v instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            list.forEach(x -> parts.add(value(x)));
            return "[" + String.join(", ", parts) + "]";
        }
        throw new IllegalArgumentException("config value " + v + " is not a string, number, boolean or list");
    }

    /** The members of a config.json, read with errors that name the folder and the key. */
    public static final class Config {
        private final Path dir;
        private final Map<String, Object> map;

        Config(Path dir, Map<String, Object> map) {
            this.dir = dir;
            this.map = map;
        }

        private Object get(String key) {
            Object v = map.get(key);
            if (v == null) {
                throw new IllegalArgumentException("checkpoint " + dir + ": " + CONFIG + " has no \"" + key + "\"");
            }
            return v;
        }

        private IllegalArgumentException wrong(String key, String expected) {
            return new IllegalArgumentException("checkpoint " + dir + ": " + CONFIG + " \"" + key + "\" is "
                    + Json.typeName(map.get(key)) + ", expected " + expected);
        }

        public String string(String key) {
            if (get(key) instanceof String s) {
                return s;
            }
            throw wrong(key, "a string");
        }

        public boolean bool(String key) {
            if (get(key) instanceof Boolean b) {
                return b;
            }
            throw wrong(key, "true or false");
        }

        public double number(String key) {
            if (get(key) instanceof Number n) {
                return n.doubleValue();
            }
            throw wrong(key, "a number");
        }

        /** A whole number that is at least {@code min}. */
        public int integer(String key, int min) {
            double d = number(key);
            if (d != Math.rint(d) || d < min || d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("checkpoint " + dir + ": " + CONFIG + " \"" + key + "\" is " + d
                        + ", expected a whole number >= " + min);
            }
            return (int) d;
        }

        public List<String> strings(String key) {
            if (get(key) instanceof List<?> list && list.stream().allMatch(x -> x instanceof String)) {
                List<String> out = new ArrayList<>();
                list.forEach(x -> out.add((String) x));
                return out;
            }
            throw wrong(key, "an array of strings");
        }

        /** Runs a parse of a member's value, naming the member when it fails. */
        public <T> T parse(String key, java.util.function.Function<String, T> parser) {
            String s = string(key);
            try {
                return parser.apply(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("checkpoint " + dir + ": " + CONFIG + " \"" + key + "\": " + e.getMessage());
            }
        }
    }
}
