package dev.lanegrad.tasks.charlm;

import dev.lanegrad.tasks.FiniteWeights;
import dev.lanegrad.tasks.ModelClaims;
import dev.lanegrad.tasks.data.CharVocabulary;
import dev.lanegrad.io.AtomicFile;
import dev.lanegrad.io.Checkpoint;
import dev.lanegrad.io.Json;
import dev.lanegrad.io.NamedTensor;
import dev.lanegrad.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A char-LM checkpoint folder:
 * <ul>
 *   <li>{@value #WEIGHTS}: the weights under PyTorch's names ({@code embedding.weight},
 *       {@code rnn.weight_ih_l0}, ..., {@code decoder.bias}), float32, and in the safetensors metadata the
 *       architecture ({@code cell, vocab_size, embedding_dim, hidden_size, num_layers, dropout}), the
 *       vocabulary (its characters in id order, key {@code vocabulary}), the training configuration
 *       ({@code training}, JSON), the step and the validation loss. This one file is the checkpoint: it is
 *       written atomically (temp file + rename), so it is always complete.</li>
 *   <li>{@value #CONFIG}: the same information as readable JSON, for people and scripts (also atomic;
 *       not needed to load).</li>
 * </ul>
 * In PyTorch: {@code model.load_state_dict(safetensors.torch.load_file("model.safetensors"))} with the
 * module of {@link CharLanguageModel}'s documentation; the vocabulary is
 * {@code json.load(open("config.json"))["vocabulary"]}.
 */
public final class CharLmCheckpoint {

    public static final String WEIGHTS = "model.safetensors";
    public static final String CONFIG = "config.json";

    /** A loaded checkpoint: the model (eval mode), its vocabulary and what the training wrote. */
    public record Loaded(CharLanguageModel model, CharVocabulary vocabulary, TrainingConfig training, long step,
                         double validationLoss, Map<String, String> metadata) {
    }

    private CharLmCheckpoint() {
    }

    /** Writes {@value #WEIGHTS} then {@value #CONFIG} into dir (created if needed), each atomically. */
    public static void save(Path dir, CharLanguageModel model, CharVocabulary vocabulary, TrainingConfig training,
                            long step, double validationLoss) throws IOException {
        model.checkVocabulary(vocabulary);
        Files.createDirectories(dir);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.putAll(model.config());
        meta.put("vocabulary", vocabulary.serialize());
        if (training != null) {
            meta.put("training", training.toJson());
        }
        meta.put("step", Long.toString(step));
        meta.put("validation_loss", Double.isFinite(validationLoss) ? Double.toString(validationLoss) : "nan");
        List<NamedTensor> tensors = model.stateDict().tensors().values().stream().toList();
        SafeTensors.write(dir.resolve(WEIGHTS), tensors, meta);
        writeAtomically(dir.resolve(CONFIG), configJson(model, vocabulary, training, step, validationLoss));
    }

    private static String configJson(CharLanguageModel model, CharVocabulary vocabulary, TrainingConfig training, long step,
                                     double validationLoss) {
        StringBuilder sb = new StringBuilder("{\n");
        model.config().forEach((k, v) -> sb.append("  ").append(Json.quote(k)).append(": ")
                .append(k.equals("module") || k.equals("cell") ? Json.quote(v) : v).append(",\n"));
        sb.append("  \"vocabulary\": ").append(Json.quote(vocabulary.serialize())).append(",\n");
        sb.append("  \"step\": ").append(step).append(",\n");
        sb.append("  \"validation_loss\": ").append(Double.isFinite(validationLoss)
                ? String.format(Locale.ROOT, "%.6f", validationLoss) : "null").append(",\n");
        sb.append("  \"parameters\": ").append(model.parameterCount()).append(",\n");
        sb.append("  \"training\": ").append(training == null ? "null" : training.toJson()).append("\n}\n");
        return sb.toString();
    }

    /**
     * Loads a checkpoint folder (or a {@value #WEIGHTS} file). Errors say what is missing or damaged:
     * a missing folder or file, a file that is not safetensors or is cut short, a metadata key missing,
     * a tensor missing or misshapen.
     */
    public static Loaded load(Path dirOrFile) throws IOException {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(WEIGHTS) : dirOrFile;
        if (!Files.exists(dirOrFile)) {
            throw new IllegalArgumentException("checkpoint " + dirOrFile + ": no such folder or file (expected a folder "
                    + "written by lanegrad train, holding " + WEIGHTS + ")");
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("checkpoint " + dirOrFile + ": " + file + " is a folder; expected the safetensors file "
                    + WEIGHTS + " written by lanegrad train");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("checkpoint " + dirOrFile + ": " + WEIGHTS + " is missing (expected a folder "
                    + "written by lanegrad train)");
        }
        Checkpoint c;
        try {
            c = SafeTensors.read(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("checkpoint " + file + " cannot be read: no such file");
        }
        CharLanguageModel.Config config = CharLanguageModel.configFrom(c);
        ModelClaims.requireHeld(file.toString(), "cell " + config.cell().lowerName() + ", vocab_size " + config.vocabSize()
                        + ", embedding_dim " + config.embed() + ", hidden_size " + config.hidden() + ", num_layers " + config.layers(),
                ModelClaims.charLmParameters(config.cell().lowerName(), config.vocabSize(), config.embed(), config.hidden(),
                        config.layers()), ModelClaims.values(c));
        FiniteWeights.require(c);
        String chars = CharLanguageModel.meta(c, "vocabulary");
        CharVocabulary vocabulary;
        try {
            vocabulary = CharVocabulary.parse(chars);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint " + file + ": the vocabulary in its metadata is damaged: " + e.getMessage());
        }
        CharLanguageModel model = new CharLanguageModel(config, 0L);
        model.checkVocabulary(vocabulary);
        model.loadStateDict(c);
        model.eval();
        TrainingConfig training = null;
        String t = c.metadata().get("training");
        if (t != null) {
            try {
                training = TrainingConfig.fromJson(t);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("checkpoint " + file + ": its training configuration is damaged: " + e.getMessage());
            }
        }
        long step = parseLong(c.metadata().get("step"));
        double val = parseDouble(c.metadata().get("validation_loss"));
        return new Loaded(model, vocabulary, training, step, val, c.metadata());
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static double parseDouble(String s) {
        try {
            return s == null ? Double.NaN : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Writes text to file through a temporary file in the same folder, forced to disk, then renamed. */
    static void writeAtomically(Path file, String text) throws IOException {
        AtomicFile.writeString(file, text);
    }
}
