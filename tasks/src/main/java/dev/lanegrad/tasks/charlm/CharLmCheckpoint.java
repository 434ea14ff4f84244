package dev.lanegrad.tasks.charlm;

import dev.lanegrad.tasks.FiniteWeights;
import dev.lanegrad.tasks.ModelClaims;
import dev.lanegrad.tasks.CheckpointFolder;
import dev.lanegrad.tasks.Cells;
import dev.lanegrad.tasks.TrainingState;
import dev.lanegrad.tasks.data.CharVocabulary;
import dev.lanegrad.io.Checkpoint;
import dev.lanegrad.io.NamedTensor;
import dev.lanegrad.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A char-LM checkpoint folder, in the format of every task ({@link CheckpointFolder}):
 * <ul>
 *   <li>{@value #WEIGHTS}: the weights under PyTorch's names ({@code embedding.weight},
 *       {@code rnn.weight_ih_l0}, ..., {@code decoder.bias}), float32, and in the safetensors metadata the
 *       architecture ({@code cell, vocab_size, embedding_dim, hidden_size, num_layers, dropout}), the
 *       vocabulary (its characters in id order, key {@code vocabulary}), the training configuration
 *       ({@code training}, JSON), the step, the validation loss, the task and the checkpoint id. This file
 *       alone loads (folders written before the common format have only it and a config.json without
 *       task and id: they still load).</li>
 *   <li>{@value #CONFIG}: the same information as readable JSON, with {@code "task": "charlm"}.</li>
 *   <li>{@value CheckpointFolder#TRAINING}: what {@code train --resume} needs to continue the same
 *       trajectory (the optimizer's moments, the schedule, data and dropout positions, the carried state).</li>
 * </ul>
 * A run folder holds the best checkpoint; {@code last/} (the state at the end of the run) and, with
 * {@code --save-every N}, {@code step-<N>/} are checkpoint folders of their own inside it.
 * In PyTorch: {@code model.load_state_dict(safetensors.torch.load_file("model.safetensors"))} with the
 * module of {@link CharLanguageModel}'s documentation; the vocabulary is
 * {@code json.load(open("config.json"))["vocabulary"]}.
 */
public final class CharLmCheckpoint {

    public static final String TASK = "charlm";
    public static final String WEIGHTS = CheckpointFolder.WEIGHTS;
    public static final String CONFIG = CheckpointFolder.CONFIG;
    /** The folder of the last state of a run, inside its run folder. */
    public static final String LAST = "last";

    /**
     * A loaded checkpoint: the model (eval mode), its vocabulary, what the training wrote, the state to
     * resume from (null when the folder has none) and the folder it came from.
     */
    public record Loaded(CharLanguageModel model, CharVocabulary vocabulary, TrainingConfig training, long step,
                         double validationLoss, Map<String, String> metadata, TrainingState resumeState, Path folder) {
    }

    private CharLmCheckpoint() {
    }

    /** Writes {@value #WEIGHTS} then {@value #CONFIG} into dir (created if needed), each atomically; no resume state. */
    public static void save(Path dir, CharLanguageModel model, CharVocabulary vocabulary, TrainingConfig training,
                            long step, double validationLoss) throws IOException {
        save(dir, model, vocabulary, training, step, validationLoss, null);
    }

    /**
     * Writes {@value #WEIGHTS}, {@value #CONFIG} and, when {@code state} is given,
     * {@value CheckpointFolder#TRAINING} (else an old one is removed) into dir, each atomically.
     */
    public static void save(Path dir, CharLanguageModel model, CharVocabulary vocabulary, TrainingConfig training,
                            long step, double validationLoss, TrainingState state) throws IOException {
        model.checkVocabulary(vocabulary);
        Files.createDirectories(dir);
        String id = CheckpointFolder.newId();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.putAll(model.config());
        meta.put("vocabulary", vocabulary.serialize());
        if (training != null) {
            meta.put("training", training.toJson());
        }
        meta.put("step", Long.toString(step));
        meta.put("validation_loss", Double.isFinite(validationLoss) ? Double.toString(validationLoss) : "nan");
        meta.put("task", TASK);
        meta.put(CheckpointFolder.ID, id);
        List<NamedTensor> tensors = model.stateDict().tensors().values().stream().toList();
        SafeTensors.write(dir.resolve(WEIGHTS), tensors, meta);
        Map<String, Object> config = CheckpointFolder.newConfig(TASK, id);
        model.config().forEach((k, v) -> config.put(k, k.equals("module") || k.equals("cell") ? v
                : v.matches("-?\\d+") ? (Object) Long.valueOf(v) : Double.valueOf(v)));
        config.put("vocabulary", vocabulary.serialize());
        config.put("step", step);
        config.put("validation_loss", Double.isFinite(validationLoss) ? validationLoss : null);
        config.put("parameters", model.parameterCount());
        config.put("training", training == null ? null : training.toMap());
        CheckpointFolder.writeString(dir.resolve(CONFIG), CheckpointFolder.toJson(config));
        if (state != null) {
            CheckpointFolder.writeTraining(dir, state, id);
        } else {
            Files.deleteIfExists(dir.resolve(CheckpointFolder.TRAINING));
        }
    }

    /**
     * The folder to resume a run from: its {@value #LAST} state when the run folder has one, else the
     * folder itself.
     */
    public static Path latest(Path runFolder) {
        Path last = runFolder.resolve(LAST);
        return Files.isRegularFile(last.resolve(WEIGHTS)) ? last : runFolder;
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
        ModelClaims.requireHeld(file.toString(), "cell " + Cells.name(config.cell()) + ", vocab_size " + config.vocabSize()
                        + ", embedding_dim " + config.embed() + ", hidden_size " + config.hidden() + ", num_layers " + config.layers(),
                ModelClaims.charLmParameters(Cells.name(config.cell()), config.vocabSize(), config.embed(), config.hidden(),
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
        String id = c.metadata().get(CheckpointFolder.ID);
        Path folder = file.getParent();
        TrainingState state = id == null || folder == null ? null : CheckpointFolder.readTraining(folder, id);
        return new Loaded(model, vocabulary, training, step, val, c.metadata(), state, folder);
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

}
