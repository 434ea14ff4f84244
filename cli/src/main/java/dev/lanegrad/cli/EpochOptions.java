package dev.lanegrad.cli;

import dev.lanegrad.models.rnn.RnnMode;
import dev.lanegrad.tasks.Cells;
import dev.lanegrad.tasks.EpochSettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The options that mean the same in both epoch tasks (forecast, classify), declared once: the recurrent
 * stack, the epochs, the optimizer's step, the seed and the run folder. A command mixes it in with its
 * config's defaults (so --help shows the task's own) and sets them on its config builder with
 * {@link #applyTo}.
 */
final class EpochOptions {

    @Option(names = "--cell", paramLabel = "lstm|gru", description = "recurrent cell")
    String cell;

    @Option(names = "--hidden", description = "units per layer (and direction)")
    int hidden;

    @Option(names = "--layers", description = "stacked recurrent layers")
    int layers;

    @Option(names = "--epochs", description = "passes over the training part")
    int epochs;

    @Option(names = "--lr", description = "Adam learning rate")
    float lr;

    @Option(names = "--batch", description = "training examples per step")
    int batch;

    @Option(names = "--seed", description = "seed of everything random: the initialisation, dropout, the shuffling "
            + "and a random split")
    long seed;

    @Option(names = "--patience", description = "stop after this many epochs without a better validation score, 0 = never")
    int patience;

    @Option(names = "--out", paramLabel = "DIR", description = "run folder (default: runs/<timestamp>)")
    Path out;

    EpochOptions(EpochSettings.Values defaults) {
        cell = Cells.name(defaults.cell());
        hidden = defaults.hidden();
        layers = defaults.layers();
        epochs = defaults.epochs();
        lr = defaults.lr();
        batch = defaults.batch();
        seed = defaults.seed();
        patience = defaults.patience();
    }

    /** The values given (or the defaults) on a task's config builder; the builder's build() checks them. */
    <B extends EpochSettings.Builder<B>> B applyTo(B builder) {
        return builder.cell(Cells.parse(cell, RnnMode.LSTM, RnnMode.GRU)).hidden(hidden).layers(layers).epochs(epochs).lr(lr)
                .batch(batch).seed(seed).patience(patience);
    }
}
