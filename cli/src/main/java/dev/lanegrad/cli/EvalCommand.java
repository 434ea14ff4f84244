package dev.lanegrad.cli;

import dev.lanegrad.engine.EngineThreads;
import dev.lanegrad.tasks.charlm.CharLanguageModel;
import dev.lanegrad.tasks.charlm.CharLmCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;
import java.nio.file.Path;

/** `lanegrad eval`: the loss of a trained char-LM on a text, in nats and bits per character. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Loss of a model trained by `lanegrad train` on a text: mean cross-entropy of the next character.")
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", paramLabel = "DIR", required = true, description = "a run folder of lanegrad train (or its model.safetensors)")
    Path checkpoint;

    @Option(names = "--text", paramLabel = "FILE", required = true, description = "UTF-8 text to evaluate on (only characters of the model's vocabulary)")
    Path text;

    @Mixin
    ThreadsOption engineThreads = new ThreadsOption(EngineThreads.threads());

    @Override
    public Integer call() throws Exception {
        engineThreads.apply();
        CharLmCheckpoint.Loaded ckpt = CharLmCheckpoint.load(checkpoint);
        String content = TextInput.read(text, "--text");
        int[] ids;
        try {
            ids = ckpt.vocabulary().encode(content);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--text " + text + ": " + e.getMessage());
        }
        if (ids.length < 2) {
            throw new IllegalArgumentException("--text " + text + ": " + ids.length + " character; at least 2 are needed");
        }
        CharLanguageModel.Evaluation e = ckpt.model().evaluate(ids);
        if (!Double.isFinite(e.loss())) {
            System.err.printf(Locale.ROOT, "eval: the loss on %s is %s: the model's output is not a number (a diverged or damaged "
                    + "checkpoint %s)%n", text, e.loss(), checkpoint);
            return 1;
        }
        System.out.printf(Locale.ROOT, "loss %.4f nats per character, %.4f bits per character, over %,d predicted characters "
                + "(%s, %,d characters)%n", e.loss(), e.bitsPerCharacter(), e.predicted(), text, ids.length);
        return 0;
    }
}
