package dev.lanegrad.spark.train;

import dev.lanegrad.tasks.charlm.CharLanguageModel;
import dev.lanegrad.tasks.charlm.CharLmCheckpoint;
import dev.lanegrad.tasks.charlm.TrainingConfig;
import dev.lanegrad.tasks.data.CharVocabulary;
import dev.lanegrad.tasks.data.LmBatcher;
import dev.lanegrad.tasks.data.TokenSplit;
import dev.lanegrad.models.optim.LrSchedule;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Synchronous data-parallel training of the char-LM of {@code lanegrad train} ({@link SyncSteps}). The text's
 * vocabulary, its held-out tail ({@code valFrac}) and the training part's K*b streams are those of
 * {@link LmBatcher}'s sequential mode at batch K*b; partition k holds the b contiguous streams of shard k
 * ({@link CharLmShardModel}) and carries their state from step to step through the driver. Every {@code valEvery}
 * steps and at the end the driver evaluates the held-out text and saves a {@code lanegrad train} checkpoint
 * folder (the weights of that step), which {@code ./lanegrad sample} and {@code eval} load.
 *
 * <p>The configuration is {@link TrainingConfig}'s, with what a deterministic synchronous run needs: no dropout
 * (a partition's masks could not be one process's), sequential batching, a step limit and no time budget (the
 * schedule follows steps only).
 */
public final class DataParallelCharLm {

    /** After a validation: the step, the mean training loss since the last one, the held-out loss. */
    public record Progress(long step, double trainingLoss, double validationLoss) {
    }

    /** The trained model, its vocabulary and parameters, and the last held-out loss. */
    public record Result(CharLanguageModel model, CharVocabulary vocabulary, float[] parameters, long steps, double validationLoss) {
    }

    private DataParallelCharLm() {
    }

    /** Checks that config can run synchronously on K partitions; the message names the option. */
    public static void check(TrainingConfig config, int partitions) {
        if (config.dropout() != 0f) {
            throw new IllegalArgumentException("--dropout " + config.dropout() + ": data-parallel training needs --dropout 0"
                    + " (each partition would draw other masks than one process)");
        }
        if (!"sequential".equals(config.batching())) {
            throw new IllegalArgumentException("--batching " + config.batching() + ": data-parallel training reads sequential streams");
        }
        if (config.steps() <= 0 || config.seconds() > 0) {
            throw new IllegalArgumentException("data-parallel training needs --steps and no --minutes (the schedule follows steps)");
        }
        if (partitions < 1 || config.batch() % partitions != 0) {
            throw new IllegalArgumentException("--batch " + config.batch() + " is not a multiple of " + partitions + " partitions");
        }
    }

    /** Trains on text for config.steps() steps; checkpoints into out (null: none). */
    public static Result train(JavaSparkContext jsc, String text, TrainingConfig config, int partitions, Path out,
                               Consumer<Progress> listener) {
        check(config, partitions);
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("the training text is empty");
        }
        CharVocabulary vocabulary = CharVocabulary.of(text);
        TokenSplit split = TokenSplit.tail(vocabulary.encode(text), config.valFrac());
        if (split.validation().length < 2) {
            throw new IllegalArgumentException("--val-frac " + config.valFrac() + " holds out " + split.validation().length
                    + " characters; at least 2 are needed");
        }
        int b = config.batch() / partitions;
        // the driver's batcher checks the sizes and says how long a pass is; the partitions' streams are its streams
        new LmBatcher(split.train(), config.seqLen(), config.batch(), LmBatcher.Mode.SEQUENTIAL, config.seed());
        int streamLength = split.train().length / config.batch();
        List<int[]> blocks = new ArrayList<>();
        for (int k = 0; k < partitions; k++) {
            blocks.add(Arrays.copyOfRange(split.train(), k * b * streamLength, (k + 1) * b * streamLength));
        }
        JavaRDD<int[]> shards = jsc.parallelize(blocks, partitions).persist(StorageLevel.MEMORY_ONLY());

        CharLmShardModel shard = new CharLmShardModel(CharLanguageModel.parseCell(config.cell()), vocabulary.size(), config.embed(),
                config.hidden(), config.layers(), config.seed(), config.seqLen(), b);
        CharLanguageModel model = shard.build();
        SyncSteps<int[], float[]> steps = new SyncSteps<>(shards, shard, model, config.newOptimizer(model.parameters()),
                config.clip(), null);
        LrSchedule schedule = config.learningRates();
        List<float[]> carried = null;
        double lossSum = 0;
        int since = 0;
        double validation = Double.NaN;
        try {
            for (long s = 0; s < config.steps(); s++) {
                Partial total = steps.step(s, schedule.rate(s), carried);
                carried = Arrays.asList(total.outputs());
                lossSum += total.loss();
                since++;
                if ((s + 1) % config.valEvery() == 0 || s + 1 == config.steps()) {
                    validation = model.evaluate(split.validation()).loss();
                    if (out != null) {
                        CharLmCheckpoint.save(out, model, vocabulary, config, s + 1, validation);
                    }
                    if (listener != null) {
                        listener.accept(new Progress(s + 1, lossSum / since, validation));
                    }
                    lossSum = 0;
                    since = 0;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("saving the checkpoint to " + out + ": " + e.getMessage(), e);
        } finally {
            shards.unpersist(false);
        }
        model.eval();
        return new Result(model, vocabulary, ParameterVector.values(model.parameters()), config.steps(), validation);
    }

    /** A string column's rows in the table's order, joined by newlines: the text of a {@code spark.read().text(...)} table. */
    public static String text(Dataset<Row> data, String column) {
        List<String> lines = data.select(column).as(Encoders.STRING()).collectAsList();
        return String.join("\n", lines);
    }
}
